// An account, its contacts, and each contact's ties to team members.
MATCH (a:Account {domain: $domain})
OPTIONAL MATCH (c:Contact)-[:WORKS_AT]->(a)
OPTIONAL MATCH (m:TeamMember)-[t:KNOWS]->(c)
WITH a, c, collect(CASE WHEN m IS NULL THEN null ELSE {member: properties(m), tie: properties(t)} END) AS ties
WITH a, collect(CASE WHEN c IS NULL THEN null ELSE {contact: properties(c), ties: ties} END) AS contacts
RETURN properties(a) AS account, contacts
