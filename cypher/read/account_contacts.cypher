// A page of contacts for each of several accounts, with each contact's ties to team members:
// what the Account.contacts DataLoader asks for in one round trip ($pages: {domain, after,
// limit}). The caller orders the rows: collect does not promise to keep ORDER BY's order.
// Ties of members in $hidden (opted out: app/auth.py) are left out of the answer.
UNWIND $pages AS page
CALL (page) {
  MATCH (c:Contact)-[:WORKS_AT]->(:Account {domain: page.domain})
  WHERE c.email > page.after
  WITH page, c ORDER BY c.email
  // LIMIT takes no variables; a slice of the ordered list does the same per page.
  WITH page, collect(c) AS ordered
  UNWIND ordered[..page.limit] AS c
  OPTIONAL MATCH (m:TeamMember)-[t:KNOWS]->(c)
  WHERE NOT m.email IN $hidden
  WITH c, collect(CASE WHEN m IS NULL THEN null ELSE {member: properties(m), tie: properties(t)} END) AS ties
  RETURN collect({contact: properties(c), ties: ties}) AS contacts
}
RETURN page.domain AS domain, page.after AS after, page.limit AS limit, contacts
