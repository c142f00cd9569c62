// Warm-intro routes in one round trip, on a bounded neighbourhood: the requester, the target
// contact ($target) or every contact of one account ($domain; the other parameter is null),
// who on the team knows each target, and for a person target the contacts tied to them
// (ASSOCIATED_WITH) at the same account with who knows those; then the requester's own
// WORKS_WITH ties. Holders come with their roster left_on; ranking is scoring/routes.py.
// No target gives one row with no targets; an unknown requester gives no row.
// Members in $hidden (opted out: app/auth.py): not found as the requester, never a holder
// or a colleague on a route.
MATCH (r:TeamMember {email: $requester})
WHERE NOT r.email IN $hidden
OPTIONAL MATCH (p:ScoringProfile {name: 'active'})
WITH r, p.json AS profile
CALL () {
  CALL () {
    MATCH (t:Contact {email: $target})
    RETURN t
    UNION
    MATCH (:Account {domain: $domain})<-[:WORKS_AT]-(t:Contact)
    RETURN t
  }
  CALL (t) {
    OPTIONAL MATCH (m:TeamMember)-[k:KNOWS]->(t)
    WHERE NOT m.email IN $hidden
    RETURN collect(CASE WHEN m IS NULL THEN null ELSE {member: properties(m), tie: properties(k)} END) AS knowers
  }
  CALL (t) {
    // Only a person target is entered through a neighbour: an account's entry points are its
    // own contacts.
    OPTIONAL MATCH (t)-[s:ASSOCIATED_WITH]-(c:Contact)
    WHERE $target IS NOT NULL
      AND EXISTS { (c)-[:WORKS_AT]->(:Account)<-[:WORKS_AT]-(t) }
    WITH c, s WHERE c IS NOT NULL
    CALL (c) {
      MATCH (m:TeamMember)-[k:KNOWS]->(c)
      WHERE NOT m.email IN $hidden
      RETURN collect({member: properties(m), tie: properties(k)}) AS knowers
    }
    WITH c, s, knowers WHERE size(knowers) > 0
    RETURN collect({contact: properties(c), tie: properties(s), knowers: knowers}) AS associates
  }
  RETURN collect({contact: properties(t), knowers: knowers, associates: associates}) AS targets
}
CALL (r) {
  OPTIONAL MATCH (r)-[w:WORKS_WITH]-(o:TeamMember)
  WHERE NOT o.email IN $hidden
  RETURN collect(CASE WHEN o IS NULL THEN null ELSE {email: o.email, tie: properties(w)} END) AS colleagues
}
RETURN properties(r) AS requester, targets, colleagues, profile
