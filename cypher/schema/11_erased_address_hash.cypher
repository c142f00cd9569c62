CREATE CONSTRAINT erased_address_hash IF NOT EXISTS FOR (e:ErasedAddress) REQUIRE e.hash IS UNIQUE
