// One batch of accounts in value-at-risk order (annual value, highest first; unknown values
// last as -1.0, then by domain), strictly after a keyset position ($after_value/$after_domain,
// null for the start; $low_value/$high_value are the value range: $min_value or the lowest
// float, $after_value or the highest), each with the contacts that have a tie which could be
// active (Moderate or better) at the read time, and only those ties (holder with roster left_on): the `$reach_*` bound of
// scoring.reach.ReachBound, null $reach_score for every tie. A dropped tie cannot be active,
// so the single-thread rule (scoring/threads.py) reads the same active contacts from this.
// graph/threads.py pages through and reads the page's accounts whole (account_threads_of).
// Tie times are returned as epoch microseconds (UTC): the driver's DateTime decoding costs
// about half a millisecond a value, more than all the rest of a tie (graph.records).
// A tie's stored `reach` (scoring.reach.touch_reach) bounds its score at its last touch and
// after, and a score asked for at an earlier moment is read at that last touch
// (scoring.formula): a tie with `reach` below $reach_seek is never active. That one-property
// test goes first and drops nearly every tie; the exact bound runs on the rest. A tie without
// a stored reach (before the upgrade cypher/migrate/tie_reach ran) goes to the exact bound.
// Ties of members in $hidden (opted out: app/auth.py) are left out of the answer.
CALL () {
  // Accounts with a value, read from the account_annual_value index in value order.
  MATCH (a:Account)
  WHERE a.annual_value >= $low_value AND a.annual_value <= $high_value
    AND ($tier IS NULL OR toLower(trim(a.tier)) = $tier)
    AND ($after_value IS NULL OR a.annual_value < $after_value OR a.domain > $after_domain)
  WITH a ORDER BY a.annual_value DESC, a.domain LIMIT $limit
  RETURN collect({account: a, value: toFloat(a.annual_value)}) AS valued
}
// Then accounts without one (as -1.0), only when no minimum value is asked for and the valued
// ones did not fill the batch: no index serves IS NULL, so this reads every account, which
// every batch of the scan did before (a third of its db hits at 10,000 accounts).
CALL (valued) {
  // An UNWIND of nothing, not a WHERE: the planner moves a WHERE after the label scan.
  UNWIND CASE WHEN size(valued) < $limit AND $min_value IS NULL THEN [true] ELSE [] END AS wanted
  MATCH (a:Account)
  WHERE a.annual_value IS NULL
    AND ($tier IS NULL OR toLower(trim(a.tier)) = $tier)
    AND ($after_value IS NULL OR -1.0 < $after_value
         OR (-1.0 = $after_value AND a.domain > $after_domain))
  WITH a ORDER BY a.domain LIMIT $limit
  RETURN collect({account: a, value: -1.0}) AS unvalued
}
UNWIND valued + unvalued AS row
WITH row.account AS a, row.value AS value
ORDER BY value DESC, a.domain
LIMIT $limit
CALL (a) {
  MATCH (c:Contact)-[:WORKS_AT]->(a)
  CALL (c) {
    MATCH (m:TeamMember)-[t:KNOWS]->(c)
    WHERE (t.reach >= $reach_seek OR t.reach IS NULL)
      AND NOT m.email IN $hidden AND ($reach_score IS NULL
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
WITH properties(a) AS account, value, contacts
ORDER BY value DESC, account.domain
// One record holding the batch as a list: the driver's client CPU cost is per
// record it receives.
RETURN collect({account: account, value: value, contacts: contacts}) AS accounts
