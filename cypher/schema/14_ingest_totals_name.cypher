CREATE CONSTRAINT ingest_totals_name IF NOT EXISTS FOR (t:IngestTotals) REQUIRE t.name IS UNIQUE
