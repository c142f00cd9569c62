// A first load's ties of one type, created with their summed state (what ingest/merge_ties
// sets on a new tie; see create_people). $type comes from tiegraph.domain.TieType, never from
// input. Times come as epoch millis (graph.bulk_files); a tie never answered has no
// last_two_way_at.
UNWIND $rows AS row
MATCH (a:Person {email: row.start})
MATCH (b:Person {email: row.end})
CREATE (a)-[:$($type) {
  email_count: row.props.email_count, meeting_count: row.props.meeting_count,
  call_count: row.props.call_count, note_count: row.props.note_count,
  a_initiated: row.props.a_initiated, b_initiated: row.props.b_initiated,
  two_way_count: row.props.two_way_count, declined_count: row.props.declined_count,
  brought_colleagues_count: row.props.brought_colleagues_count,
  reply_buckets: row.props.reply_buckets,
  weight_fast: row.props.weight_fast, weight_slow: row.props.weight_slow,
  activity_recent: row.props.activity_recent, activity_base: row.props.activity_base,
  first_at: datetime({epochMillis: row.times.first_at}),
  last_at: datetime({epochMillis: row.times.last_at}),
  last_two_way_at: CASE WHEN row.times.last_two_way_at IS NOT NULL
                        THEN datetime({epochMillis: row.times.last_two_way_at}) END,
  reach: row.props.reach
}]->(b)
