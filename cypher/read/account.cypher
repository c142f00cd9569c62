// One account's own properties; its contacts come page by page from read/account_contacts.
MATCH (a:Account {domain: $domain})
RETURN properties(a) AS account
