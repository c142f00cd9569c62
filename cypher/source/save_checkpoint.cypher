// Where a folder or calendar's sync has got to; written after each committed batch.
MERGE (c:SyncCheckpoint {source_id: $id, key: $key})
SET c.state = $state
