// A rescore finished: clear the mark it was queued for (a newer change keeps its own).
MATCH (p:ScoringProfile {name: 'active'})
WHERE p.rescore_owed = $rescore_id
REMOVE p.rescore_owed
RETURN count(p) AS cleared
