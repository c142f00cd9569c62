// Every node of a graph that holds no interaction yet (settings, tokens, the scoring profile,
// the erasure list, reference people and accounts): a first load's import replaces the store,
// so they are read first and written back after (`bulk/restore_*`).
MATCH (n)
RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props
