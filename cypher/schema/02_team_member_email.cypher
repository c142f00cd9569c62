CREATE CONSTRAINT team_member_email IF NOT EXISTS FOR (m:TeamMember) REQUIRE m.email IS UNIQUE
