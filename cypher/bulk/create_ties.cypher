// A first load's ties of one type, created with their summed state (what ingest/merge_ties
// sets on a new tie). $type comes from tiegraph.domain.TieType, never from input.
UNWIND $rows AS row
MATCH (a:Person {email: row.start})
MATCH (b:Person {email: row.end})
CREATE (a)-[t:$($type)]->(b)
SET t = row.props
