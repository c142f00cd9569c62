// Give ties of one type their rebuilt state: a rescore has folded every interaction in memory,
// so each row is a tie's whole state and overwrites every stored field (the sums map holds all
// of them; a time the new state lacks is set to null, which removes it), creating the tie if
// the new profile makes one that was not there. Rows are those of ingest/merge_ties.cypher;
// $type comes from tiegraph.domain.TieType. `reach` as in ingest/merge_ties (scoring.reach.touch_reach
// with $rule its TouchRule), from the state just stored.
UNWIND $rows AS row
MATCH (a:Person {email: row.a})
MATCH (b:Person {email: row.b})
MERGE (a)-[t:$($type)]->(b)
SET t += row.sums,
    t.first_at = datetime({epochMillis: row.first_ms}),
    t.last_at = datetime({epochMillis: row.last_ms}),
    t.last_two_way_at = CASE WHEN row.last_two_way_ms IS NOT NULL
                             THEN datetime({epochMillis: row.last_two_way_ms}) END
SET t.reach = 100.0 * (1.0 - exp(-(t.weight_fast * $rule.fast_norm
        * 2.0 ^ (-toFloat(t.last_at.epochMillis - $rule.epoch_ms) / $rule.fast_ms)
      + t.weight_slow * $rule.slow_norm
        * 2.0 ^ (-toFloat(t.last_at.epochMillis - $rule.epoch_ms) / $rule.slow_ms))
      / $rule.saturation))
    * CASE WHEN t.last_two_way_at IS NULL THEN $rule.floor
           ELSE $rule.floor + (1.0 - $rule.floor) * 2.0 ^ (-toFloat(
             t.last_at.epochMillis - t.last_two_way_at.epochMillis) / $rule.recency_ms) END
