// One member-contact tie as stored, with both people (missing people give no row).
// A member in $hidden (opted out: app/auth.py) is not found.
MATCH (m:TeamMember {email: $member}), (c:Contact {email: $contact})
WHERE NOT m.email IN $hidden
OPTIONAL MATCH (m)-[t:KNOWS]->(c)
RETURN properties(m) AS member, properties(c) AS contact,
       CASE WHEN t IS NULL THEN null ELSE properties(t) END AS tie
