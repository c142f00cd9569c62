// Give every tie written before ties stored `reach` (scoring.reach.touch_reach with $rule the
// active profile's TouchRule, as ingest/merge_ties computes it), in transactions of 10,000 ties.
// The tie `migrate/tie_reach_missing` looks at ($first) is done last, in a second run with
// $last true: an interrupted upgrade leaves it without, so the next start finishes.
MATCH ()-[t:KNOWS|WORKS_WITH|ASSOCIATED_WITH]->()
WHERE t.reach IS NULL AND (elementId(t) = $first) = $last
CALL (t) {
  SET t.reach = 100.0 * (1.0 - exp(-(t.weight_fast * $rule.fast_norm
          * 2.0 ^ (-toFloat(t.last_at.epochMillis - $rule.epoch_ms) / $rule.fast_ms)
        + t.weight_slow * $rule.slow_norm
          * 2.0 ^ (-toFloat(t.last_at.epochMillis - $rule.epoch_ms) / $rule.slow_ms))
        / $rule.saturation))
      * CASE WHEN t.last_two_way_at IS NULL THEN $rule.floor
             ELSE $rule.floor + (1.0 - $rule.floor) * 2.0 ^ (-toFloat(
               t.last_at.epochMillis - t.last_two_way_at.epochMillis) / $rule.recency_ms) END
} IN TRANSACTIONS OF 10000 ROWS
