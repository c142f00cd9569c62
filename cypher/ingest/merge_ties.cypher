// Add one batch's per-pair deltas to ties of one type. $type comes from tiegraph.domain.TieType,
// never from input: KNOWS (TeamMember->Contact), WORKS_WITH and ASSOCIATED_WITH (stored once,
// a < b). Times arrive as epoch millis because the driver packs ints far faster than datetimes.
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
              t.a_initiated = 0, t.b_initiated = 0, t.decayed_weight = 0.0
SET t.email_count = t.email_count + row.email_count,
    t.meeting_count = t.meeting_count + row.meeting_count,
    t.call_count = t.call_count + row.call_count,
    t.note_count = t.note_count + row.note_count,
    t.a_initiated = t.a_initiated + row.a_initiated,
    t.b_initiated = t.b_initiated + row.b_initiated,
    t.decayed_weight = t.decayed_weight + row.decayed_weight,
    t.first_at = CASE WHEN t.first_at IS NULL OR first_at < t.first_at
                      THEN first_at ELSE t.first_at END,
    t.last_at = CASE WHEN t.last_at IS NULL OR last_at > t.last_at THEN last_at ELSE t.last_at END,
    t.last_two_way_at = CASE WHEN t.last_two_way_at IS NULL OR two_way_at > t.last_two_way_at
                             THEN coalesce(two_way_at, t.last_two_way_at)
                             ELSE t.last_two_way_at END
