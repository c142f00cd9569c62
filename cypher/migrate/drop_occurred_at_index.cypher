// Older graphs have a range index on Interaction.occurred_at. No query starts from it (every
// read reaches interactions through a contact and filters by time after), and it costs an
// index insert per new interaction.
DROP INDEX interaction_occurred_at IF EXISTS
