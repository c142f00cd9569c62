// Accounts kept from before a first load, merged into the imported ones (see restore_people).
UNWIND $rows AS row
MERGE (n:Account {domain: row.props.domain})
SET n += row.props
SET n:$(row.labels)
RETURN row.id AS old, elementId(n) AS new
