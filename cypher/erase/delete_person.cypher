// The person, their aliases and every relationship they had; the addresses join the erasure
// list as hashes so a later ingest drops them.
OPTIONAL MATCH (p:Person {email: $email})
OPTIONAL MATCH (e:EmailAddress)-[:ALIAS_OF]->(p)
WITH p, collect(e) AS aliases
FOREACH (e IN aliases | DETACH DELETE e)
DETACH DELETE p
WITH count(*) AS done
UNWIND $hashes AS hash
MERGE (x:ErasedAddress {hash: hash})
ON CREATE SET x.erased_at = datetime({epochMillis: $erased_ms})
