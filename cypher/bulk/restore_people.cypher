// People kept from before a first load, merged into the imported ones: what was stored first
// wins (a roster name over the first name in mail), as when interactions follow reference rows.
// $labels come from the snapshot of this same graph.
UNWIND $rows AS row
MERGE (n:Person {email: row.props.email})
SET n += row.props
SET n:$(row.labels)
RETURN row.id AS old, elementId(n) AS new
