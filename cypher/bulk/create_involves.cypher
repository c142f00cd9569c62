// A first load's INVOLVES links from interactions to their contacts, created.
UNWIND $rows AS row
MATCH (i:Interaction {id: row.start})
MATCH (p:Person {email: row.end})
CREATE (i)-[:INVOLVES]->(p)
