// For a few contacts, the people close to them: contacts at the same account they appear
// together with (ASSOCIATED_WITH), each with that tie and every KNOWS tie to them. Where a
// successor is looked for when nobody else on the team knows the contact itself.
UNWIND $emails AS email
MATCH (c:Contact {email: email})-[s:ASSOCIATED_WITH]-(d:Contact)
WHERE EXISTS { (d)-[:WORKS_AT]->(:Account)<-[:WORKS_AT]-(c) }
CALL (d) {
  MATCH (m:TeamMember)-[t:KNOWS]->(d)
  RETURN collect({member: properties(m), tie: properties(t)}) AS ties
}
RETURN email, collect({contact: properties(d), association: properties(s), ties: ties}) AS close
