// Whether two contacts exist, and the accounts they both work at: where a path between them
// is looked for (read/influence_map of that account).
OPTIONAL MATCH (x:Contact {email: $source})
OPTIONAL MATCH (y:Contact {email: $target})
OPTIONAL MATCH (x)-[:WORKS_AT]->(a:Account)<-[:WORKS_AT]-(y)
RETURN x IS NOT NULL AS source_known, y IS NOT NULL AS target_known,
       collect(DISTINCT a.domain) AS shared
