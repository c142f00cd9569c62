// A few accounts by domain (a page of single-threaded accounts), each with all its contacts and
// every KNOWS tie to them (holder with roster left_on), in the shape of read/account_threads:
// the second-thread rule (scoring/threads.py) weighs every tie, not only the active ones.
UNWIND $domains AS domain
MATCH (a:Account {domain: domain})
CALL (a) {
  OPTIONAL MATCH (c:Contact)-[:WORKS_AT]->(a)
  WITH c WHERE c IS NOT NULL
  CALL (c) {
    OPTIONAL MATCH (m:TeamMember)-[t:KNOWS]->(c)
    RETURN collect(CASE WHEN m IS NULL THEN null ELSE {member: properties(m), tie: properties(t)} END) AS ties
  }
  RETURN collect({contact: properties(c), ties: ties}) AS contacts
}
RETURN properties(a) AS account, coalesce(toFloat(a.annual_value), -1.0) AS value, contacts
