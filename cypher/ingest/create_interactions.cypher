// New interactions only (the caller filtered known ids), each linked to the contacts in it.
// `owner`: the member whose own mailbox or calendar delivered the first copy (null for files).
// Team members are found through the participants property and their ties: no query reads a
// member's interactions one by one, while account health and a tie's history read a
// contact's (cypher/read/account_health, read/tie_interactions).
UNWIND $rows AS row
CREATE (i:Interaction {
  id: row.id, kind: row.kind, occurred_at: datetime({epochMillis: row.occurred_ms}),
  subject: row.subject, source: row.source, owner: row.owner, is_admin: row.is_admin,
  in_reply_to: row.in_reply_to, participants: row.participants, roles: row.roles,
  responses: row.responses
})
WITH i, row
UNWIND row.contacts AS email
MATCH (c:Contact {email: email})
CREATE (i)-[:INVOLVES]->(c)
