// For a few contacts, the people close to them: contacts at the same account they appear
// together with (ASSOCIATED_WITH), each with that tie and every KNOWS tie to them. Where a
// successor is looked for when nobody else on the team knows the contact itself.
// Tie times are returned as epoch microseconds (UTC): the driver's DateTime decoding costs
// about half a millisecond a value, more than all the rest of a tie (graph.records).
// Ties of members in $hidden (opted out: app/auth.py) are left out of the answer.
UNWIND $emails AS email
MATCH (c:Contact {email: email})-[s:ASSOCIATED_WITH]-(d:Contact)
WHERE EXISTS { (d)-[:WORKS_AT]->(:Account)<-[:WORKS_AT]-(c) }
CALL (d) {
  MATCH (m:TeamMember)-[t:KNOWS]->(d)
  WHERE NOT m.email IN $hidden
  RETURN collect({member: properties(m), tie: t {.*, first_at: t.first_at.epochSeconds * 1000000 + t.first_at.microsecond, last_at: t.last_at.epochSeconds * 1000000 + t.last_at.microsecond, last_two_way_at: t.last_two_way_at.epochSeconds * 1000000 + t.last_two_way_at.microsecond}}) AS ties
}
RETURN email, collect({contact: properties(d), association: s {.*, first_at: s.first_at.epochSeconds * 1000000 + s.first_at.microsecond, last_at: s.last_at.epochSeconds * 1000000 + s.last_at.microsecond, last_two_way_at: s.last_two_way_at.epochSeconds * 1000000 + s.last_two_way_at.microsecond}, ties: ties}) AS close
