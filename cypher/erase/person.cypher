// The person an address names (directly or as an alias), their labels and every alias.
OPTIONAL MATCH (direct:Person {email: $address})
OPTIONAL MATCH (:EmailAddress {address: $address})-[:ALIAS_OF]->(aliased:Person)
WITH coalesce(direct, aliased) AS p
WHERE p IS NOT NULL
OPTIONAL MATCH (e:EmailAddress)-[:ALIAS_OF]->(p)
RETURN p.email AS email, labels(p) AS labels, collect(e.address) AS aliases
