// Any other node kept from before a first load (settings, tokens, profile, erasure list,
// aliases), as it was.
UNWIND $rows AS row
CREATE (n)
SET n = row.props
SET n:$(row.labels)
RETURN row.id AS old, elementId(n) AS new
