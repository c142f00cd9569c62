// The stored form of those of these external ids already in the graph, so a re-ingest adds
// nothing and a copy of a message from another mailbox only adds its new participants; also
// the messages that replies answer. One record holding a list: the driver's client CPU cost is
// per record, and a batch of replies asks for thousands.
UNWIND $ids AS id
MATCH (i:Interaction {id: id})
RETURN collect({id: i.id, kind: i.kind, occurred_ms: i.occurred_at.epochMillis,
                subject: i.subject, source: i.source, is_admin: coalesce(i.is_admin, false),
                in_reply_to: i.in_reply_to, participants: i.participants, roles: i.roles,
                responses: coalesce(i.responses, [])}) AS interactions
