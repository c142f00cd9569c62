// Add one batch's per-pair deltas to ties of one type. $type comes from tiegraph.domain.TieType, never
// from input: KNOWS (TeamMember->Contact), WORKS_WITH and ASSOCIATED_WITH (stored once, a < b).
UNWIND $rows AS row
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
    t.first_at = CASE WHEN t.first_at IS NULL OR row.first_at < t.first_at
                      THEN row.first_at ELSE t.first_at END,
    t.last_at = CASE WHEN t.last_at IS NULL OR row.last_at > t.last_at
                     THEN row.last_at ELSE t.last_at END,
    t.last_two_way_at = CASE WHEN t.last_two_way_at IS NULL OR row.last_two_way_at > t.last_two_way_at
                             THEN coalesce(row.last_two_way_at, t.last_two_way_at)
                             ELSE t.last_two_way_at END
