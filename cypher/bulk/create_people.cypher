// A first load into a Neo4j we do not run (no importer there): the people of the import files,
// created, never merged (the graph was emptied first). $rows come from graph.bulk_files; their
// labels come from its files, Person and TeamMember or Contact. Every property is named in the
// pattern, as in every create_* query here: a `SET n = row.props` map makes the planner hold
// every row in an Eager step (it cannot tell which properties the map writes).
UNWIND $rows AS row
CREATE (:$(row.labels) {email: row.props.email, name: row.props.name})
