// Every tie as [type, a, b], in one row (one record per tie would cost the driver ~100 µs each
// against a server that sends receive-timeout hints): what a rescore must rebuild or remove.
MATCH (a:Person)-[t:KNOWS|WORKS_WITH|ASSOCIATED_WITH]->(b:Person)
RETURN collect([type(t), a.email, b.email]) AS keys
