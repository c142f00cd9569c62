"""The benchmarks are scripts anyone can rerun: each must at least import against today's code
(a renamed helper once broke `bench.initial` without any test noticing)."""

import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
SCRIPTS = sorted(p.stem for p in BENCH.glob("*.py") if p.stem != "__init__")


def test_every_benchmark_is_found() -> None:
    assert {"initial", "ingest", "queries", "generate", "imap_sync"} <= set(SCRIPTS)


@pytest.mark.parametrize("name", SCRIPTS)
def test_benchmark_imports(name: str) -> None:
    module = importlib.import_module(f"bench.{name}")
    assert callable(module.main)
