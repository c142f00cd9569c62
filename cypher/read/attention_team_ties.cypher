// Attention-feed candidates among the KNOWS ties of the whole team: ties whose last two-way
// exchange lies between $forget_ms and $cold_ms and that could have been Good or better then
// (perhaps a key tie going cold), and ties active since $recent_ms that could be Good or
// better now (perhaps a rising advocate). "Could be Good" is the `$reach_*` upper bound of
// scoring.reach.ReachBound (for a cold tie at its last touch, `last_at`, where scoring
// reads any earlier moment, with the freshness left since the last two-way exchange; at the
// read time for a rising one; null $reach_score keeps every tie). A tie with fewer than
// $min_two_way two-way exchanges is never Good, so never key. The exact rules run in
// scoring/attention.py; contacts who may have moved come from read/attention_*_movers. Tie
// times come as epoch microseconds (UTC): the driver's DateTime decoding costs about half a
// millisecond a value.
// Ties of members in $hidden (opted out: app/auth.py) are left out of the answer.
// Not every tie is read: each one either bound keeps is found by an index seek. A tie's stored
// `reach` (scoring.reach.touch_reach) bounds its score at its last touch and at every later
// moment, so the cold bound implies `reach >= $reach_seek`, and so does the rising one unless
// the tie was touched after the read moment (a feed as of an earlier day): those come from
// the `last_at` index. The exact bounds are then applied to these few candidates.
CALL () {
  MATCH (m)-[t:KNOWS]->(c) WHERE t.reach >= $reach_seek
  RETURN m, t, c
  UNION
  MATCH (m)-[t:KNOWS]->(c) WHERE t.last_at > datetime({epochMillis: $reach_at_ms})
  RETURN m, t, c
}
WITH m, t, c WHERE t.two_way_count >= $min_two_way
// The times projected once, people's labels checked only on the few rows left.
WITH m, t, c, t.last_at.epochMillis AS last_ms, t.last_two_way_at.epochMillis AS two_way_ms
WHERE ((two_way_ms < $cold_ms AND two_way_ms > $forget_ms)
       AND ($reach_score IS NULL
            OR 100.0 * (1.0 - exp(-(coalesce(t.weight_fast, 0.0) * $reach_fast_norm
                 * 2.0 ^ (-toFloat(last_ms - $reach_epoch_ms) / $reach_fast_ms)
               + coalesce(t.weight_slow, 0.0) * $reach_slow_norm
                 * 2.0 ^ (-toFloat(last_ms - $reach_epoch_ms) / $reach_slow_ms))
               / $reach_saturation))
               * ($reach_floor + (1.0 - $reach_floor) * 2.0 ^ (-toFloat(
                   last_ms - two_way_ms) / $reach_recency_ms))
               >= $reach_score))
   OR (last_ms > $recent_ms
       AND ($reach_score IS NULL
            OR 100.0 * (1.0 - exp(-(coalesce(t.weight_fast, 0.0) * $reach_fast
                                    + coalesce(t.weight_slow, 0.0) * $reach_slow) / $reach_saturation))
               * CASE WHEN two_way_ms IS NULL THEN $reach_floor
                      ELSE $reach_floor + (1.0 - $reach_floor) * 2.0 ^ (-toFloat(CASE
                             WHEN two_way_ms < $reach_at_ms
                             THEN $reach_at_ms - two_way_ms ELSE 0 END) / $reach_recency_ms)
                 END >= $reach_score))
WITH m, t, c WHERE m:TeamMember AND c:Contact AND NOT m.email IN $hidden
// One record holding every row as a list: the driver's client CPU cost is per
// record it receives, and the team-wide read returns thousands.
RETURN collect({member: properties(m), contact: properties(c), tie: t {.*, first_at: t.first_at.epochSeconds * 1000000 + t.first_at.microsecond,
          last_at: t.last_at.epochSeconds * 1000000 + t.last_at.microsecond,
          last_two_way_at: t.last_two_way_at.epochSeconds * 1000000 + t.last_two_way_at.microsecond}}) AS ties
