// A first load's WORKS_AT links, created between nodes made by create_people and
// create_accounts (both found through their unique constraints).
UNWIND $rows AS row
MATCH (p:Person {email: row.start})
MATCH (a:Account {domain: row.end})
CREATE (p)-[:WORKS_AT]->(a)
