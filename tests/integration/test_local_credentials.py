"""The local Neo4j and Redis tiegraph starts ask for generated passwords that only its own
processes read (TIEGRAPH_DATA_DIR/credentials.json, mode 0600): another local user can neither
write an ApiToken into the graph nor a job into the queue."""

import json
import re
import stat
from pathlib import Path

import pytest
import redis
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

from tests.clirun import run_cli, set_env
from tests.conftest import free_port
from tiegraph.settings import Settings


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory and free ports for a local Neo4j and Redis of this test's own."""
    set_env(monkeypatch, neo4j_uri=f"bolt://127.0.0.1:{free_port()}",
            redis_url=f"redis://127.0.0.1:{free_port()}/0", data_dir=str(tmp_path),
            firm_domains="firm.test", neo4j_heap="256m", neo4j_pagecache="32m")  # fmt: skip
    return tmp_path


def _credentials(data_dir: Path) -> dict[str, str]:
    path = data_dir / "credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return dict(json.loads(path.read_text()))


def test_local_redis_refuses_clients_without_the_generated_password(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    assert run_cli(capsys, "redis", "start").code == 0
    try:
        password = _credentials(data_dir)["redis_password"]
        assert password not in Path(f"/proc/{_pid(data_dir, 'redis')}/cmdline").read_text()
        url = Settings().redis_url  # read from the environment and the data directory
        assert f":{password}@" in url
        intruder = redis.Redis.from_url(Settings().redis_shown)
        with intruder, pytest.raises(redis.AuthenticationError):
            intruder.set("arq:job:planted", b"x")
        mail = tmp_path / "mail.jsonl"
        mail.write_text('{"id": "m1", "kind": "email", "occurredAt": "2026-09-01T10:00:00Z", '
                        '"from": "ann@firm.test", "to": ["joe@acme.com"]}\n')  # fmt: skip
        queued = run_cli(capsys, "ingest", "--queue", str(mail))
        assert queued.code == 0, queued.err
        with redis.Redis.from_url(url) as owner:
            assert owner.zcard("arq:queue") == 1
    finally:
        assert run_cli(capsys, "redis", "stop").code == 0


def test_local_neo4j_refuses_clients_without_the_generated_password(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    started = run_cli(capsys, "db", "start")
    assert started.code == 0, started.err
    try:
        password = _credentials(data_dir)["neo4j_password"]
        uri = Settings().neo4j_uri
        assert password not in Path(f"/proc/{_pid(data_dir, 'neo4j')}/cmdline").read_text()
        for auth in (None, ("neo4j", "neo4j"), ("neo4j", "wrong")):
            with GraphDatabase.driver(uri, auth=auth) as intruder, pytest.raises(AuthError):
                intruder.execute_query("CREATE (:ApiToken {hash: 'x', role: 'admin'})")
        created = run_cli(capsys, "token", "create", "--member", "ann@firm.test", "--role", "admin")
        assert created.code == 0, created.err
        assert re.fullmatch(r"tg_[\w-]{43}\n", created.out)
        listed = run_cli(capsys, "token", "list")
        assert "ann@firm.test" in listed.out
        assert run_cli(capsys, "db", "status").code == 0
    finally:
        assert run_cli(capsys, "db", "stop").code == 0
    # Started again, the password is already set: it starts as quickly as before and still asks.
    assert run_cli(capsys, "db", "start").code == 0
    try:
        anonymous = GraphDatabase.driver(Settings().neo4j_uri, auth=None)
        with anonymous, pytest.raises(AuthError):
            anonymous.verify_connectivity()
        assert "ann@firm.test" in run_cli(capsys, "token", "list").out
    finally:
        assert run_cli(capsys, "db", "stop").code == 0


def _pid(data_dir: Path, name: str) -> int:
    return int((data_dir / f"{name}.pid").read_text())
