// Single-threaded accounts are read highest annual value first (read/account_threads): the
// range index serves that order and the minimum-value filter without sorting every account.
CREATE INDEX account_annual_value IF NOT EXISTS FOR (a:Account) ON (a.annual_value)
