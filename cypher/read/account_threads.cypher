// One batch of accounts in value-at-risk order (annual value, highest first; unknown values
// last, then by domain), strictly after a keyset position ($after_value/$after_domain, null for
// the start), each with its contacts and every KNOWS tie (holder with roster left_on). The
// single-thread rule runs on them in scoring/threads.py; graph/threads.py pages through.
MATCH (a:Account)
WHERE ($min_value IS NULL OR a.annual_value >= $min_value)
  AND ($tier IS NULL OR toLower(trim(a.tier)) = $tier)
WITH a, coalesce(toFloat(a.annual_value), -1.0) AS value
WHERE $after_value IS NULL OR value < $after_value
   OR (value = $after_value AND a.domain > $after_domain)
ORDER BY value DESC, a.domain
LIMIT $limit
CALL (a) {
  OPTIONAL MATCH (c:Contact)-[:WORKS_AT]->(a)
  WITH c WHERE c IS NOT NULL
  CALL (c) {
    OPTIONAL MATCH (m:TeamMember)-[t:KNOWS]->(c)
    RETURN collect(CASE WHEN m IS NULL THEN null ELSE {member: properties(m), tie: properties(t)} END) AS ties
  }
  RETURN collect({contact: properties(c), ties: ties}) AS contacts
}
RETURN properties(a) AS account, value, contacts
ORDER BY value DESC, account.domain
