"""The local Neo4j and Redis `tiegraph up`, `tiegraph db` and the test suite start when the
settings point at this machine and nothing answers there."""
