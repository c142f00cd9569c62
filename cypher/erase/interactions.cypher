// Every interaction any of $addresses took part in. This scans the participants of every
// interaction rather than trust the INVOLVES links: erasure is rare and must be complete.
MATCH (i:Interaction)
WHERE any(x IN i.participants WHERE x IN $addresses)
RETURN i.id AS id, i.kind AS kind, i.occurred_at.epochMillis AS occurred_ms,
       i.subject AS subject, i.source AS source, coalesce(i.is_admin, false) AS is_admin,
       i.in_reply_to AS in_reply_to, i.participants AS participants, i.roles AS roles,
       coalesce(i.responses, []) AS responses
