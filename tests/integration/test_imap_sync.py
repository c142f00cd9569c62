"""IMAP sync against a real Dovecot: headers only, checkpoints, resync, outages, bad secrets."""

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from neo4j import AsyncDriver

from graph.repository import GraphRepository
from graph.sources import (
    Checkpoint,
    SyncLease,
    add_source,
    checkpoints,
    claim_sync,
    get_source,
    release_sync,
)
from ingest import capture
from ingest.imap_sync import SyncReport
from ingest.pipeline import Ingestor
from ingest.sources import iter_path
from ingest.sync import SYNC_RUNNING, SYNC_TAKEN_OVER, sync_source
from tests.integration.fixtures import message, write_mbox
from tests.integration.mailservers import Dovecot, dovecot_server, introspection_server
from tiegraph.errors import NotFound
from tiegraph.settings import Settings
from tiegraph.sources import AuthMethod, SecretRef, Security, Source, SourceKind, SourceSpec

ANN, BOB = "ann@firm.test", "bob@firm.test"
PASSWORDS = {ANN: "ann-imap-Secret-7", BOB: "bob-imap-Secret-8"}


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    """A Dovecot of its own for each test (it starts in a fraction of a second)."""
    with dovecot_server(PASSWORDS) as server:
        yield server


@pytest.fixture(autouse=True)
def passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sources' secrets, where their references point."""
    monkeypatch.setenv("ANN_IMAP_PASSWORD", PASSWORDS[ANN])
    monkeypatch.setenv("BOB_IMAP_PASSWORD", PASSWORDS[BOB])
    monkeypatch.setenv("WRONG_IMAP_PASSWORD", "not-the-password")


def mails(prefix: str, count: int, start: int = 0) -> list[EmailMessage]:
    """`count` messages from a different contact each, to ann."""
    return [message(f"{prefix}{i}@acme.test", f"c{i}@acme.test", ANN, subject=f"Deal {i}")
            for i in range(start, start + count)]  # fmt: skip


async def imap_source(
    repo: GraphRepository, server: Dovecot, user: str = ANN, secret: str = "env:ANN_IMAP_PASSWORD",  # noqa: S107
    folders: tuple[str, ...] | None = None,
) -> Source:  # fmt: skip
    spec = SourceSpec(kind=SourceKind.IMAP, name=f"{user} mail", member=user, user=user,
                      secret=SecretRef.parse(secret), host="127.0.0.1", port=server.port,
                      security=Security.NONE, folders=folders)  # fmt: skip
    return await add_source(repo, spec, ("firm.test",))


async def count_interactions(driver: AsyncDriver) -> int:
    result = await driver.execute_query("MATCH (i:Interaction) RETURN count(i) AS n")
    return int(result.records[0]["n"])


async def test_first_sync_reads_headers_of_wanted_folders_then_only_new_uids(
    repo: GraphRepository, settings: Settings, driver: AsyncDriver, dovecot: Dovecot
) -> None:
    dovecot.append(ANN, "INBOX", mails("in", 120))
    dovecot.append(ANN, "Sent", mails("sent", 3))
    dovecot.append(ANN, "Trash", mails("trash", 2))
    dovecot.append(ANN, "Junk", mails("junk", 2))
    dovecot.append(ANN, "Drafts", mails("draft", 2))
    source = await imap_source(repo, dovecot)

    first = await sync_source(repo, settings, source.id)
    assert first.error is None
    assert first.fetched == {"INBOX": 120, "Sent": 3}
    assert (first.ingest.ingested, first.ingest.duplicates) == (123, 0)
    assert await count_interactions(driver) == 123
    with dovecot.client(ANN) as client:  # read with BODY.PEEK from a read-only folder
        client.select_folder("INBOX", readonly=True)
        flags = client.get_flags(client.search(["ALL"]))
        assert all(b"\\Seen" not in f for f in flags.values())

    dovecot.append(ANN, "INBOX", mails("in", 4, start=120))
    second = await sync_source(repo, settings, source.id)
    assert second.fetched == {"INBOX": 4, "Sent": 0}
    assert (second.ingest.ingested, second.ingest.duplicates) == (4, 0)
    idle = await sync_source(repo, settings, source.id)
    assert idle.fetched == {"INBOX": 0, "Sent": 0}
    stored = await get_source(repo, source.id)
    assert (stored.items_read, stored.items_written, stored.last_error) == (127, 127, None)
    assert stored.last_success_at is not None
    assert (await checkpoints(repo, source.id))["INBOX"]["last_uid"] == 124


async def test_a_message_from_a_file_and_from_imap_is_one_interaction(
    repo: GraphRepository, settings: Settings, driver: AsyncDriver, dovecot: Dovecot,
    tmp_path: Path,
) -> None:  # fmt: skip
    shared = mails("shared", 1)
    dovecot.append(ANN, "INBOX", shared + mails("other", 1))
    await Ingestor.for_settings(repo, settings).run(
        iter_path(write_mbox(tmp_path / "a.mbox", shared))
    )
    report = await sync_source(repo, settings, (await imap_source(repo, dovecot)).id)
    assert (report.ingest.ingested, report.ingest.duplicates) == (1, 1)
    assert await count_interactions(driver) == 2


async def test_a_changed_uidvalidity_resyncs_the_folder_without_doubling(
    repo: GraphRepository, settings: Settings, driver: AsyncDriver, dovecot: Dovecot
) -> None:
    dovecot.append(ANN, "Deals", mails("deal", 10))
    source = await imap_source(repo, dovecot, folders=("Deals",))
    await sync_source(repo, settings, source.id)
    before = (await checkpoints(repo, source.id))["Deals"]
    with dovecot.client(ANN) as client:
        client.delete_folder("Deals")  # recreated: the server numbers it afresh
    dovecot.append(ANN, "Deals", mails("deal", 12))

    report = await sync_source(repo, settings, source.id)
    after = (await checkpoints(repo, source.id))["Deals"]
    assert after["uidvalidity"] != before["uidvalidity"]
    assert report.resynced == ["Deals"]
    assert report.fetched == {"Deals": 12}
    assert (report.ingest.ingested, report.ingest.duplicates) == (2, 10)
    assert await count_interactions(driver) == 12


async def test_a_server_stopped_mid_sync_resumes_from_its_checkpoint(
    repo: GraphRepository, settings: Settings, driver: AsyncDriver, dovecot: Dovecot
) -> None:
    total = 400  # batches of 50 (the test settings); at most two in flight at once
    dovecot.append(ANN, "INBOX", mails("m", total))
    source = await imap_source(repo, dovecot, folders=("INBOX",))

    async def stop_after_first(folder: str, checkpoint: dict[str, object]) -> None:
        dovecot.stop()

    broken = await sync_source(repo, settings, source.id, on_batch=stop_after_first)
    assert "connection failed" in (broken.error or "")
    committed = int((await checkpoints(repo, source.id))["INBOX"]["last_uid"])
    # Batches already sent to Neo4j when the server stopped still commit, and count.
    assert committed % 50 == 0
    assert 50 <= committed < total
    assert await count_interactions(driver) == committed
    failed = await get_source(repo, source.id)
    assert (failed.failures, failed.last_error) == (1, broken.error)
    assert failed.next_attempt_at is not None

    dovecot.start()
    resumed = await sync_source(repo, settings, source.id)
    assert resumed.error is None
    assert resumed.fetched == {"INBOX": total - committed}
    assert (resumed.ingest.ingested, resumed.ingest.duplicates) == (total - committed, 0)
    assert await count_interactions(driver) == total
    recovered = await get_source(repo, source.id)
    assert (recovered.failures, recovered.next_attempt_at) == (0, None)


async def test_a_wrong_password_fails_its_source_and_not_the_others(
    repo: GraphRepository, settings: Settings, dovecot: Dovecot
) -> None:
    dovecot.append(ANN, "INBOX", mails("a", 2))
    dovecot.append(BOB, "INBOX", mails("b", 3))
    wrong = await imap_source(repo, dovecot, secret="env:WRONG_IMAP_PASSWORD")
    right = await imap_source(repo, dovecot, user=BOB, secret="env:BOB_IMAP_PASSWORD")
    missing = await imap_source(repo, dovecot, secret="env:NO_SUCH_VARIABLE")

    reports: list[SyncReport] = [await sync_source(repo, settings, s.id)
                                 for s in (wrong, right, missing)]  # fmt: skip
    assert (
        reports[0].error == "imap: sign-in refused ([AUTHENTICATIONFAILED] Authentication failed.)"
    )
    assert (reports[1].error, reports[1].ingest.ingested) == (None, 3)
    assert reports[2].error == "secret: env:NO_SUCH_VARIABLE gave nothing"
    stored = await get_source(repo, wrong.id)
    assert (stored.last_error, stored.error_count) == (reports[0].error, 1)
    assert (await get_source(repo, right.id)).last_error is None


async def test_xoauth2_takes_a_fresh_token_from_its_command_at_each_connection(
    repo: GraphRepository, settings: Settings, tmp_path: Path
) -> None:
    token_file, runs = tmp_path / "token", tmp_path / "runs"
    token_file.write_text("ya29.good-token\n")
    command = tmp_path / "print-token"  # what `gcloud auth print-access-token` would be
    command.write_text(f"#!/bin/sh\necho run >> {runs}\ncat {token_file}\n")
    command.chmod(0o755)
    tokens = {"ya29.good-token": ANN}
    with introspection_server(tokens) as oauth, dovecot_server(PASSWORDS, oauth.url) as server:
        server.append(ANN, "INBOX", mails("o", 3))
        spec = SourceSpec(kind=SourceKind.IMAP, name="ann oauth", member=ANN, user=ANN,
                          auth=AuthMethod.XOAUTH2, secret=SecretRef.parse(f"command:{command}"),
                          host="127.0.0.1", port=server.port, security=Security.NONE)  # fmt: skip
        source = await add_source(repo, spec, ("firm.test",))
        first = await sync_source(repo, settings, source.id)
        assert (first.error, first.ingest.ingested) == (None, 3)
        token_file.write_text("ya29.revoked\n")
        refused = await sync_source(repo, settings, source.id)
    assert refused.error == "imap: sign-in refused ([AUTHENTICATIONFAILED] Authentication failed.)"
    assert runs.read_text().count("run") == 2  # a token per connection, never kept


async def test_an_excluded_members_mailbox_is_read_but_nothing_of_it_is_stored(
    repo: GraphRepository, settings: Settings, driver: AsyncDriver, dovecot: Dovecot
) -> None:
    dovecot.append(ANN, "INBOX", mails("in", 3))
    dovecot.append(BOB, "INBOX", [message("b1@acme.test", "c1@acme.test", BOB)])
    ann, bob = await imap_source(repo, dovecot), await imap_source(repo, dovecot, BOB,
                                                                 "env:BOB_IMAP_PASSWORD")  # fmt: skip
    await capture.exclude(repo, (), "member", ANN)
    report = await sync_source(repo, settings, ann.id)
    assert report.error is None
    assert (report.ingest.ingested, dict(report.ingest.skipped)) == (0, {"excluded-source": 3})
    assert (await sync_source(repo, settings, bob.id)).ingest.ingested == 1
    assert await count_interactions(driver) == 1


async def test_one_sync_of_a_source_at_a_time_whichever_process_starts_it(
    repo: GraphRepository, settings: Settings, driver: AsyncDriver, dovecot: Dovecot
) -> None:
    dovecot.append(ANN, "INBOX", mails("in", 3))
    source = await imap_source(repo, dovecot)
    now, lease = datetime.now(UTC), timedelta(minutes=10)
    # Eight syncs starting at once (eight processes would do the same): one gets the lease.
    leases = [SyncLease(source.id, f"other-{i}", lease) for i in range(8)]
    claims = await asyncio.gather(*(claim_sync(repo, other, now) for other in leases))
    assert sum(claim is not None for claim in claims) == 1
    holder = leases[[claim is not None for claim in claims].index(True)]

    held = await sync_source(repo, settings, source.id)
    assert (held.skipped, held.read, held.error) == (SYNC_RUNNING, 0, None)
    assert await count_interactions(driver) == 0
    assert (await get_source(repo, source.id)).last_attempt_at is None  # no outcome recorded

    await release_sync(repo, SyncLease(source.id, "not-the-holder", lease))  # only the holder can
    assert (await sync_source(repo, settings, source.id)).skipped == SYNC_RUNNING
    await release_sync(repo, holder)
    done = await sync_source(repo, settings, source.id)
    assert (done.skipped, done.ingest.ingested) == (None, 3)
    # Its outcome gave its own lease back: the next sync runs.
    assert (await sync_source(repo, settings, source.id)).skipped is None


async def test_a_lease_left_by_a_killed_sync_runs_out(
    repo: GraphRepository, settings: Settings, dovecot: Dovecot
) -> None:
    dovecot.append(ANN, "INBOX", mails("in", 2))
    source = await imap_source(repo, dovecot)
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    killed = SyncLease(source.id, "killed", timedelta(hours=1))
    assert await claim_sync(repo, killed, long_ago) is not None
    report = await sync_source(repo, settings, source.id)
    assert (report.skipped, report.ingest.ingested) == (None, 2)
    with pytest.raises(NotFound):
        await claim_sync(
            repo, SyncLease("src_missing", "x", timedelta(minutes=1)), datetime.now(UTC)
        )


async def test_a_sync_longer_than_its_lease_keeps_the_source_by_its_checkpoints(
    repo: GraphRepository, settings: Settings, dovecot: Dovecot
) -> None:
    dovecot.append(ANN, "INBOX", mails("in", 8))
    source = await imap_source(repo, dovecot)
    short = settings.model_copy(update={"job_timeout_seconds": 1, "ingest_batch_size": 2})
    claims: list[tuple[datetime, bool]] = []  # when another sync tried, and whether it won

    async def slow_batch(folder: str, mark: Checkpoint) -> None:
        await asyncio.sleep(0.6)  # a checkpoint per batch or two: well over the 1 s lease
        other, now = SyncLease.new(source.id, timedelta(minutes=1)), datetime.now(UTC)
        claims.append((now, await claim_sync(repo, other, now) is not None))

    started = datetime.now(UTC)
    report = await sync_source(repo, short, source.id, on_batch=slow_batch)
    assert (report.skipped, report.ingest.ingested) == (None, 8)
    # Claims after the first lease had run out failed too: each checkpoint renewed it.
    assert [won for _, won in claims] == [False] * len(claims)
    assert any(at > started + timedelta(seconds=1.2) for at, _ in claims)


async def test_a_sync_whose_lease_was_taken_over_stops_at_its_next_checkpoint(
    repo: GraphRepository, settings: Settings, driver: AsyncDriver, dovecot: Dovecot
) -> None:
    dovecot.append(ANN, "INBOX", mails("in", 6))
    source = await imap_source(repo, dovecot)
    small = settings.model_copy(update={"ingest_batch_size": 2})
    other = SyncLease.new(source.id, timedelta(hours=1))

    async def taken_over(folder: str, mark: Checkpoint) -> None:
        if mark["last_uid"] == 2:  # a claim from far ahead: the running sync's lease ran out
            later = datetime.now(UTC) + timedelta(hours=2)
            assert await claim_sync(repo, other, later) is not None

    report = await sync_source(repo, small, source.id, on_batch=taken_over)
    assert report.skipped == SYNC_TAKEN_OVER
    # Later batches may have been written (the other sync finds them stored), not checkpointed.
    assert (await checkpoints(repo, source.id))["INBOX"]["last_uid"] == 2
    assert (await get_source(repo, source.id)).last_attempt_at is None  # no outcome recorded
    assert (await sync_source(repo, settings, source.id)).skipped == SYNC_RUNNING  # theirs
    await release_sync(repo, other)
    done = await sync_source(repo, settings, source.id)
    assert (done.skipped, await count_interactions(driver)) == (None, 6)
