// Add one batch's per-tie state deltas (scoring.tie_state.TieState) to ties of one type.
// $type comes from tiegraph.domain.TieType, never from input: KNOWS (TeamMember->Contact),
// WORKS_WITH and ASSOCIATED_WITH (stored once, a < b). Every field is additive (counts and
// epoch-referenced decayed sums) or a min/max, so batches may arrive in any order. Times come
// as epoch millis: the driver packs ints far faster than datetimes. A new tie takes the delta
// as it is, in one map write, instead of zeros first and sums after. `reach` is recomputed from
// the state just stored: scoring.reach.touch_reach, the same formula, with $rule its TouchRule.
UNWIND $rows AS row
WITH row,
     datetime({epochMillis: row.first_ms}) AS first_at,
     datetime({epochMillis: row.last_ms}) AS last_at,
     CASE WHEN row.last_two_way_ms IS NOT NULL
          THEN datetime({epochMillis: row.last_two_way_ms}) END AS two_way_at
MATCH (a:Person {email: row.a})
MATCH (b:Person {email: row.b})
MERGE (a)-[t:$($type)]->(b)
ON CREATE SET t += row.sums, t.first_at = first_at, t.last_at = last_at,
              t.last_two_way_at = two_way_at
ON MATCH SET
    t.email_count = t.email_count + row.sums.email_count,
    t.meeting_count = t.meeting_count + row.sums.meeting_count,
    t.call_count = t.call_count + row.sums.call_count,
    t.note_count = t.note_count + row.sums.note_count,
    t.a_initiated = t.a_initiated + row.sums.a_initiated,
    t.b_initiated = t.b_initiated + row.sums.b_initiated,
    t.two_way_count = t.two_way_count + row.sums.two_way_count,
    t.declined_count = t.declined_count + row.sums.declined_count,
    t.brought_colleagues_count = t.brought_colleagues_count + row.sums.brought_colleagues_count,
    t.reply_buckets = [i IN range(0, 4) | t.reply_buckets[i] + row.sums.reply_buckets[i]],
    t.weight_fast = t.weight_fast + row.sums.weight_fast,
    t.weight_slow = t.weight_slow + row.sums.weight_slow,
    t.activity_recent = t.activity_recent + row.sums.activity_recent,
    t.activity_base = t.activity_base + row.sums.activity_base,
    t.first_at = CASE WHEN first_at < t.first_at THEN first_at ELSE t.first_at END,
    t.last_at = CASE WHEN last_at > t.last_at THEN last_at ELSE t.last_at END,
    t.last_two_way_at = CASE WHEN t.last_two_way_at IS NULL OR two_way_at > t.last_two_way_at
                             THEN coalesce(two_way_at, t.last_two_way_at)
                             ELSE t.last_two_way_at END
SET t.reach = 100.0 * (1.0 - exp(-(t.weight_fast * $rule.fast_norm
        * 2.0 ^ (-toFloat(t.last_at.epochMillis - $rule.epoch_ms) / $rule.fast_ms)
      + t.weight_slow * $rule.slow_norm
        * 2.0 ^ (-toFloat(t.last_at.epochMillis - $rule.epoch_ms) / $rule.slow_ms))
      / $rule.saturation))
    * CASE WHEN t.last_two_way_at IS NULL THEN $rule.floor
           ELSE $rule.floor + (1.0 - $rule.floor) * 2.0 ^ (-toFloat(
             t.last_at.epochMillis - t.last_two_way_at.epochMillis) / $rule.recency_ms) END
