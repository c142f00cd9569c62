// One member-contact tie as stored, with both people (missing people give no row).
MATCH (m:TeamMember {email: $member}), (c:Contact {email: $contact})
OPTIONAL MATCH (m)-[t:KNOWS]->(c)
RETURN properties(m) AS member, properties(c) AS contact,
       CASE WHEN t IS NULL THEN null ELSE properties(t) END AS tie
