// The erasure list, read once at the start of an ingestion run.
MATCH (x:ErasedAddress)
RETURN x.hash AS hash
