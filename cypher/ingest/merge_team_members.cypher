// Our people. A name arrives with the first interaction that carries one and is kept.
UNWIND $rows AS row
MERGE (p:Person {email: row.email})
SET p:TeamMember
SET p.name = coalesce(p.name, row.name)
