// New interactions only (the caller filtered known ids), linked to the team members in them.
// Contacts are kept as a property: their ties carry the aggregate, and this keeps one
// relationship per interaction and member instead of one per participant.
UNWIND $rows AS row
CREATE (i:Interaction {
  id: row.id, kind: row.kind, occurred_at: datetime({epochMillis: row.occurred_ms}),
  subject: row.subject, source: row.source, is_admin: row.is_admin,
  in_reply_to: row.in_reply_to, participants: row.participants, roles: row.roles,
  responses: row.responses
})
WITH i, row
UNWIND row.members AS member
MATCH (m:TeamMember {email: member.email})
CREATE (m)-[:TOOK_PART {role: member.role}]->(i)
