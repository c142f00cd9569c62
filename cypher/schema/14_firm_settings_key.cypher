CREATE CONSTRAINT firm_settings_key IF NOT EXISTS FOR (f:FirmSettings) REQUIRE f.key IS UNIQUE
