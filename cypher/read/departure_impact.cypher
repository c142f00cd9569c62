// What one team member's departure touches, in one round trip: the member, each contact they
// hold a tie to (with every KNOWS tie to that contact and its accounts), each account those
// contacts work at (with all its contacts and their ties, for the thread rules), the member's
// WORKS_WITH colleagues (for handovers) and the active profile. Rules: scoring/departure.py.
MATCH (leaver:TeamMember {email: $member})
OPTIONAL MATCH (p:ScoringProfile {name: 'active'})
WITH leaver, p.json AS profile
CALL (leaver) {
  OPTIONAL MATCH (leaver)-[:KNOWS]->(c:Contact)
  WITH c WHERE c IS NOT NULL
  CALL (c) {
    MATCH (m:TeamMember)-[t:KNOWS]->(c)
    RETURN collect({member: properties(m), tie: properties(t)}) AS ties
  }
  CALL (c) {
    OPTIONAL MATCH (c)-[:WORKS_AT]->(a:Account)
    RETURN collect(a.domain) AS accounts
  }
  RETURN collect({contact: properties(c), ties: ties, accounts: accounts}) AS contacts
}
CALL (leaver) {
  OPTIONAL MATCH (leaver)-[:KNOWS]->(:Contact)-[:WORKS_AT]->(a:Account)
  WITH DISTINCT a WHERE a IS NOT NULL
  CALL (a) {
    MATCH (c:Contact)-[:WORKS_AT]->(a)
    CALL (c) {
      OPTIONAL MATCH (m:TeamMember)-[t:KNOWS]->(c)
      RETURN collect(CASE WHEN m IS NULL THEN null ELSE {member: properties(m), tie: properties(t)} END) AS ties
    }
    RETURN collect({contact: properties(c), ties: ties}) AS contacts
  }
  RETURN collect({account: properties(a), contacts: contacts}) AS accounts
}
CALL (leaver) {
  OPTIONAL MATCH (leaver)-[w:WORKS_WITH]-(o:TeamMember)
  RETURN collect(CASE WHEN o IS NULL THEN null ELSE {colleague: properties(o), tie: properties(w)} END) AS colleagues
}
RETURN properties(leaver) AS member, contacts, accounts, colleagues, profile
