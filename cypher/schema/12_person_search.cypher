// Search as you type (read/search): people by any word of their name or address.
CREATE FULLTEXT INDEX person_search IF NOT EXISTS FOR (p:Person) ON EACH [p.name, p.email]
