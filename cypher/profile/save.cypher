// Replace the active scoring profile; the version counts the changes. The same write marks a
// rescore as owed (under a fresh id), so a change is never stored without one: the worker
// queues any owed rescore it finds, and the rescore clears the mark it was queued for.
MERGE (p:ScoringProfile {name: 'active'})
SET p.json = $json, p.version = coalesce(p.version, 0) + 1, p.updated_at = datetime(),
    p.rescore_owed = randomUUID()
RETURN p.version AS version, p.rescore_owed AS rescore_id
