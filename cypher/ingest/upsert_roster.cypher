// The team roster: our people with their title, team and seniority; `left_on` marks someone who
// left (they keep their history but hold no active ties).
UNWIND $rows AS row
MERGE (p:Person {email: row.email})
SET p:TeamMember,
    p.name = coalesce(row.name, p.name),
    p.title = row.title,
    p.team = row.team,
    p.seniority = row.seniority,
    p.left_on = CASE WHEN row.left_on IS NULL THEN null ELSE date(row.left_on) END
