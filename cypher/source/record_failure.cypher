// A sync that failed: the error (never a secret: see ingest/secrets.py), the next attempt
// after the backoff, what it read and wrote before it failed (checkpointed, so kept), and its
// lease given back.
MATCH (s:Source {id: $id})
SET s.last_attempt_ms = $at_ms, s.last_error = $error, s.last_error_ms = $at_ms,
    s.failures = coalesce(s.failures, 0) + 1, s.error_count = coalesce(s.error_count, 0) + 1,
    s.next_attempt_ms = $next_ms,
    s.items_read = coalesce(s.items_read, 0) + $read,
    s.items_written = coalesce(s.items_written, 0) + $written
WITH s
WHERE s.sync_holder = $holder
REMOVE s.sync_lease_ms, s.sync_holder
