// The interactions of a first load's import files, created (see create_people).
UNWIND $rows AS row
CREATE (n:Interaction)
SET n = row.props
