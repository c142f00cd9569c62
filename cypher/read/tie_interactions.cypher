// The interactions of one member-contact tie up to a moment, to score it "as of" then and to
// count the last 90 days: the contact's own interactions, filtered by the member.
MATCH (:Contact {email: $contact})<-[:INVOLVES]-(i:Interaction)
WHERE $member IN i.participants AND NOT $member IN $hidden AND i.occurred_at <= datetime({epochMillis: $until_ms})
RETURN i.id AS id, i.kind AS kind, i.occurred_at.epochMillis AS occurred_ms,
       i.subject AS subject, i.source AS source, coalesce(i.is_admin, false) AS is_admin,
       i.in_reply_to AS in_reply_to, i.participants AS participants, i.roles AS roles,
       coalesce(i.responses, []) AS responses
ORDER BY occurred_ms
