// Revoke a token by its public id; revoking twice keeps the first time.
MATCH (t:ApiToken {id: $id})
SET t.revoked_at = coalesce(t.revoked_at, datetime({epochMillis: $revoked_ms}))
RETURN t.id AS id, t.role AS role, t.member_email AS member_email,
       t.created_at.epochMillis AS created_ms, t.revoked_at.epochMillis AS revoked_ms
