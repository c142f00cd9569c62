// The active scoring profile (JSON of scoring.profile.ScoringProfile), if one was saved.
MATCH (p:ScoringProfile {name: 'active'})
RETURN p.json AS json, p.version AS version
