// The token a request presents, looked up by its hash (unique constraint: one index seek), with
// the firm's domains and the members who opted out of being shown (tiegraph/firm.py): every
// request needs all three, so they come in one round trip.
MATCH (t:ApiToken {hash: $hash})
OPTIONAL MATCH (f:FirmSettings {key: 'firm'})
RETURN t.id AS id, t.role AS role, t.member_email AS member_email,
       t.created_at.epochMillis AS created_ms, t.revoked_at.epochMillis AS revoked_ms,
       coalesce(f.opted_out, []) AS opted_out, coalesce(f.domains, []) AS firm_domains
