CREATE CONSTRAINT scoring_profile_name IF NOT EXISTS FOR (p:ScoringProfile) REQUIRE p.name IS UNIQUE
