// Extra addresses of one person. row.label (TeamMember or Contact) comes from the firm-domain
// rule in Python (tiegraph.domain.PersonKind), never from input.
UNWIND $rows AS row
MERGE (p:Person {email: row.email})
SET p:$(row.label)
MERGE (e:EmailAddress {address: row.alias})
MERGE (e)-[:ALIAS_OF]->(p)
