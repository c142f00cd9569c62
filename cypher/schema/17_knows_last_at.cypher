// The team attention feed also reads the ties touched after its read moment (a feed as of an
// earlier day), whose stored `reach` does not bound their score then.
CREATE INDEX knows_last_at IF NOT EXISTS FOR ()-[t:KNOWS]-() ON (t.last_at)
