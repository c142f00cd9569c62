// The last step of migrate/tie_reach: the tie migrate/tie_reach_missing looks at.
MATCH ()-[t]->() WHERE elementId(t) = $first
SET t.reach = 100.0 * (1.0 - exp(-(t.weight_fast * $rule.fast_norm
        * 2.0 ^ (-toFloat(t.last_at.epochMillis - $rule.epoch_ms) / $rule.fast_ms)
      + t.weight_slow * $rule.slow_norm
        * 2.0 ^ (-toFloat(t.last_at.epochMillis - $rule.epoch_ms) / $rule.slow_ms))
      / $rule.saturation))
    * CASE WHEN t.last_two_way_at IS NULL THEN $rule.floor
           ELSE $rule.floor + (1.0 - $rule.floor) * 2.0 ^ (-toFloat(
             t.last_at.epochMillis - t.last_two_way_at.epochMillis) / $rule.recency_ms) END
