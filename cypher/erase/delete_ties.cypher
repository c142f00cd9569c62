// The ties an erasure changes, before they are rebuilt ([a, b] pairs; any tie type).
UNWIND $pairs AS pair
MATCH (:Person {email: pair[0]})-[t:KNOWS|WORKS_WITH|ASSOCIATED_WITH]-(:Person {email: pair[1]})
DELETE t
