// Every tie as [type, a, b], in one row (the driver's cost is per record, so one record per
// tie would cost far more): what a rescore must rebuild or remove.
MATCH (a:Person)-[t:KNOWS|WORKS_WITH|ASSOCIATED_WITH]->(b:Person)
RETURN collect([type(t), a.email, b.email]) AS keys
