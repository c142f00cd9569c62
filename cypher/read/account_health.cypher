// Account health in one round trip: the account, each contact with seniority and every KNOWS tie
// (with the holder's roster left_on), same-person candidates at other accounts, the interaction
// facts of scoring.account_health.AccountActivity, and the active scoring profile. The rules
// themselves live in scoring/account_health.py.
// Times are returned as epoch microseconds (UTC): the driver decodes a DateTime far more slowly
// than an int, there are three per tie, and a large account has hundreds of ties.
// Ties of members in $hidden (opted out: app/auth.py), and the interactions they took part
// in, are left out of the answer.
MATCH (a:Account {domain: $domain})
OPTIONAL MATCH (p:ScoringProfile {name: 'active'})
WITH a, p.json AS profile
CALL (a) {
  OPTIONAL MATCH (c:Contact)-[:WORKS_AT]->(a)
  WITH c WHERE c IS NOT NULL
  CALL (c) {
    OPTIONAL MATCH (m:TeamMember)-[t:KNOWS]->(c)
    WHERE NOT m.email IN $hidden
    RETURN collect(CASE WHEN m IS NULL THEN null ELSE {member: properties(m), tie: t {.*, first_at: t.first_at.epochSeconds * 1000000 + t.first_at.microsecond, last_at: t.last_at.epochSeconds * 1000000 + t.last_at.microsecond, last_two_way_at: t.last_two_way_at.epochSeconds * 1000000 + t.last_two_way_at.microsecond}} END) AS ties
  }
  // Same name and same local part elsewhere: a prefix seek on the Contact.email index (the
  // hint keeps the planner from scanning every contact once per contact). The conservative
  // rule itself is scoring.account_health.is_namesake.
  CALL (c, a) {
    WITH c, a, split(c.email, '@')[0] + '@' AS prefix
    WHERE c.name IS NOT NULL
    MATCH (o:Contact) USING INDEX o:Contact(email)
    WHERE o.email STARTS WITH prefix AND o <> c AND toLower(trim(o.name)) = toLower(trim(c.name))
    MATCH (o)-[:WORKS_AT]->(oa:Account)
    WHERE oa <> a
    WITH o, collect(oa.domain) AS accounts
    CALL (o) {
      OPTIONAL MATCH (om:TeamMember)-[ot:KNOWS]->(o)
      WHERE NOT om.email IN $hidden
      RETURN collect(CASE WHEN om IS NULL THEN null ELSE {member: properties(om), tie: ot {.*, first_at: ot.first_at.epochSeconds * 1000000 + ot.first_at.microsecond, last_at: ot.last_at.epochSeconds * 1000000 + ot.last_at.microsecond, last_two_way_at: ot.last_two_way_at.epochSeconds * 1000000 + ot.last_two_way_at.microsecond}} END) AS ties
    }
    RETURN collect({contact: properties(o), accounts: accounts, ties: ties}) AS namesakes
  }
  RETURN collect({contact: properties(c), ties: ties, namesakes: namesakes}) AS contacts
}
// Interactions with the account's contacts, through each contact's INVOLVES links: a
// handful per contact, where going through the team members' histories read thousands. Each
// interaction is grouped by itself (never carrying the list of the account's addresses along:
// on an account of 800 contacts and 30,000 interactions that copy ran Neo4j's transaction
// memory out), and the latest few are a top-k, not a sort of them all.
CALL (a) {
  OPTIONAL MATCH (c:Contact)-[:WORKS_AT]->(a)
  OPTIONAL MATCH (c)<-[:INVOLVES]-(i)
  WHERE i.occurred_at <= datetime({epochMillis: $as_of_ms})
    AND NOT any(x IN i.participants WHERE x IN $hidden)
  WITH i, c WHERE i IS NOT NULL
  // Whether this contact came: their answer (at their place in the participants) is no decline.
  WITH i, any(k IN range(0, size(i.participants) - 1)
              WHERE i.participants[k] = c.email
                AND coalesce(coalesce(i.responses, [])[k], '') <> 'declined') AS came
  WITH i, any(x IN collect(came) WHERE x) AS came
  WITH i, came AND i.kind IN ['meeting', 'call'] AND NOT coalesce(i.is_admin, false) AS attended
  RETURN max(i.occurred_at) AS last_at,
         count(CASE WHEN attended AND i.occurred_at > datetime({epochMillis: $recent_from_ms})
                    THEN 1 END) AS meetings_recent,
         count(CASE WHEN attended AND i.occurred_at > datetime({epochMillis: $before_from_ms})
                         AND i.occurred_at <= datetime({epochMillis: $before_to_ms})
                    THEN 1 END) AS meetings_before
}
CALL (a) {
  OPTIONAL MATCH (c:Contact)-[:WORKS_AT]->(a)
  OPTIONAL MATCH (c)<-[:INVOLVES]-(i)
  WHERE i.occurred_at <= datetime({epochMillis: $as_of_ms})
    AND NOT any(x IN i.participants WHERE x IN $hidden)
  WITH DISTINCT i WHERE i IS NOT NULL
  ORDER BY i.occurred_at DESC
  LIMIT $latest
  RETURN collect(coalesce(i.is_admin, false)) AS latest_admin
}
WITH a, profile, contacts, last_at.epochSeconds * 1000000 + last_at.microsecond AS last_interaction_at,
     meetings_recent, meetings_before, latest_admin
RETURN properties(a) AS account, profile, contacts, last_interaction_at, meetings_recent,
       meetings_before, latest_admin
