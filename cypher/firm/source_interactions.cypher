// Interactions first delivered by one member's own mailbox or calendar (`owner`): what
// excluding that member's sources may erase. A scan of the interactions; exclusions are rare.
MATCH (i:Interaction {owner: $member})
RETURN i.id AS id, i.kind AS kind, i.occurred_at.epochMillis AS occurred_ms,
       i.subject AS subject, i.source AS source, coalesce(i.is_admin, false) AS is_admin,
       i.in_reply_to AS in_reply_to, i.participants AS participants, i.roles AS roles,
       coalesce(i.responses, []) AS responses
