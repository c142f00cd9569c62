"""`tiegraph ingest --initial` stopped by a SIGTERM (a service manager, `timeout`, `kill`): it
puts the graph back as it was, as after a failure, and leaves no process or file behind.
Python's default for a SIGTERM is to exit at once, which once left the parsing workers and the
fork server asleep as orphans and, during the import, a store half written. Real processes."""

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from neo4j import AsyncDriver

from graph.driver import create_driver
from graph.repository import GraphRepository
from tests.clirun import CLI_MODULE
from tests.integration.conftest import set_firm
from tests.integration.fixtures import RECENT, message, write_mbox
from tests.integration.graphstate import graph_state
from tiegraph.settings import Settings


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIEGRAPH_")}
    return {**env, "TIEGRAPH_NEO4J_URI": settings.neo4j_uri,
            "TIEGRAPH_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
            "TIEGRAPH_DATA_DIR": str(settings.data_dir), "TIEGRAPH_FIRM_DOMAINS": "firm.test",
            "TIEGRAPH_NEO4J_HEAP": settings.neo4j_heap,
            "TIEGRAPH_NEO4J_PAGECACHE": settings.neo4j_pagecache}  # fmt: skip


def _processes() -> dict[int, tuple[int, str]]:
    """Every process: its parent and its command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                argv = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:  # it ended while we looked
                continue
            found[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), argv)
    return found


def _descendants(root: int) -> dict[int, str]:
    table = _processes()
    found: dict[int, str] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, argv) in table.items():
            if ppid == parent and pid not in found:
                found[pid] = argv
                frontier.append(pid)
    return found


def _wait_for(seen: Callable[[dict[int, str]], bool], root: int, seconds: float) -> dict[int, str]:
    """The descendants of `root` once `seen` holds for them."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if seen(children := _descendants(root)):
            return children
        time.sleep(0.02)
    raise AssertionError(f"not seen within {seconds} s: {_descendants(root)}")


def _workers_running(children: dict[int, str]) -> bool:
    return sum("forkserver" in argv for argv in children.values()) >= 2  # the server and one


def _importer_running(children: dict[int, str]) -> bool:
    return any("AdminTool" in argv for argv in children.values())


def _stop_while(
    seen: Callable[[dict[int, str]], bool], command: list[str], env: dict[str, str], log: Path
) -> tuple[int, dict[int, str]]:
    """Start the command, SIGTERM it once `seen` holds for its descendants; its exit code and
    which of those descendants still run a moment after it ended."""
    with log.open("wb") as out:
        cli = subprocess.Popen(command, env=env, stdout=out, stderr=out)
        try:
            children = _wait_for(seen, cli.pid, 120)
            cli.send_signal(signal.SIGTERM)
            code = cli.wait(timeout=120)
        finally:
            cli.kill()
    deadline = time.monotonic() + 10  # a worker checks once a second that its caller is there
    while (left := _writing_to(log, children)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return code, left


def _writing_to(log: Path, children: dict[int, str]) -> dict[int, str]:
    """The processes still running of those seen, and any other with `log` as its output:
    one forked just as the signal came is among no process seen before it."""
    now = _processes()
    left = {pid: argv for pid, argv in children.items() if now.get(pid, (0, ""))[1] == argv}
    for pid, (_, argv) in now.items():
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/fd/1").resolve() == log.resolve():
                left[pid] = argv
    return left


async def _state(settings: Settings) -> list[dict[str, object]]:
    driver = create_driver(settings)  # a new one: the database may have restarted
    try:
        return await graph_state(driver)
    finally:
        await driver.close()


@pytest.mark.parametrize(("stage", "seen"), [("the workers ran", _workers_running),
                                             ("the importer ran", _importer_running)])  # fmt: skip
async def test_a_stopped_first_load_puts_the_graph_back_and_leaves_nothing_running(
    tmp_path: Path, initial_neo4j: Settings, initial_driver: AsyncDriver, stage: str,
    seen: Callable[[dict[int, str]], bool],
) -> None:  # fmt: skip
    await set_firm(GraphRepository(initial_driver, initial_neo4j.neo4j_database), "firm.test")
    before = await _state(initial_neo4j)
    mails = [message(f"m{n}@firm.test", "ann@firm.test", f"c{n % 400}@acme.com",
                     at=RECENT - timedelta(minutes=n)) for n in range(4_000)]  # fmt: skip
    mbox = write_mbox(tmp_path / "a.mbox", mails)
    command = [sys.executable, "-m", CLI_MODULE, "ingest", "--initial", str(mbox)]
    code, left = await asyncio.to_thread(_stop_while, seen, command, _env(initial_neo4j),
                                         tmp_path / "cli.log")  # fmt: skip
    assert code == 130  # as after Ctrl-C
    assert left == {}, f"stopped once {stage}, left running: {left}"
    assert await _state(initial_neo4j) == before
    assert list((initial_neo4j.data_dir / "work").iterdir()) == []
