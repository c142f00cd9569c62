// A contact and every team member's tie to them. Scoring and ordering happen in scoring/.
MATCH (c:Contact {email: $email})
OPTIONAL MATCH (m:TeamMember)-[t:KNOWS]->(c)
WITH c, collect(CASE WHEN m IS NULL THEN null ELSE {member: properties(m), tie: properties(t)} END) AS ties
RETURN properties(c) AS contact, ties
