// Take an address off the erasure list, so ingest accepts it again.
MATCH (x:ErasedAddress {hash: $hash})
DELETE x
RETURN count(*) AS removed
