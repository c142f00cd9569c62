// Contacts on a domain or its subdomains: what excluding the domain erases. A scan of the
// contacts; exclusions are rare.
MATCH (c:Contact)
WHERE c.email ENDS WITH '@' + $domain OR c.email ENDS WITH '.' + $domain
RETURN c.email AS email
ORDER BY email
