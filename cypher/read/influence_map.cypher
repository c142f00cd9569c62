// An account's influence map in one round trip: its contacts and the ASSOCIATED_WITH ties among
// them (each stored once, so the directed match counts every pair once), and the active
// scoring profile. PageRank and betweenness are computed in scoring/influence.py.
// Tie times are returned as epoch microseconds (UTC): the driver decodes a DateTime far more
// slowly than an int, there are three per tie, and a large account has thousands of ties.
MATCH (a:Account {domain: $domain})
OPTIONAL MATCH (p:ScoringProfile {name: 'active'})
WITH a, p.json AS profile
CALL (a) {
  OPTIONAL MATCH (c:Contact)-[:WORKS_AT]->(a)
  RETURN collect(CASE WHEN c IS NULL THEN null ELSE properties(c) END) AS contacts
}
CALL (a) {
  OPTIONAL MATCH (c:Contact)-[:WORKS_AT]->(a)
  OPTIONAL MATCH (c)-[s:ASSOCIATED_WITH]->(d:Contact)-[:WORKS_AT]->(a)
  RETURN collect(CASE WHEN s IS NULL THEN null ELSE {a: c.email, b: d.email, tie: s {.*, first_at: s.first_at.epochSeconds * 1000000 + s.first_at.microsecond, last_at: s.last_at.epochSeconds * 1000000 + s.last_at.microsecond, last_two_way_at: s.last_two_way_at.epochSeconds * 1000000 + s.last_two_way_at.microsecond}} END) AS ties
}
RETURN properties(a) AS account, contacts, ties, profile
