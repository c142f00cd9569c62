// One page of interactions in id order (the unique index serves the range and the order).
MATCH (i:Interaction)
WHERE i.id > $after
WITH i ORDER BY i.id LIMIT $limit
RETURN i.id AS id, i.kind AS kind, i.occurred_at.epochMillis AS occurred_ms,
       i.subject AS subject, i.source AS source, coalesce(i.is_admin, false) AS is_admin,
       i.in_reply_to AS in_reply_to, i.participants AS participants, i.roles AS roles,
       coalesce(i.responses, []) AS responses
