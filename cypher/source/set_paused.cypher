// Pause or resume a source; a resumed one is due at once (its backoff is forgotten).
MATCH (s:Source {id: $id})
SET s.paused = $paused, s.next_attempt_ms = null, s.failures = 0
RETURN properties(s) AS source
