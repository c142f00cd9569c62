CREATE CONSTRAINT sync_checkpoint_key IF NOT EXISTS FOR (c:SyncCheckpoint) REQUIRE (c.source_id, c.key) IS UNIQUE
