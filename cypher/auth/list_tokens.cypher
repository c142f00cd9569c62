// Every token, newest first; never the hash.
MATCH (t:ApiToken)
RETURN t.id AS id, t.role AS role, t.member_email AS member_email,
       t.created_at.epochMillis AS created_ms, t.revoked_at.epochMillis AS revoked_ms
ORDER BY created_ms DESC
