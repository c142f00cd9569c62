"""The Cypher catalog: one query per `.cypher` file, loaded by name, always parameterised.

A query's name is its path under this package without the suffix, e.g. ``"read/who_knows"``.
"""

from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import LiteralString

_ROOT = files(__package__)


def _walk(folder: Traversable, prefix: str) -> list[str]:
    names: list[str] = []
    for entry in folder.iterdir():
        if entry.is_dir():
            names.extend(_walk(entry, f"{prefix}{entry.name}/"))
        elif entry.name.endswith(".cypher"):
            names.append(prefix + entry.name.removesuffix(".cypher"))
    return names


@cache
def names() -> tuple[str, ...]:
    """Every query name in the catalog, sorted."""
    return tuple(sorted(_walk(_ROOT, "")))


@cache
def query(name: str) -> LiteralString:
    """The text of the named query. Raises KeyError for a name not in the catalog."""
    if name not in names():
        raise KeyError(f"no Cypher query named {name!r}")
    text = _ROOT.joinpath(*f"{name}.cypher".split("/")).read_text(encoding="utf-8")
    # The files are part of the package, never user input: that is what LiteralString promises
    # (mypy treats LiteralString as str, so no cast is needed for it).
    return text.strip()


def schema_statements() -> list[LiteralString]:
    """The schema DDL statements (constraints and indexes), in file-name order."""
    return [query(name) for name in names() if name.startswith("schema/")]
