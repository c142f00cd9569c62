// A message already stored, seen again in another mailbox with more participants: keep the
// union, and link the team members who were not in it before.
UNWIND $rows AS row
MATCH (i:Interaction {id: row.id})
SET i.participants = row.participants, i.roles = row.roles, i.responses = row.responses
WITH i, row
UNWIND row.members AS member
MATCH (m:TeamMember {email: member.email})
MERGE (m)-[:TOOK_PART {role: member.role}]->(i)
