// A sync that ended without recording its outcome gives its lease back (only its own).
MATCH (s:Source {id: $id})
WHERE s.sync_holder = $holder
REMOVE s.sync_lease_ms, s.sync_holder
