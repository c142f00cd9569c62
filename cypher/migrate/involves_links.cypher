// Bring such a graph up to date, in transactions of 5,000 interactions: each interaction's
// contacts linked with INVOLVES (from its participants, as ingestion does), its TOOK_PART
// links dropped. Idempotent, so an interrupted run is finished by the next start.
MATCH (i:Interaction)
CALL (i) {
  OPTIONAL MATCH ()-[r:TOOK_PART]->(i)
  DELETE r
  WITH DISTINCT i
  UNWIND i.participants AS email
  MATCH (c:Contact {email: email})
  MERGE (i)-[:INVOLVES]->(c)
} IN TRANSACTIONS OF 5000 ROWS
