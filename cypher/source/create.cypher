// A new source: what the admin gave ($props: settings and a secret reference, never a secret).
// Times on sources are epoch milliseconds (*_ms), read back as they are.
CREATE (s:Source)
SET s = $props
RETURN properties(s) AS source
