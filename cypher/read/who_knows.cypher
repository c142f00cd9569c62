// A contact, every team member's tie to them and the active scoring profile, in one round trip
// (the profile is needed to score them). Scoring and ordering happen in scoring/.
// Tie times are returned as epoch microseconds (UTC): the driver decodes a DateTime far more
// slowly than an int, and there are three per tie (graph.records).
// Ties of members in $hidden (opted out: app/auth.py) are left out of the answer.
MATCH (c:Contact {email: $email})
OPTIONAL MATCH (p:ScoringProfile {name: 'active'})
WITH c, p.json AS profile
CALL (c) {
  OPTIONAL MATCH (m:TeamMember)-[t:KNOWS]->(c)
  WHERE NOT m.email IN $hidden
  RETURN collect(CASE WHEN m IS NULL THEN null ELSE {member: properties(m), tie: t {.*, first_at: t.first_at.epochSeconds * 1000000 + t.first_at.microsecond, last_at: t.last_at.epochSeconds * 1000000 + t.last_at.microsecond, last_two_way_at: t.last_two_way_at.epochSeconds * 1000000 + t.last_two_way_at.microsecond}} END) AS ties
}
RETURN properties(c) AS contact, ties, profile
