// The token a request presents, looked up by its hash (unique constraint: one index seek).
MATCH (t:ApiToken {hash: $hash})
RETURN t.id AS id, t.role AS role, t.member_email AS member_email,
       t.created_at.epochMillis AS created_ms, t.revoked_at.epochMillis AS revoked_ms
