// Whether any interaction is stored: a first load (`ingest --initial`) needs none.
RETURN EXISTS { MATCH (:Interaction) } AS any
