import asyncio
import json
from pathlib import Path

import pytest
from neo4j import AsyncDriver
from neo4j.exceptions import ConstraintError

from graph.batch import PreparedBatch
from graph.repository import GraphRepository
from ingest.pipeline import Ingestor
from ingest.sources import iter_path
from tests.integration.conftest import EMPTY_BUT_THE_FIRM
from tests.integration.graphstate import graph_state
from tiegraph.settings import Settings

LINES = [
    {"id": "m1", "kind": "email", "occurredAt": "2026-10-01T09:00:00Z",
     "from": "Ann Lee <ann@firm.test>", "to": ["Joe Doe <joe@acme.com>"], "subject": "Hi"},
    {"id": "m2", "kind": "email", "occurredAt": "2026-10-01T11:00:00Z",
     "from": "joe@acme.com", "to": ["ann@firm.test"], "cc": ["sue@acme.com"]},
    {"id": "m3", "kind": "meeting", "occurredAt": "2026-10-08T15:00:00Z",
     "from": "ann@firm.test", "to": ["joe@acme.com", "bob@firm.test"]},
    {"id": "m4", "kind": "email", "occurredAt": "2026-10-09T08:00:00Z",
     "from": "bob@firm.test", "to": ["max@gmail.com"]},
]  # fmt: skip


def write_jsonl(path: Path, rows: list[dict[str, object]], extra: list[str] = ()) -> Path:  # type: ignore[assignment]
    path.write_text("\n".join([json.dumps(r) for r in rows] + list(extra)) + "\n")
    return path


async def test_reingesting_a_file_changes_nothing(
    tmp_path: Path,
    ingestor: Ingestor,
    driver: AsyncDriver,
    repo: GraphRepository,
    settings: Settings,
) -> None:
    source = write_jsonl(tmp_path / "mail.jsonl", LINES)
    first = await ingestor.run(iter_path(source))
    assert (first.read, first.ingested, first.duplicates) == (4, 4, 0)
    before = await graph_state(driver)

    second = await Ingestor.for_settings(repo, settings).run(iter_path(source))
    assert (second.read, second.ingested, second.duplicates) == (4, 0, 4)
    assert await graph_state(driver) == before


async def test_ingest_builds_people_accounts_and_ties(
    tmp_path: Path, ingestor: Ingestor, driver: AsyncDriver
) -> None:
    await ingestor.run(iter_path(write_jsonl(tmp_path / "mail.jsonl", LINES)))
    result = await driver.execute_query(
        "MATCH (m:TeamMember {email: 'ann@firm.test'})-[t:KNOWS]->(c:Contact {email: 'joe@acme.com'})"
        "-[:WORKS_AT]->(a:Account) RETURN m.name AS name, t, a.domain AS domain"
    )
    (row,) = result.records
    tie = row["t"]
    assert row["name"] == "Ann Lee"
    assert row["domain"] == "acme.com"
    assert (tie["email_count"], tie["meeting_count"]) == (2, 1)
    assert (tie["a_initiated"], tie["b_initiated"]) == (2, 1)
    assert tie["last_two_way_at"].iso_format().startswith("2026-10-08T15:00:00")
    free_mail = await driver.execute_query(
        "MATCH (c:Contact {email: 'max@gmail.com'}) RETURN count { (c)-[:WORKS_AT]->() } AS n"
    )
    assert free_mail.records[0]["n"] == 0
    colleagues = await driver.execute_query(
        "MATCH (:TeamMember {email: 'ann@firm.test'})-[w:WORKS_WITH]->(:TeamMember "
        "{email: 'bob@firm.test'}) RETURN w.meeting_count AS n"
    )
    assert colleagues.records[0]["n"] == 1


async def test_a_bad_line_is_reported_with_its_number_and_the_rest_is_ingested(
    tmp_path: Path, ingestor: Ingestor, driver: AsyncDriver
) -> None:
    bad = '{"id": "m9", "kind": "email", "occurredAt": "yesterday", "from": "ann@firm.test"}'
    source = write_jsonl(tmp_path / "mail.jsonl", LINES[:2], extra=[bad, json.dumps(LINES[2])])
    report = await ingestor.run(iter_path(source))
    assert report.ingested == 3
    (error,) = report.errors
    assert str(error).startswith("mail.jsonl:3: occurredAt: Input should be a valid datetime")
    ids = await driver.execute_query("MATCH (i:Interaction) RETURN i.id AS id ORDER BY id")
    assert [r["id"] for r in ids.records] == ["m1", "m2", "m3"]


async def test_a_batch_the_database_rejects_leaves_nothing_half_written(
    tmp_path: Path, ingestor: Ingestor, driver: AsyncDriver
) -> None:
    # A Contact node made outside tiegraph (no :Person label) makes the batch's MERGE of that
    # person break the Contact.email constraint, half-way through the transaction.
    await driver.execute_query("CREATE (:Contact {email: 'joe@acme.com'})")
    source = write_jsonl(tmp_path / "mail.jsonl", LINES)
    with pytest.raises(ConstraintError):
        await ingestor.run(iter_path(source))
    counts = await driver.execute_query(
        "RETURN count { (:Interaction) } AS interactions, count { ()-[]->() } AS rels, "
        "count { (:TeamMember) } AS members"
    )
    assert counts.records[0].data() == {"interactions": 0, "rels": 0, "members": 0}


# Each message the batch right after another needs: a copy of the message just before it, a
# reply to a message grown by that copy, and a reply to a new message of the batch before.
ADJACENT = [
    {"id": "u1", "kind": "email", "occurredAt": "2026-10-01T09:00:00Z",
     "from": "ann@firm.test", "to": ["joe@acme.com"]},
    {"id": "u1", "kind": "email", "occurredAt": "2026-10-01T09:00:00Z",
     "from": "ann@firm.test", "to": ["joe@acme.com"], "cc": ["sue@acme.com"]},
    {"id": "u2", "kind": "email", "occurredAt": "2026-10-01T09:30:00Z",
     "from": "sue@acme.com", "to": ["ann@firm.test"], "inReplyTo": "u1"},
    {"id": "u3", "kind": "email", "occurredAt": "2026-10-02T10:00:00Z",
     "from": "ann@firm.test", "to": ["joe@acme.com"]},
    {"id": "u4", "kind": "email", "occurredAt": "2026-10-02T10:40:00Z",
     "from": "joe@acme.com", "to": ["ann@firm.test"], "inReplyTo": "u3"},
]  # fmt: skip

EVERY_TIE = """
MATCH (a)-[t]->(b) WHERE type(t) IN ['KNOWS', 'WORKS_WITH', 'ASSOCIATED_WITH']
WITH a, t, b ORDER BY a.email, b.email, type(t)
RETURN collect([a.email, type(t), b.email, properties(t)]) AS ties
"""


class SlowWrites(GraphRepository):
    """The real repository, each batch's write held back a little, so that the batch after it
    is surely checked while it is still uncommitted."""

    async def write_batch(self, batch: PreparedBatch) -> None:
        await asyncio.sleep(0.3)
        await super().write_batch(batch)


async def test_a_batch_checked_while_the_one_before_is_written_sees_what_it_stores(
    tmp_path: Path, repo: GraphRepository, driver: AsyncDriver, settings: Settings
) -> None:
    source = write_jsonl(tmp_path / "adjacent.jsonl", ADJACENT)
    slow = SlowWrites(driver, settings.neo4j_database)
    await Ingestor(slow, tuple(settings.firm_domains), batch_size=1).run(iter_path(source))
    small = (await driver.execute_query(EVERY_TIE)).records[0]["ties"]
    await driver.execute_query(EMPTY_BUT_THE_FIRM)
    await Ingestor(repo, tuple(settings.firm_domains), batch_size=100).run(iter_path(source))
    whole = (await driver.execute_query(EVERY_TIE)).records[0]["ties"]
    assert [t[:3] for t in small] == [t[:3] for t in whole]
    by_pair = {(a, b): props for a, _, b, props in small}
    # Sue answered the grown u1 within the hour, Joe answered u3 within the hour: both found
    # their parent in the batch before theirs.
    assert by_pair[("ann@firm.test", "sue@acme.com")]["reply_buckets"] == [1, 0, 0, 0, 0]
    assert by_pair[("ann@firm.test", "joe@acme.com")]["reply_buckets"] == [1, 0, 0, 0, 0]
    for (_, _, _, one), (_, _, _, other) in zip(small, whole, strict=True):
        sums = {k for k, v in one.items() if isinstance(v, float)}
        assert {k: one[k] for k in sums} == pytest.approx({k: other[k] for k in sums}, rel=1e-12)
        assert {k: v for k, v in one.items() if k not in sums} == {
            k: v for k, v in other.items() if k not in sums
        }


THREAD = [
    {"id": "t1", "kind": "email", "occurredAt": "2026-10-01T09:00:00Z",
     "from": "ann@firm.test", "to": ["joe@acme.com"]},
    {"id": "t2", "kind": "email", "occurredAt": "2026-10-01T09:20:00Z",
     "from": "joe@acme.com", "to": ["ann@firm.test"], "inReplyTo": "t1"},
    # The same message as t1 from another mailbox, which also shows a Cc.
    {"id": "t1", "kind": "email", "occurredAt": "2026-10-01T09:00:00Z",
     "from": "ann@firm.test", "to": ["joe@acme.com"], "cc": ["sue@acme.com"]},
    {"id": "t3", "kind": "email", "occurredAt": "2026-10-02T10:00:00Z",
     "from": "ann@firm.test", "to": ["sue@acme.com"]},
    {"id": "t4", "kind": "email", "occurredAt": "2026-10-02T13:00:00Z",
     "from": "sue@acme.com", "to": ["ann@firm.test"], "inReplyTo": "t3"},
    {"id": "t2", "kind": "email", "occurredAt": "2026-10-01T09:20:00Z",
     "from": "joe@acme.com", "to": ["ann@firm.test"], "inReplyTo": "t1"},
]  # fmt: skip

TIE_AND_COPIES = """
MATCH (:TeamMember {email: 'ann@firm.test'})-[t:KNOWS]->(c:Contact)
WITH c, t ORDER BY c.email
WITH collect([c.email, properties(t)]) AS ties
MATCH (i:Interaction) WITH ties, i ORDER BY i.id
RETURN ties, collect([i.id, i.participants]) AS interactions
"""


async def test_batches_written_while_the_next_is_read_see_each_other(
    tmp_path: Path, repo: GraphRepository, driver: AsyncDriver, settings: Settings
) -> None:
    # One record a batch: each batch is written while the next is read, and must still find
    # the earlier copy of its message and the message it answers, exactly as one batch does.
    source = write_jsonl(tmp_path / "thread.jsonl", THREAD)
    await Ingestor(repo, tuple(settings.firm_domains), batch_size=1).run(iter_path(source))
    small = (await driver.execute_query(TIE_AND_COPIES)).records[0].data()
    await driver.execute_query(EMPTY_BUT_THE_FIRM)
    report = await Ingestor(repo, tuple(settings.firm_domains), batch_size=100).run(
        iter_path(source)
    )
    whole = (await driver.execute_query(TIE_AND_COPIES)).records[0].data()
    assert report.ingested == 4
    assert small["interactions"] == whole["interactions"]
    assert whole["interactions"][0][1] == [
        "ann@firm.test", "joe@acme.com", "sue@acme.com"
    ]  # fmt: skip
    assert [email for email, _ in small["ties"]] == ["joe@acme.com", "sue@acme.com"]
    # Joe answered within the hour, Sue within four hours: both replies found their parent.
    expected_buckets = [[1, 0, 0, 0, 0], [0, 1, 0, 0, 0]]
    for (_, one), (_, other), buckets in zip(
        small["ties"], whole["ties"], expected_buckets, strict=True
    ):
        assert one["reply_buckets"] == other["reply_buckets"] == buckets
        # Decayed sums are added per batch, so they agree up to float rounding; all else exactly.
        sums = {k for k, v in one.items() if isinstance(v, float)}
        assert {k: one[k] for k in sums} == pytest.approx({k: other[k] for k in sums}, rel=1e-12)
        assert {k: v for k, v in one.items() if k not in sums} == {
            k: v for k, v in other.items() if k not in sums
        }
