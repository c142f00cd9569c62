// Subjects turned off: the stored ones go too (the admin flag, decided from them, stays).
MATCH (i:Interaction)
WHERE i.subject IS NOT NULL
CALL (i) { SET i.subject = null } IN TRANSACTIONS OF 10000 ROWS
