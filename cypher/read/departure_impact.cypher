// What one team member's departure touches, in one round trip. Only the leaver's ties that
// could be active (Moderate or better) at the read time matter: a contact or account the leaver
// holds no active tie to cannot be orphaned or weakened by the departure. The `$reach_*` bound
// (scoring.reach.ReachBound; null $reach_score keeps every tie) picks them. Returned: the
// member; each contact the leaver may actively hold, with every KNOWS tie to it and its
// accounts; each account those contacts work at, with its contacts and only their ties that
// could be active (enough for the thread rules to see what changes; graph/departure.py reads
// weakened accounts whole afterwards); the member's WORKS_WITH colleagues (for handovers).
// Rules: scoring/departure.py.
// Tie times are returned as epoch microseconds (UTC): the driver's DateTime decoding costs
// about half a millisecond a value, more than all the rest of a tie (graph.records).
// Members in $hidden (opted out: app/auth.py): not found as the leaver, their ties left out.
MATCH (leaver:TeamMember {email: $member})
WHERE NOT leaver.email IN $hidden
CALL (leaver) {
  OPTIONAL MATCH (leaver)-[l:KNOWS]->(c:Contact)
  WHERE $reach_score IS NULL
     OR 100.0 * (1.0 - exp(-(coalesce(l.weight_fast, 0.0) * $reach_fast
                             + coalesce(l.weight_slow, 0.0) * $reach_slow) / $reach_saturation))
        * CASE WHEN l.last_two_way_at IS NULL THEN $reach_floor
               ELSE $reach_floor + (1.0 - $reach_floor) * 2.0 ^ (-toFloat(CASE
                      WHEN l.last_two_way_at.epochMillis < $reach_at_ms
                      THEN $reach_at_ms - l.last_two_way_at.epochMillis ELSE 0 END) / $reach_recency_ms)
          END >= $reach_score
  WITH c WHERE c IS NOT NULL
  CALL (c) {
    MATCH (m:TeamMember)-[t:KNOWS]->(c)
    WHERE NOT m.email IN $hidden
    RETURN collect({member: properties(m), tie: t {.*, first_at: t.first_at.epochSeconds * 1000000 + t.first_at.microsecond, last_at: t.last_at.epochSeconds * 1000000 + t.last_at.microsecond, last_two_way_at: t.last_two_way_at.epochSeconds * 1000000 + t.last_two_way_at.microsecond}}) AS ties
  }
  CALL (c) {
    OPTIONAL MATCH (c)-[:WORKS_AT]->(a:Account)
    RETURN collect(a.domain) AS accounts
  }
  RETURN collect({contact: properties(c), ties: ties, accounts: accounts}) AS contacts
}
CALL (leaver) {
  OPTIONAL MATCH (leaver)-[l:KNOWS]->(:Contact)-[:WORKS_AT]->(a:Account)
  WHERE $reach_score IS NULL
     OR 100.0 * (1.0 - exp(-(coalesce(l.weight_fast, 0.0) * $reach_fast
                             + coalesce(l.weight_slow, 0.0) * $reach_slow) / $reach_saturation))
        * CASE WHEN l.last_two_way_at IS NULL THEN $reach_floor
               ELSE $reach_floor + (1.0 - $reach_floor) * 2.0 ^ (-toFloat(CASE
                      WHEN l.last_two_way_at.epochMillis < $reach_at_ms
                      THEN $reach_at_ms - l.last_two_way_at.epochMillis ELSE 0 END) / $reach_recency_ms)
          END >= $reach_score
  WITH DISTINCT a WHERE a IS NOT NULL
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
  RETURN collect({account: properties(a), contacts: contacts}) AS accounts
}
CALL (leaver) {
  OPTIONAL MATCH (leaver)-[w:WORKS_WITH]-(o:TeamMember)
  WHERE NOT o.email IN $hidden
  RETURN collect(CASE WHEN o IS NULL THEN null ELSE {colleague: properties(o), tie: w {.*, first_at: w.first_at.epochSeconds * 1000000 + w.first_at.microsecond, last_at: w.last_at.epochSeconds * 1000000 + w.last_at.microsecond, last_two_way_at: w.last_two_way_at.epochSeconds * 1000000 + w.last_two_way_at.microsecond}} END) AS colleagues
}
RETURN properties(leaver) AS member, contacts, accounts, colleagues
