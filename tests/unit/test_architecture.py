"""The README's architecture section tells the truth about the code: its layers are the
import contract's, and every path it names exists."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Architecture\n")
    return readme[start : readme.index("\n## ", start + 1)]


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return list(contract["layers"])


def test_the_picture_draws_the_layers_of_the_import_contract() -> None:
    arrows = re.search(r"^\s*(app( --> \w+)+)\s*$", _section(), re.MULTILINE)
    assert arrows is not None
    drawn = [name.replace("core", "tiegraph") for name in arrows.group(1).split(" --> ")]
    assert drawn == _layers()


def test_the_table_names_each_layer_in_order_and_each_exists() -> None:
    rows = re.findall(r"^\| `(\w+)/` \|", _section(), re.MULTILINE)
    assert [r for r in rows if r in _layers()] == _layers()
    assert all((ROOT / r).is_dir() for r in rows)


def _named_paths() -> set[str]:
    """Every file the section names: a table row's names are inside its package, unless they
    start with a top-level folder; elsewhere they are paths from the repository's root."""
    pattern = r"`([\w/]+\.(?:py|cypher|java))`"
    tops = {p.name for p in ROOT.iterdir() if p.is_dir()}
    paths = set()
    for line in _section().splitlines():
        row = re.match(r"\| `(\w+)/` \|", line)
        for name in re.findall(pattern, line):
            inside = row is not None and name.split("/", 1)[0] not in tops
            paths.add(f"{row.group(1)}/{name}" if inside and row else name)
    return paths


def test_every_path_it_names_exists() -> None:
    paths = _named_paths()
    assert len(paths) > 20
    assert sorted(p for p in paths if not (ROOT / p).exists()) == []
