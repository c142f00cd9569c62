// A few accounts by domain (a page of single-threaded accounts), each with all its contacts and
// every KNOWS tie to them (holder with roster left_on), in the shape of read/account_threads:
// the second-thread rule (scoring/threads.py) weighs every tie, not only the active ones.
// Tie times are returned as epoch microseconds (UTC): the driver's DateTime decoding costs
// about half a millisecond a value, more than all the rest of a tie (graph.records).
// Ties of members in $hidden (opted out: app/auth.py) are left out of the answer.
UNWIND $domains AS domain
MATCH (a:Account {domain: domain})
CALL (a) {
  OPTIONAL MATCH (c:Contact)-[:WORKS_AT]->(a)
  WITH c WHERE c IS NOT NULL
  CALL (c) {
    OPTIONAL MATCH (m:TeamMember)-[t:KNOWS]->(c)
    WHERE NOT m.email IN $hidden
    RETURN collect(CASE WHEN m IS NULL THEN null ELSE {member: properties(m), tie: t {.*, first_at: t.first_at.epochSeconds * 1000000 + t.first_at.microsecond, last_at: t.last_at.epochSeconds * 1000000 + t.last_at.microsecond, last_two_way_at: t.last_two_way_at.epochSeconds * 1000000 + t.last_two_way_at.microsecond}} END) AS ties
  }
  RETURN collect({contact: properties(c), ties: ties}) AS contacts
}
RETURN properties(a) AS account, coalesce(toFloat(a.annual_value), -1.0) AS value, contacts
