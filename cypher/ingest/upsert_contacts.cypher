// Known contacts: name, title and seniority, and the account the CRM says they work at.
UNWIND $rows AS row
MERGE (p:Person {email: row.email})
SET p:Contact,
    p.name = coalesce(row.name, p.name),
    p.title = coalesce(row.title, p.title),
    p.seniority = CASE WHEN row.title IS NULL THEN p.seniority ELSE row.seniority END
WITH p, row
WHERE row.account_domain IS NOT NULL
MERGE (a:Account {domain: row.account_domain})
MERGE (p)-[:WORKS_AT]->(a)
