// A source and its checkpoints; what it ingested stays (interactions belong to the graph).
MATCH (s:Source {id: $id})
OPTIONAL MATCH (c:SyncCheckpoint {source_id: $id})
DETACH DELETE c, s
RETURN count(DISTINCT s) AS removed
