// The stored occurrences of calendar events, by "UID@" prefix of their ids (a meeting's id is
// UID@start): what a changed or deleted event replaces. The caller drops ids of other UIDs
// that merely start alike. The id's unique constraint serves STARTS WITH as an index seek.
UNWIND $prefixes AS prefix
MATCH (i:Interaction)
WHERE i.id STARTS WITH prefix AND i.kind = 'meeting'
RETURN collect({id: i.id, kind: i.kind, occurred_ms: i.occurred_at.epochMillis,
                subject: i.subject, source: i.source, is_admin: coalesce(i.is_admin, false),
                in_reply_to: i.in_reply_to, participants: i.participants, roles: i.roles,
                responses: coalesce(i.responses, [])}) AS interactions
