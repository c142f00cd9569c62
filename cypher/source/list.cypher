// Every source, oldest first.
MATCH (s:Source)
RETURN properties(s) AS source
ORDER BY s.created_ms, s.id
