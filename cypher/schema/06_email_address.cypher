CREATE CONSTRAINT email_address IF NOT EXISTS FOR (e:EmailAddress) REQUIRE e.address IS UNIQUE
