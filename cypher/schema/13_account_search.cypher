// Search as you type (read/search): accounts by any word of their name or domain.
CREATE FULLTEXT INDEX account_search IF NOT EXISTS FOR (a:Account) ON EACH [a.name, a.domain]
