// Every node and relationship deleted, 10,000 nodes a transaction (constraints and indexes
// stay): a first load's graph before it is written, or after it failed.
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
