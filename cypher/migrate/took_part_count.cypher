// Older graphs linked team members to interactions (TOOK_PART) instead of
// interactions to contacts (INVOLVES). Read from the count store: free on any graph.
MATCH ()-[r:TOOK_PART]->()
RETURN count(r) AS links
