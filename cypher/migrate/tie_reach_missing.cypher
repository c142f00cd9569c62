// Older graphs' ties have no `reach` (scoring.reach.touch_reach). The first KNOWS tie tells,
// without reading the others: migrate/tie_reach does it last.
MATCH ()-[t:KNOWS]->()
WITH t LIMIT 1
RETURN elementId(t) AS first, t.reach IS NULL AS missing
