// Every interaction holding both people of any of $pairs ([a, b] lists): what the ties between
// them are rebuilt from after an erasure. One scan for all pairs.
MATCH (i:Interaction)
WHERE any(pair IN $pairs WHERE pair[0] IN i.participants AND pair[1] IN i.participants)
RETURN i.id AS id, i.kind AS kind, i.occurred_at.epochMillis AS occurred_ms,
       i.subject AS subject, i.source AS source, coalesce(i.is_admin, false) AS is_admin,
       i.in_reply_to AS in_reply_to, i.participants AS participants, i.roles AS roles,
       coalesce(i.responses, []) AS responses
