// Which of these external ids are already in the graph (so a re-ingest adds nothing).
UNWIND $ids AS id
MATCH (i:Interaction {id: id})
RETURN i.id AS id
