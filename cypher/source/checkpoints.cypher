// A source's checkpoints: one per IMAP folder or calendar, its state as JSON.
MATCH (c:SyncCheckpoint {source_id: $id})
RETURN c.key AS key, c.state AS state
