// One page of interactions in id order (the unique index serves the range and the order), as
// one row holding a list of lists in the order of graph.records.INTERACTION_COLUMNS: the async
// driver spends client CPU on each record it receives but decodes a long list in one go, and
// lists pickle to the rescore's fold processes more cheaply than maps.
MATCH (i:Interaction)
WHERE i.id > $after
WITH i ORDER BY i.id LIMIT $limit
RETURN collect([i.id, i.kind, i.occurred_at.epochMillis, i.subject, i.source,
                coalesce(i.is_admin, false), i.in_reply_to, i.participants, i.roles,
                coalesce(i.responses, [])]) AS page
