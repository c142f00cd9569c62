// Give ties of one type their rebuilt state: a rescore has folded every interaction in memory,
// so each row is a tie's whole state and overwrites every stored field (the sums map holds all
// of them; a time the new state lacks is set to null, which removes it), creating the tie if
// the new profile makes one that was not there. Rows are those of ingest/merge_ties.cypher;
// $type comes from tiegraph.domain.TieType.
UNWIND $rows AS row
MATCH (a:Person {email: row.a})
MATCH (b:Person {email: row.b})
MERGE (a)-[t:$($type)]->(b)
SET t += row.sums,
    t.first_at = datetime({epochMillis: row.first_ms}),
    t.last_at = datetime({epochMillis: row.last_ms}),
    t.last_two_way_at = CASE WHEN row.last_two_way_ms IS NOT NULL
                             THEN datetime({epochMillis: row.last_two_way_ms}) END
