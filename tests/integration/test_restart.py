"""A local Neo4j killed with SIGKILL starts again at once, on the same port and store."""

import os
import signal
import socket
import time
from pathlib import Path

import pytest

from app.local.system import ephemeral_ports
from tests.clirun import run_cli, set_env
from tests.conftest import free_port


def test_db_start_refuses_a_port_a_client_could_take_while_it_is_down(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = ephemeral_ports().start + 100
    set_env(monkeypatch, neo4j_uri=f"bolt://127.0.0.1:{port}", data_dir=str(tmp_path))
    run = run_cli(capsys, "db", "start")
    assert run.code == 1
    assert run.err.startswith(f"error: neo4j port {port} is in this machine's ephemeral range")
    assert not (tmp_path / "neo4j.pid").exists()  # refused before anything was started


def _reconnect_for(port: int, seconds: float) -> int:
    """What a driver does while its server is down: connect again and again."""
    attempts, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as client:
            attempts += 1
            try:
                client.connect(("127.0.0.1", port))
            except OSError:
                continue
    return attempts


def test_db_start_right_after_a_kill_9(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    set_env(monkeypatch, neo4j_uri=f"bolt://127.0.0.1:{port}", data_dir=str(tmp_path),
            neo4j_heap="256m", neo4j_pagecache="32m")  # fmt: skip
    assert run_cli(capsys, "db", "start").code == 0
    try:
        os.kill(int((tmp_path / "neo4j.pid").read_text()), signal.SIGKILL)
        assert _reconnect_for(port, 3) > 100
        again = run_cli(capsys, "db", "start")
        assert again.code == 0, again.err
        assert again.err.startswith(f"Neo4j is up at bolt://127.0.0.1:{port}")
    finally:
        assert run_cli(capsys, "db", "stop").code == 0
