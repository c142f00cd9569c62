// The token a request presents, looked up by its hash (unique constraint: one index seek), with
// the members who opted out of being shown (tiegraph/firm.py): every request needs both, so
// they come in one round trip.
MATCH (t:ApiToken {hash: $hash})
OPTIONAL MATCH (f:FirmSettings {key: 'firm'})
RETURN t.id AS id, t.role AS role, t.member_email AS member_email,
       t.created_at.epochMillis AS created_ms, t.revoked_at.epochMillis AS revoked_ms,
       coalesce(f.opted_out, []) AS opted_out
