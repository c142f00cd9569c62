// Start a sync of one source: the source, its checkpoints, and its sync lease taken unless
// another sync holds one that has not run out (then `claimed` is false and the lease stays
// theirs). The first SET takes the node's write lock before the lease is read, so of two
// syncs starting at once the second reads the first one's lease once it has committed.
MATCH (s:Source {id: $id})
SET s.sync_claiming = true
WITH s, coalesce(s.sync_lease_ms, 0) < $now_ms AS free
SET s.sync_lease_ms = CASE WHEN free THEN $until_ms ELSE s.sync_lease_ms END,
    s.sync_holder = CASE WHEN free THEN $holder ELSE s.sync_holder END
REMOVE s.sync_claiming
WITH s, free
OPTIONAL MATCH (c:SyncCheckpoint {source_id: $id})
RETURN properties(s) AS source, free AS claimed,
       collect(CASE WHEN c IS NOT NULL THEN [c.key, c.state] END) AS checkpoints
