// How many interactions are stored: changing the firm's domains leaves them as classified.
MATCH (i:Interaction)
RETURN count(i) AS interactions
