// A message already stored, seen again in another mailbox with more participants: keep the
// union, and link the contacts who were not in it before.
UNWIND $rows AS row
MATCH (i:Interaction {id: row.id})
SET i.participants = row.participants, i.roles = row.roles, i.responses = row.responses
WITH i, row
UNWIND row.contacts AS email
MATCH (c:Contact {email: email})
MERGE (i)-[:INVOLVES]->(c)
