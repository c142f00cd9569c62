from pathlib import Path

from app.graphql.schema import schema_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_committed_schema_matches_the_code() -> None:
    # When this fails, run `make schema` and commit schema.graphql with the change.
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_sdl()
