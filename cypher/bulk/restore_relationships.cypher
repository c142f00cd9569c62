// The relationships among the kept nodes, by their new element ids. MERGE: the import may
// have made the same link (a contact's WORKS_AT to the account of their address).
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
MERGE (a)-[r:$(row.type)]->(b)
SET r += row.props
