// One source by id, with its checkpoints as [key, state] pairs: what a sync starts from, in
// one round trip.
MATCH (s:Source {id: $id})
OPTIONAL MATCH (c:SyncCheckpoint {source_id: $id})
RETURN properties(s) AS source,
       collect(CASE WHEN c IS NOT NULL THEN [c.key, c.state] END) AS checkpoints
