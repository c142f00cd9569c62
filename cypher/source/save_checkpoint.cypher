// Where a folder or calendar's sync has got to, written after each committed batch by the
// sync that holds the source's lease, which the write renews. No row: the lease ran out and
// another sync holds the source now, so nothing is written. The first SET takes the node's
// write lock before the holder is read, as in source/claim.
MATCH (s:Source {id: $id})
SET s.sync_claiming = true
REMOVE s.sync_claiming
WITH s
WHERE s.sync_holder = $holder
SET s.sync_lease_ms = $until_ms
MERGE (c:SyncCheckpoint {source_id: $id, key: $key})
SET c.state = $state
RETURN true AS held
