from pathlib import Path

import pytest

import cypher

ROOT = Path(cypher.__file__).parent


def test_every_file_is_in_the_catalog_and_every_name_has_a_file() -> None:
    on_disk = sorted(str(p.relative_to(ROOT).with_suffix("")) for p in ROOT.rglob("*.cypher"))
    assert list(cypher.names()) == on_disk
    for name in cypher.names():
        assert cypher.query(name).strip()


def test_an_unknown_name_is_refused() -> None:
    with pytest.raises(KeyError, match="no Cypher query named 'read/nothing'"):
        cypher.query("read/nothing")


def test_schema_statements_are_idempotent_ddl() -> None:
    statements = cypher.schema_statements()
    assert len(statements) >= 5
    assert all("IF NOT EXISTS" in s for s in statements)
