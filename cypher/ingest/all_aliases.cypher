// Every known alias and the address it stands for, read once at the start of a run.
MATCH (e:EmailAddress)-[:ALIAS_OF]->(p:Person)
RETURN e.address AS alias, p.email AS email
