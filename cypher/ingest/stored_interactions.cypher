// The stored form of those of these external ids already in the graph, so a re-ingest adds
// nothing and a copy of a message from another mailbox only adds its new participants.
UNWIND $ids AS id
MATCH (i:Interaction {id: id})
RETURN i.id AS id, i.kind AS kind, i.occurred_at.epochMillis AS occurred_ms,
       i.subject AS subject, i.source AS source, coalesce(i.is_admin, false) AS is_admin,
       i.in_reply_to AS in_reply_to, i.participants AS participants, i.roles AS roles,
       coalesce(i.responses, []) AS responses
