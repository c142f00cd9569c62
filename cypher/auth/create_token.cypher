// A new API token: only its hash is stored (the token itself is shown once, to its creator).
CREATE (t:ApiToken {id: $id, hash: $hash, role: $role, member_email: $member_email,
                    created_at: datetime({epochMillis: $created_ms})})
RETURN t.id AS id
