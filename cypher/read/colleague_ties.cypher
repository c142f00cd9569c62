// The WORKS_WITH ties of a few team members (a page's thread holders, a leaver), each with the
// colleague's roster left_on: where second threads and handovers are found.
UNWIND $emails AS email
MATCH (m:TeamMember {email: email})
OPTIONAL MATCH (m)-[w:WORKS_WITH]-(o:TeamMember)
RETURN email,
       collect(CASE WHEN o IS NULL THEN null ELSE {colleague: properties(o), tie: properties(w)} END) AS colleagues
