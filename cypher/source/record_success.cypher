// A sync that finished: counts added, backoff and failures cleared.
MATCH (s:Source {id: $id})
SET s.last_success_ms = $at_ms, s.failures = 0, s.next_attempt_ms = null,
    s.items_read = coalesce(s.items_read, 0) + $read,
    s.items_written = coalesce(s.items_written, 0) + $written
