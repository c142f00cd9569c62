// The WORKS_WITH ties of a few team members (a page's thread holders, a leaver), each with the
// colleague's roster left_on: where second threads and handovers are found.
// Tie times are returned as epoch microseconds (UTC): the driver's DateTime decoding costs
// about half a millisecond a value, more than all the rest of a tie (graph.records).
// Ties of members in $hidden (opted out: app/auth.py) are left out of the answer.
UNWIND $emails AS email
MATCH (m:TeamMember {email: email})
WHERE NOT m.email IN $hidden
OPTIONAL MATCH (m)-[w:WORKS_WITH]-(o:TeamMember)
WHERE NOT o.email IN $hidden
RETURN email,
       collect(CASE WHEN o IS NULL THEN null ELSE {colleague: properties(o), tie: w {.*, first_at: w.first_at.epochSeconds * 1000000 + w.first_at.microsecond, last_at: w.last_at.epochSeconds * 1000000 + w.last_at.microsecond, last_two_way_at: w.last_two_way_at.epochSeconds * 1000000 + w.last_two_way_at.microsecond}} END) AS colleagues
