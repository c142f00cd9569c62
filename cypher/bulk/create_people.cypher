// A first load into a Neo4j we do not run (no importer there): the people of the import files,
// created, never merged (the graph was emptied first). $rows come from graph.bulk_files.
UNWIND $rows AS row
CREATE (n:Person)
SET n = row.props, n:$(row.labels)
