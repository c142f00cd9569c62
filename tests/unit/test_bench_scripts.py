"""The benchmarks are scripts anyone can rerun: each must at least import against today's code
(a renamed helper once broke `bench.initial` without any test noticing)."""

import importlib
from pathlib import Path

import pytest

from bench.queries import Client

BENCH = Path(__file__).resolve().parents[2] / "bench"
SCRIPTS = sorted(p.stem for p in BENCH.glob("*.py") if p.stem != "__init__")


def test_every_benchmark_is_found() -> None:
    assert {"initial", "ingest", "queries", "generate", "imap_sync"} <= set(SCRIPTS)


@pytest.mark.parametrize("name", SCRIPTS)
def test_benchmark_imports(name: str) -> None:
    module = importlib.import_module(f"bench.{name}")
    assert callable(module.main)


def test_the_floor_app_is_served_in_a_process_of_its_own_and_stopped() -> None:
    overhead = importlib.import_module("bench.overhead")
    with overhead.floor_server() as (url, pid):
        client = Client(url, "")
        try:
            assert overhead.floor_call(client, "someone@example.com") > 0
        finally:
            client.close()
        assert overhead.process_cpu_seconds(pid) > 0
    client = Client(url, "")
    with pytest.raises(ConnectionRefusedError):
        overhead.floor_call(client, "someone@example.com")
    client.close()
