// The id of the rescore the active profile still needs, if one is owed.
MATCH (p:ScoringProfile {name: 'active'})
WHERE p.rescore_owed IS NOT NULL
RETURN p.rescore_owed AS rescore_id
