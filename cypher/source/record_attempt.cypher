// A sync starts: when, for the status.
MATCH (s:Source {id: $id})
SET s.last_attempt_ms = $at_ms
