// Graphs written before 2026-11-26 have a range index on Interaction.occurred_at. No query
// starts from it (every read reaches interactions through a contact and filters by time
// after), and it cost an index insert per new interaction: about 6 µs of the ~100 µs a row
// of create_interactions, measured interleaved on one database.
DROP INDEX interaction_occurred_at IF EXISTS
