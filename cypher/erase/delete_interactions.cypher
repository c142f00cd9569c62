// Interactions left with fewer than two people once the erased person is gone.
UNWIND $ids AS id
MATCH (i:Interaction {id: id})
DETACH DELETE i
