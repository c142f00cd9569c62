// The interactions of an account's contacts as [epoch millis, kind] pairs (one per interaction,
// however many of its contacts it involves), every one ($member null) or only those $member
// took part in; and whether $member is a team member. No row for an unknown account.
// An interaction an opted-out member ($hidden: app/auth.py) took part in is left out.
MATCH (a:Account {domain: $domain})
OPTIONAL MATCH (m:TeamMember {email: $member})
CALL (a) {
  MATCH (a)<-[:WORKS_AT]-(:Contact)<-[:INVOLVES]-(i:Interaction)
  WHERE ($member IS NULL OR $member IN i.participants)
    AND none(p IN i.participants WHERE p IN $hidden)
  WITH DISTINCT i
  RETURN collect([i.occurred_at.epochMillis, i.kind]) AS moments
}
RETURN m IS NOT NULL AS member_found, moments
