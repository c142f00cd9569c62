// Replace the active scoring profile; the version counts the changes.
MERGE (p:ScoringProfile {name: 'active'})
SET p.json = $json, p.version = coalesce(p.version, 0) + 1, p.updated_at = datetime()
RETURN p.version AS version
