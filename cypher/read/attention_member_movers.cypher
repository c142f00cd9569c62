// Contacts of one team member who may have moved, for the attention feed to check: marked as left,
// or champion-like (brought colleagues in, started exchanges) and quiet since $cold_ms, over
// ties of current members (roster left_on after $today) with at least $min_two_way two-way
// exchanges. Only the $max_moves most recently heard from (then by email) are returned, as
// scoring/attention.py checks no more; the move rules run in graph/attention.py.
// Ties of members in $hidden (opted out: app/auth.py) are left out of the answer.
MATCH (m:TeamMember {email: $member})-[t:KNOWS]->(c:Contact)
WHERE t.two_way_count >= $min_two_way AND NOT m.email IN $hidden
  AND (m.left_on IS NULL OR date(m.left_on) > date($today))
  AND (c.left_on IS NOT NULL
       OR (t.brought_colleagues_count > 0 AND t.b_initiated > 0
           AND t.last_at < datetime({epochMillis: $cold_ms})))
WITH c.email AS email,
     coalesce(max(t.last_at.epochSeconds * 1000000 + t.last_at.microsecond), 0) AS seen
RETURN email
ORDER BY seen DESC, email
LIMIT $max_moves
