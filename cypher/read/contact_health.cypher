// One contact's health in one round trip: the contact, the accounts it works at, every KNOWS tie
// (with the holder's roster left_on), same-person candidates at other accounts (as in
// read/account_health) and the active scoring profile. Rules: scoring/account_health.py.
// Tie times are returned as epoch microseconds (UTC), as in read/account_health.
// Ties of members in $hidden (opted out: app/auth.py) are left out of the answer.
MATCH (c:Contact {email: $email})
OPTIONAL MATCH (p:ScoringProfile {name: 'active'})
WITH c, p.json AS profile
CALL (c) {
  OPTIONAL MATCH (c)-[:WORKS_AT]->(a:Account)
  RETURN collect(a.domain) AS accounts
}
CALL (c) {
  OPTIONAL MATCH (m:TeamMember)-[t:KNOWS]->(c)
  WHERE NOT m.email IN $hidden
  RETURN collect(CASE WHEN m IS NULL THEN null ELSE {member: properties(m), tie: t {.*, first_at: t.first_at.epochSeconds * 1000000 + t.first_at.microsecond, last_at: t.last_at.epochSeconds * 1000000 + t.last_at.microsecond, last_two_way_at: t.last_two_way_at.epochSeconds * 1000000 + t.last_two_way_at.microsecond}} END) AS ties
}
CALL (c, accounts) {
  WITH c, accounts, split(c.email, '@')[0] + '@' AS prefix
  WHERE c.name IS NOT NULL
  MATCH (o:Contact) USING INDEX o:Contact(email)
  WHERE o.email STARTS WITH prefix AND o <> c AND toLower(trim(o.name)) = toLower(trim(c.name))
  MATCH (o)-[:WORKS_AT]->(oa:Account)
  WHERE NOT oa.domain IN accounts
  WITH o, collect(oa.domain) AS other_accounts
  CALL (o) {
    OPTIONAL MATCH (om:TeamMember)-[ot:KNOWS]->(o)
    WHERE NOT om.email IN $hidden
    RETURN collect(CASE WHEN om IS NULL THEN null ELSE {member: properties(om), tie: ot {.*, first_at: ot.first_at.epochSeconds * 1000000 + ot.first_at.microsecond, last_at: ot.last_at.epochSeconds * 1000000 + ot.last_at.microsecond, last_two_way_at: ot.last_two_way_at.epochSeconds * 1000000 + ot.last_two_way_at.microsecond}} END) AS ties
  }
  RETURN collect({contact: properties(o), accounts: other_accounts, ties: ties}) AS namesakes
}
RETURN properties(c) AS contact, accounts, ties, namesakes, profile
