"""`tiegraph ingest --initial` builds the graph the incremental path builds from the same
paths, node for node, property for property; and the incremental path and a rescore then work
on it as on any other graph."""

import asyncio
import io
import json
import math
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from neo4j import AsyncDriver
from rich.console import Console

from app import initial_load
from app.initial_load import ingest_initial
from graph.bulk_files import ImportFiles
from graph.driver import create_driver
from graph.repository import GraphRepository
from graph.tokens import issue_token
from ingest.pipeline import Ingestor
from ingest.rescore import rescore_all
from ingest.sources import SourceOptions, iter_path
from scoring.profile import DEFAULT_PROFILE
from tests.integration.conftest import set_firm
from tests.integration.fixtures import (
    RECENT,
    message,
    weekly_meeting_ics,
    write_maildir,
    write_mbox,
)
from tests.integration.graphstate import graph_state
from tiegraph.access import Role
from tiegraph.errors import BadInput, Unavailable
from tiegraph.settings import Settings

TEAM = ["ann", "bob", "cat", "dan"]
ACCOUNTS = ["acme.com", "globex.com", "initech.com"]


def _contact(n: int) -> str:
    return f"c{n}@{ACCOUNTS[n % 3]}" if n % 7 else f"c{n}@gmail.com"


def _mail(n: int, **extra: Any) -> Any:
    member = TEAM[n % 4]
    at = RECENT - timedelta(days=n % 300, hours=n % 11)
    sender, to = (f"{member}@firm.test", _contact(n)) if n % 3 else (
        f"Contact {n} <{_contact(n)}>", f"{member.title()} <{member}@firm.test>")  # fmt: skip
    cc = _contact(n + 3) if n % 5 == 0 else None
    return message(f"m{n}@firm.test", sender, to, cc=cc, at=at, **extra)


def _corpus(folder: Path) -> list[Path]:
    """Reference CSVs first, then mail, calendar and CRM: copies of one message in several
    files (some with more people), replies across files both ways, noise and a bad date."""
    roster = folder / "team.csv"
    roster.write_text("email,name,title,team,left_on\nann@firm.test,Ann Lee,VP Sales,east,\n"
                      "bob@firm.test,,Account Executive,east,2026-06-30\n")  # fmt: skip
    accounts = folder / "accounts.csv"
    accounts.write_text("domain,name,tier,annual_value,owner_email\nacme.com,Acme,strategic,"
                        "250000,ann@firm.test\nglobex.com,Globex,smb,,bob@firm.test\n")  # fmt: skip
    contacts = folder / "contacts.csv"
    contacts.write_text("email,name,title,account_domain\nc1@acme.com,Cy One,CFO,acme.com\n"
                        "c7@gmail.com,Cy Seven,Buyer,globex.com\n")  # fmt: skip
    aliases = folder / "aliases.csv"
    aliases.write_text("alias,email\nann.lee@firm.test,ann@firm.test\ncy@acme.com,c1@acme.com\n")
    first = [_mail(n) for n in range(1, 130)]
    later = RECENT - timedelta(days=3)
    # A reply whose parent comes in a later file (no reply time, as the parent was not there
    # yet), and one whose parent came before (timed).
    first.append(message("r1@x", "Cy <c1@acme.com>", "ann@firm.test",
                         at=later + timedelta(hours=2), In_Reply_To="<p1@x>"))  # fmt: skip
    first.append(message("p2@x", "bob@firm.test", "c2@globex.com", at=later))
    first.append(message("alias@firm.test", "Ann Lee <ann.lee@firm.test>", "cy@acme.com"))
    first.append(message("robot@x", "noreply@acme.com", "ann@firm.test"))
    first.append(message("list@x", "ann@firm.test", "c2@acme.com", List_Id="<news.acme.com>"))
    first.append(_mail(3))  # the same message twice in one file
    inbox = [_mail(n) for n in range(100, 140)]  # copies of first's last ones
    # A copy with more people: only their ties are new, weighed as mail to five people.
    inbox.append(_mail(11, Cc="c11@initech.com, Dee <dee@firm.test>, c12@acme.com, c14@acme.com"))
    inbox.append(message("p1@x", "ann@firm.test", "c1@acme.com", at=later))
    inbox.append(message("r2@x", "c2@globex.com", "bob@firm.test", at=later + timedelta(hours=5),
                         In_Reply_To="<p2@x>"))  # fmt: skip
    inbox.append(message("bad@x", "ann@firm.test", "c2@acme.com", at=RECENT.replace(year=1980)))
    sent = write_mbox(folder / "sent.mbox", first)
    maildir = write_maildir(folder / "inbox", inbox)
    single = folder / "one.eml"
    single.write_bytes(_mail(700, subject='Re: \u00e9t\u00e9 "quoted", comma').as_bytes())
    return [roster, accounts, contacts, aliases, sent, maildir, single,
            weekly_meeting_ics(folder / "cal.ics", RECENT - timedelta(days=60), 6),
            _crm(folder / "crm.csv"), _jsonl(folder / "x.jsonl")]  # fmt: skip


def _crm(path: Path) -> Path:
    day = RECENT.strftime("%Y-%m-%d")
    path.write_text(
        "Engagement ID,Activity date,Activity type,Owner email,Associated contact email,Subject\n"
        f"101,{day}T10:00:00Z,Call,ann@firm.test,c1@acme.com,Discovery call\n"
        f"102,{day}T11:00:00Z,Meeting,cat@firm.test,c2@globex.com,Demo\n"
    )
    return path


def _jsonl(path: Path) -> Path:
    rows = [{"id": "j1", "kind": "note", "occurredAt": RECENT.isoformat(), "from": "dan@firm.test",
             "to": ["c5@initech.com", "c8@initech.com"], "subject": None}]  # fmt: skip
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def _extra(folder: Path) -> Path:
    """Mail after the first load: new messages, copies of loaded ones and replies to them."""
    mails = [_mail(n) for n in range(125, 160)]
    mails.append(_mail(161, In_Reply_To="<m5@firm.test>"))
    return write_mbox(folder / "later.mbox", mails)


def _same(x: Any, y: Any, where: str = "") -> None:
    """Equal, floats to the rounding of summing in another order."""
    if isinstance(x, float) and isinstance(y, float):
        assert math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-300), where
    elif isinstance(x, dict) and isinstance(y, dict):
        assert x.keys() == y.keys(), f"{where}: {sorted(x)} != {sorted(y)}"
        for key in x:
            _same(x[key], y[key], f"{where}.{key}")
    elif isinstance(x, list | tuple) and isinstance(y, list | tuple):
        assert len(x) == len(y), f"{where}: {x!r} != {y!r}"
        for index, (a, b) in enumerate(zip(x, y, strict=True)):
            _same(a, b, f"{where}[{index}]")
    else:
        assert x == y, f"{where}: {x!r} != {y!r}"


def _assert_same_graph(expected: list[dict[str, Any]], got: list[dict[str, Any]]) -> None:
    def keyed(state: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {repr((row["key"], row["labels"], sorted(row["props"]))): row for row in state}

    want, have = keyed(expected), keyed(got)
    assert sorted(want) == sorted(have)
    for key, row in want.items():
        _same(row, have[key], key)


async def _incremental(repo: GraphRepository, settings: Settings, paths: list[Path]) -> None:
    ingestor = Ingestor.for_settings(repo, settings)
    for path in paths:
        await ingestor.run(iter_path(path))


async def _state(settings: Settings) -> list[dict[str, Any]]:
    driver = create_driver(settings)  # a new one: the database restarted under the old one
    try:
        return await graph_state(driver)
    finally:
        await driver.close()


async def _progress(_: int, __: int) -> None:
    return None


def _not_ours(settings: Settings, folder: Path) -> Settings:
    """The same Neo4j seen as one `tiegraph db` does not run here (no launcher files under
    `data_dir`): a first load writes it with CREATE transactions, as a remote one."""
    return settings.model_copy(update={"data_dir": folder / "elsewhere"})


@pytest.mark.parametrize("writer", ["importer", "create"])
async def test_initial_load_builds_the_incremental_graph_and_work_goes_on_from_it(
    tmp_path: Path, initial_neo4j: Settings, initial_driver: AsyncDriver, writer: str
) -> None:
    settings, paths = initial_neo4j, _corpus(tmp_path)
    if writer == "create":
        settings = _not_ours(settings, tmp_path)
    repo = GraphRepository(initial_driver, settings.neo4j_database)
    # What a graph holds before its first load: settings, a token, a profile of its own.
    await set_firm(repo, "firm.test")
    await issue_token(repo, "ann@firm.test", Role.ADMIN, ("firm.test",))
    await repo.save_scoring_profile(DEFAULT_PROFILE.model_copy(update={"bulk_recipients": 3}))
    before = await repo.snapshot()

    await _incremental(repo, settings, paths)
    incremental = await graph_state(initial_driver)
    await _incremental(repo, settings, [_extra(tmp_path)])
    await rescore_all(repo, tuple(settings.firm_domains), _progress)
    incremental_after = await graph_state(initial_driver)

    await initial_driver.execute_query("MATCH (n) DETACH DELETE n")
    await repo.restore(before)
    console = Console(file=io.StringIO(), width=120)
    loaded = await asyncio.to_thread(ingest_initial, settings, paths, SourceOptions(), console)
    assert ("batched CREATE" in console.file.getvalue()) == (writer == "create")  # type: ignore[attr-defined]
    report = loaded.report
    assert report.ingested > 150
    assert loaded.worker_peak_mb < 1000
    assert report.error_count == 1  # the date before 1990
    _assert_same_graph(incremental, await _state(settings))

    driver = create_driver(settings)
    try:
        repo = GraphRepository(driver, settings.neo4j_database)
        await _incremental(repo, settings, [tmp_path / "later.mbox"])
        await rescore_all(repo, tuple(settings.firm_domains), _progress)
        _assert_same_graph(incremental_after, await graph_state(driver))
        with pytest.raises(BadInput, match="already holds interactions"):
            await asyncio.to_thread(ingest_initial, settings, paths, SourceOptions(), console)
    finally:
        await driver.close()


async def test_a_failed_import_leaves_the_graph_as_it_was_and_says_why(
    tmp_path: Path, initial_neo4j: Settings, initial_driver: AsyncDriver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    await set_firm(GraphRepository(initial_driver, initial_neo4j.neo4j_database), "firm.test")
    before = await _state(initial_neo4j)
    mbox = write_mbox(tmp_path / "a.mbox", [_mail(n) for n in range(1, 20)])
    real = initial_load.import_argv

    def missing_file(*args: Any) -> list[str]:  # the real importer, given a file that is not there
        return [*real(*args), f"--nodes=Person={tmp_path / 'missing.csv'}"]

    monkeypatch.setattr(initial_load, "import_argv", missing_file)
    console = Console(file=io.StringIO(), width=120)
    with pytest.raises(Unavailable, match="import failed; nothing was loaded"):
        await asyncio.to_thread(ingest_initial, initial_neo4j, [mbox], SourceOptions(), console)
    state = await _state(initial_neo4j)
    assert [row["labels"] for row in state] == [["FirmSettings"]]
    assert state == before


async def test_a_failed_create_write_leaves_the_graph_as_it_was_and_says_why(
    tmp_path: Path, initial_neo4j: Settings, initial_driver: AsyncDriver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    settings = _not_ours(initial_neo4j, tmp_path).model_copy(update={"ingest_batch_size": 5})
    await set_firm(GraphRepository(initial_driver, settings.neo4j_database), "firm.test")
    before = await _state(settings)
    mbox = write_mbox(tmp_path / "a.mbox", [_mail(n) for n in range(1, 40)])
    real = ImportFiles.rows

    def bad_ties(files: ImportFiles, kind: str, on_bytes: Any = lambda _: None) -> Any:
        # Every node and link written, then a tie the server refuses (a map is no property).
        last = None
        for last in real(files, kind, on_bytes):
            yield last
        if kind == "ties" and last is not None:
            yield {**last, "type": "KNOWS", "props": {"email_count": {"not": "a value"}}}

    monkeypatch.setattr(ImportFiles, "rows", bad_ties)
    console = Console(file=io.StringIO(), width=120)
    with pytest.raises(Unavailable, match=r"CREATE failed; nothing was loaded:(.|\n)*primitive"):
        await asyncio.to_thread(ingest_initial, settings, [mbox], SourceOptions(), console)
    assert await _state(settings) == before
