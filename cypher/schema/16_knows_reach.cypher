// The team attention reads (read/attention_team_*) seek the ties whose stored bound at their
// last touch (`reach`, scoring.reach.touch_reach) could reach Good, instead of reading every tie.
CREATE INDEX knows_reach IF NOT EXISTS FOR ()-[t:KNOWS]-() ON (t.reach)
