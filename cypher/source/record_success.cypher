// A sync that finished: when it started and ended, counts added, backoff and failures cleared,
// and its lease given back.
MATCH (s:Source {id: $id})
SET s.last_attempt_ms = $started_ms, s.last_success_ms = $at_ms, s.failures = 0,
    s.next_attempt_ms = null,
    s.items_read = coalesce(s.items_read, 0) + $read,
    s.items_written = coalesce(s.items_written, 0) + $written
WITH s
WHERE s.sync_holder = $holder
REMOVE s.sync_lease_ms, s.sync_holder
