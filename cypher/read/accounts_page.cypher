// One page of accounts in domain order (the unique index serves the range and the order).
MATCH (a:Account)
WHERE a.domain > $after
WITH a ORDER BY a.domain LIMIT $limit
RETURN properties(a) AS account
