// A rescore rebuilds every tie from the interactions: first the old aggregates go, in batches
// so a million ties never sit in one transaction. Run in an auto-commit transaction.
MATCH ()-[t:KNOWS|WORKS_WITH|ASSOCIATED_WITH]->()
CALL (t) { DELETE t } IN TRANSACTIONS OF 20000 ROWS
