// Add one batch's per-tie state deltas (scoring.tie_model.TieState) to ties of one type.
// $type comes from tiegraph.domain.TieType, never from input: KNOWS (TeamMember->Contact),
// WORKS_WITH and ASSOCIATED_WITH (stored once, a < b). Every field is additive (counts and
// epoch-referenced decayed sums) or a min/max, so batches may arrive in any order. Times come
// as epoch millis: the driver packs ints far faster than datetimes.
UNWIND $rows AS row
WITH row,
     datetime({epochMillis: row.first_ms}) AS first_at,
     datetime({epochMillis: row.last_ms}) AS last_at,
     CASE WHEN row.last_two_way_ms IS NOT NULL
          THEN datetime({epochMillis: row.last_two_way_ms}) END AS two_way_at
MATCH (a:Person {email: row.a})
MATCH (b:Person {email: row.b})
MERGE (a)-[t:$($type)]->(b)
ON CREATE SET t.email_count = 0, t.meeting_count = 0, t.call_count = 0, t.note_count = 0,
              t.a_initiated = 0, t.b_initiated = 0, t.two_way_count = 0, t.declined_count = 0,
              t.brought_colleagues_count = 0, t.reply_buckets = [0, 0, 0, 0, 0],
              t.weight_fast = 0.0, t.weight_slow = 0.0,
              t.activity_recent = 0.0, t.activity_base = 0.0
SET t.email_count = t.email_count + row.email_count,
    t.meeting_count = t.meeting_count + row.meeting_count,
    t.call_count = t.call_count + row.call_count,
    t.note_count = t.note_count + row.note_count,
    t.a_initiated = t.a_initiated + row.a_initiated,
    t.b_initiated = t.b_initiated + row.b_initiated,
    t.two_way_count = t.two_way_count + row.two_way_count,
    t.declined_count = t.declined_count + row.declined_count,
    t.brought_colleagues_count = t.brought_colleagues_count + row.brought_colleagues_count,
    t.reply_buckets = [i IN range(0, 4) | t.reply_buckets[i] + row.reply_buckets[i]],
    t.weight_fast = t.weight_fast + row.weight_fast,
    t.weight_slow = t.weight_slow + row.weight_slow,
    t.activity_recent = t.activity_recent + row.activity_recent,
    t.activity_base = t.activity_base + row.activity_base,
    t.first_at = CASE WHEN t.first_at IS NULL OR first_at < t.first_at
                      THEN first_at ELSE t.first_at END,
    t.last_at = CASE WHEN t.last_at IS NULL OR last_at > t.last_at THEN last_at ELSE t.last_at END,
    t.last_two_way_at = CASE WHEN t.last_two_way_at IS NULL OR two_way_at > t.last_two_way_at
                             THEN coalesce(two_way_at, t.last_two_way_at)
                             ELSE t.last_two_way_at END
