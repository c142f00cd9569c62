// Write rebuilt ties of one type, each once: a rescore has folded every interaction in memory
// and deleted the old ties first, so CREATE (no MERGE lookup of an existing tie) is right.
// Rows are those of ingest/merge_ties.cypher; $type comes from tiegraph.domain.TieType.
UNWIND $rows AS row
MATCH (a:Person {email: row.a})
MATCH (b:Person {email: row.b})
CREATE (a)-[t:$($type)]->(b)
SET t += row.sums,
    t.first_at = datetime({epochMillis: row.first_ms}),
    t.last_at = datetime({epochMillis: row.last_ms}),
    t.last_two_way_at = CASE WHEN row.last_two_way_ms IS NOT NULL
                             THEN datetime({epochMillis: row.last_two_way_ms}) END
