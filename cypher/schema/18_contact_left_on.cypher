// The team movers read (read/attention_team_movers) seeks the few contacts marked as left.
CREATE INDEX contact_left_on IF NOT EXISTS FOR (c:Contact) ON (c.left_on)
