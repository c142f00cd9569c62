// Outside people, and the account their address points at (none for free-mail).
UNWIND $rows AS row
MERGE (p:Person {email: row.email})
SET p:Contact
SET p.name = coalesce(p.name, row.name)
WITH p, row
WHERE row.account IS NOT NULL
MERGE (a:Account {domain: row.account})
MERGE (p)-[:WORKS_AT]->(a)
