// Accounts from the CRM: name, tier and annual value; the owner when they are a team member.
UNWIND $rows AS row
MERGE (a:Account {domain: row.domain})
SET a.name = coalesce(row.name, a.name),
    a.tier = coalesce(row.tier, a.tier),
    a.annual_value = coalesce(row.annual_value, a.annual_value)
WITH a, row
OPTIONAL MATCH (owner:TeamMember {email: row.owner_email})
CALL (a, owner) {
  WITH a, owner WHERE owner IS NOT NULL
  MERGE (owner)-[:OWNS]->(a)
}
