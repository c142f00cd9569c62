// Remove ties a rescore did not rebuild (every interaction behind them is now an admin
// touchpoint, say), given as [type, a, b].
UNWIND $keys AS key
MATCH (a:Person {email: key[1]})-[t]->(b:Person {email: key[2]})
WHERE type(t) = key[0]
DELETE t
