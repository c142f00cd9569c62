// For a few contacts: every KNOWS tie (holder with roster left_on), the accounts they work at,
// and same-person candidates at other accounts (as in read/contact_health), to find champions
// who moved. Rules: scoring/account_health.py.
// Tie times are returned as epoch microseconds (UTC): the driver's DateTime decoding costs
// about half a millisecond a value, more than all the rest of a tie (graph.records).
// Ties of members in $hidden (opted out: app/auth.py) are left out of the answer.
UNWIND $emails AS email
MATCH (c:Contact {email: email})
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
// One record holding the list: the driver's client CPU cost is per record it receives.
RETURN collect({email: email, contact: properties(c), accounts: accounts, ties: ties,
                namesakes: namesakes}) AS contacts
