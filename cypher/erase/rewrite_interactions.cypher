// Interactions without the erased person: their participant lists rewritten in place.
UNWIND $rows AS row
MATCH (i:Interaction {id: row.id})
SET i.participants = row.participants, i.roles = row.roles, i.responses = row.responses
