// Store the admin flag the active profile gives interactions, given as [id, flag]: a rescore
// sets or clears it so that account-health reads agree with the ties it rebuilt.
UNWIND $flags AS flag
MATCH (i:Interaction {id: flag[0]})
SET i.is_admin = flag[1]
