// The accounts of a first load's import files, created (see create_people).
UNWIND $rows AS row
CREATE (:Account {domain: row.props.domain})
