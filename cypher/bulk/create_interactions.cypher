// The interactions of a first load's import files, created (see create_people), each with its
// INVOLVES links to its contacts (found through their unique constraint): one pass where a
// second would seek every interaction again. Times come as epoch millis (graph.bulk_files).
UNWIND $rows AS row
CREATE (i:Interaction {
  id: row.props.id, kind: row.props.kind, occurred_at: datetime({epochMillis: row.times.occurred_at}),
  subject: row.props.subject, source: row.props.source, is_admin: row.props.is_admin,
  in_reply_to: row.props.in_reply_to, participants: row.props.participants,
  roles: row.props.roles, responses: row.props.responses
})
WITH i, row
UNWIND row.contacts AS email
MATCH (p:Person {email: email})
CREATE (i)-[:INVOLVES]->(p)
