// People and accounts matching $query, a Lucene query graph/search.py builds from typed words
// (each escaped, each a prefix). Both indexes give at most $limit; the best $limit are kept.
CALL () {
  CALL db.index.fulltext.queryNodes('person_search', $query, {limit: $limit})
  YIELD node, score
  RETURN CASE WHEN node:TeamMember THEN 'member' ELSE 'contact' END AS kind,
         node {.email, .name, .team, .domain} AS props, score
  UNION ALL
  CALL db.index.fulltext.queryNodes('account_search', $query, {limit: $limit})
  YIELD node, score
  RETURN 'account' AS kind, node {.email, .name, .team, .domain, .tier, .annual_value} AS props,
         score
}
RETURN kind, props, score
ORDER BY score DESC, coalesce(props.name, props.email, props.domain), kind,
         coalesce(props.email, props.domain)
LIMIT $limit
