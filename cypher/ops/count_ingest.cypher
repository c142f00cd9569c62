// Add one ingestion run's counts to the running totals that /metrics reports. Every process
// that ingests (the API, a worker, the CLI) adds its own runs, so the totals cover them all.
MERGE (t:IngestTotals {name: 'all'})
SET t.ingested = coalesce(t.ingested, 0) + $ingested,
    t.duplicates = coalesce(t.duplicates, 0) + $duplicates,
    t.errors = coalesce(t.errors, 0) + $errors,
    t.reference_rows = coalesce(t.reference_rows, 0) + $reference_rows
