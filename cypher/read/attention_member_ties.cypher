// Attention-feed candidates among the KNOWS ties of one team member: ties whose last two-way
// exchange lies between $forget_ms and $cold_ms (perhaps a key tie going cold), ties active
// since $recent_ms (perhaps a rising advocate), and ties to contacts who may have moved
// (marked left, or champion-like and quiet since $cold_ms). A tie with fewer than
// $min_two_way two-way exchanges is never Good, so never key: that bound keeps the scan's
// output small. The exact rules run in scoring/attention.py. Tie times come as epoch
// microseconds (UTC): the driver's DateTime decoding costs about half a millisecond a value.
MATCH (m:TeamMember {email: $member})-[t:KNOWS]->(c:Contact)
WHERE t.two_way_count >= $min_two_way
  AND ((t.last_two_way_at < datetime({epochMillis: $cold_ms})
        AND t.last_two_way_at > datetime({epochMillis: $forget_ms}))
       OR t.last_at > datetime({epochMillis: $recent_ms})
       OR c.left_on IS NOT NULL
       OR (t.brought_colleagues_count > 0 AND t.b_initiated > 0
           AND t.last_at < datetime({epochMillis: $cold_ms})))
RETURN properties(m) AS member, properties(c) AS contact, t {.*, first_at: t.first_at.epochSeconds * 1000000 + t.first_at.microsecond,
          last_at: t.last_at.epochSeconds * 1000000 + t.last_at.microsecond,
          last_two_way_at: t.last_two_way_at.epochSeconds * 1000000 + t.last_two_way_at.microsecond} AS tie
