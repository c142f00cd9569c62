// The running ingestion totals (ops/count_ingest), read at each /metrics scrape.
OPTIONAL MATCH (t:IngestTotals {name: 'all'})
RETURN coalesce(t.ingested, 0) AS ingested, coalesce(t.duplicates, 0) AS duplicates,
       coalesce(t.errors, 0) AS errors, coalesce(t.reference_rows, 0) AS reference_rows
