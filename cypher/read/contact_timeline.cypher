// A contact's interactions as [epoch millis, kind] pairs, every one of them ($member null) or
// only those $member took part in; and whether $member is a team member. No row for an unknown
// contact.
// An interaction an opted-out member ($hidden: app/auth.py) took part in is left out.
MATCH (c:Contact {email: $contact})
OPTIONAL MATCH (m:TeamMember {email: $member})
CALL (c) {
  MATCH (c)<-[:INVOLVES]-(i:Interaction)
  WHERE ($member IS NULL OR $member IN i.participants)
    AND none(p IN i.participants WHERE p IN $hidden)
  RETURN collect([i.occurred_at.epochMillis, i.kind]) AS moments
}
RETURN m IS NOT NULL AS member_found, moments
