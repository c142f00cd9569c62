// The accounts worth at least $min_value in which one team member ($member) has a KNOWS tie
// that could be active (Moderate or better) at the read time, highest annual value first, in
// the shape of read/account_threads: each with the contacts that have a tie which could be
// active, and only those ties (holder with roster left_on), by the `$reach_*` bound of
// scoring.reach.ReachBound (null $reach_score for every tie). A member holds an account's
// single thread (as its one member, or among the holders of its one contact) only through an
// active tie of their own, so these are all the accounts whose thread they may hold: the
// member's attention feed (graph/threads.py, member_single_threads) runs the rule on them.
// Tie times are returned as epoch microseconds (UTC), as in read/account_threads.
// Ties of members in $hidden (opted out: app/auth.py) are left out of the answer.
MATCH (mh:TeamMember {email: $member})-[mt:KNOWS]->(:Contact)-[:WORKS_AT]->(a:Account)
WHERE a.annual_value >= $min_value AND NOT mh.email IN $hidden
  AND ($reach_score IS NULL
    OR 100.0 * (1.0 - exp(-(coalesce(mt.weight_fast, 0.0) * $reach_fast
                            + coalesce(mt.weight_slow, 0.0) * $reach_slow) / $reach_saturation))
       * CASE WHEN mt.last_two_way_at IS NULL THEN $reach_floor
              ELSE $reach_floor + (1.0 - $reach_floor) * 2.0 ^ (-toFloat(CASE
                     WHEN mt.last_two_way_at.epochMillis < $reach_at_ms
                     THEN $reach_at_ms - mt.last_two_way_at.epochMillis ELSE 0 END) / $reach_recency_ms)
         END >= $reach_score)
WITH DISTINCT a
CALL (a) {
  MATCH (c:Contact)-[:WORKS_AT]->(a)
  CALL (c) {
    MATCH (m:TeamMember)-[t:KNOWS]->(c)
    WHERE NOT m.email IN $hidden AND ($reach_score IS NULL
       OR 100.0 * (1.0 - exp(-(coalesce(t.weight_fast, 0.0) * $reach_fast
                               + coalesce(t.weight_slow, 0.0) * $reach_slow) / $reach_saturation))
          * CASE WHEN t.last_two_way_at IS NULL THEN $reach_floor
                 ELSE $reach_floor + (1.0 - $reach_floor) * 2.0 ^ (-toFloat(CASE
                        WHEN t.last_two_way_at.epochMillis < $reach_at_ms
                        THEN $reach_at_ms - t.last_two_way_at.epochMillis ELSE 0 END) / $reach_recency_ms)
            END >= $reach_score)
    RETURN collect({member: properties(m), tie: t {.*, first_at: t.first_at.epochSeconds * 1000000 + t.first_at.microsecond, last_at: t.last_at.epochSeconds * 1000000 + t.last_at.microsecond, last_two_way_at: t.last_two_way_at.epochSeconds * 1000000 + t.last_two_way_at.microsecond}}) AS ties
  }
  WITH c, ties WHERE size(ties) > 0
  RETURN collect({contact: properties(c), ties: ties}) AS contacts
}
WITH properties(a) AS account, toFloat(a.annual_value) AS value, contacts
ORDER BY value DESC, account.domain
// One record holding every account as a list, as in read/account_threads.
RETURN collect({account: account, value: value, contacts: contacts}) AS accounts
