// Contacts of one team member who may have moved, for the attention feed to check: marked as left,
// or quiet since $cold_ms on a tie that could have been Good or better at its last touch (a
// key contact then, a champion included: the `$reach_*` upper bound of scoring.reach.ReachBound
// at `last_at`, as read/attention_team_ties bounds cold ties), over ties of current members
// (roster left_on after $today) with at least $min_two_way two-way exchanges. Only the
// $max_moves most recently heard from (then by email) are returned, as scoring/attention.py
// checks no more; the move rules run in graph/attention.py.
// Ties of members in $hidden (opted out: app/auth.py) are left out of the answer.
MATCH (m:TeamMember {email: $member})-[t:KNOWS]->(c:Contact)
WHERE t.two_way_count >= $min_two_way AND NOT m.email IN $hidden
  AND (m.left_on IS NULL OR date(m.left_on) > date($today))
  AND (c.left_on IS NOT NULL
       OR (t.last_at < datetime({epochMillis: $cold_ms})
           AND ($reach_score IS NULL
             OR 100.0 * (1.0 - exp(-(coalesce(t.weight_fast, 0.0) * $reach_fast_norm
                  * 2.0 ^ (-toFloat(t.last_at.epochMillis - $reach_epoch_ms) / $reach_fast_ms)
                + coalesce(t.weight_slow, 0.0) * $reach_slow_norm
                  * 2.0 ^ (-toFloat(t.last_at.epochMillis - $reach_epoch_ms) / $reach_slow_ms))
                / $reach_saturation))
                * ($reach_floor + (1.0 - $reach_floor) * 2.0 ^ (-toFloat(
                    t.last_at.epochMillis - t.last_two_way_at.epochMillis) / $reach_recency_ms))
                >= $reach_score)))
WITH c.email AS email,
     coalesce(max(t.last_at.epochSeconds * 1000000 + t.last_at.microsecond), 0) AS seen
WITH email ORDER BY seen DESC, email LIMIT $max_moves
// One record holding the list: the driver's client CPU cost is per record it receives.
RETURN collect(email) AS emails
