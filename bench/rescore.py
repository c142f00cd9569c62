"""Rescore benchmark: rebuild every tie from N stored interactions under a changed profile.

    .venv/bin/python -m bench.rescore --interactions 1000000 [--neo4j-uri bolt://... [--reuse]]

Without --neo4j-uri a throwaway local Neo4j is started (heap 4g, page cache 2g) and stopped.
Interactions are synthetic and deterministic (500 team members, 100,000 contacts at 10,000
accounts, two years), written through the real Ingestor first; that load is timed too.
"""

import argparse
import asyncio
import random
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.local.neo4j_server import ensure_installed, local_neo4j
from app.local.system import throwaway_password
from graph.driver import apply_schema, create_driver
from graph.firm import init_firm
from graph.repository import GraphRepository
from ingest.pipeline import Ingestor
from ingest.rescore import rescore_all
from tiegraph.domain import InteractionKind, InteractionRecord, Participant, ParticipantRole
from tiegraph.settings import Settings

FIRM = "firm.test"
KINDS = [InteractionKind.EMAIL] * 7 + [InteractionKind.MEETING] * 2 + [InteractionKind.CALL]


def synthetic(count: int, seed: int = 7) -> Iterator[InteractionRecord]:
    """Deterministic interactions: each member works a few hundred contacts, skewed."""
    rng = random.Random(seed)
    end = datetime(2026, 11, 1, tzinfo=UTC)
    for n in range(count):
        member = f"m{rng.randrange(500)}@{FIRM}"
        account = int(rng.paretovariate(1.2)) % 10_000
        contact = f"c{rng.randrange(10)}.{account}@acct{account}.com"
        kind = rng.choice(KINDS)
        ours = rng.random() < 0.6
        first, second = (member, contact) if ours else (contact, member)
        people = [Participant(email=first, role=ParticipantRole.FROM),
                  Participant(email=second, role=ParticipantRole.TO)]  # fmt: skip
        if rng.random() < 0.3:
            people.append(Participant(email=f"c{rng.randrange(10)}.{account}@acct{account}.com",
                                      role=ParticipantRole.CC))  # fmt: skip
        yield InteractionRecord(
            external_id=f"i{n:08d}", kind=kind,
            occurred_at=end - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60)),
            participants=tuple({p.email: p for p in people}.values()), source="bench",
        )  # fmt: skip


async def run(uri: str, count: int, reuse: bool) -> None:
    settings = Settings(neo4j_uri=uri, firm_domains=[FIRM], ingest_batch_size=10_000)
    driver = create_driver(settings)
    await apply_schema(driver, settings.neo4j_database)
    repo = GraphRepository(driver, settings.neo4j_database)
    await init_firm(repo, [FIRM])  # as `tiegraph init`: ingestion refuses to run without it
    if not reuse:
        started = time.perf_counter()
        report = await Ingestor.for_settings(repo, settings).run(synthetic(count))
        load = time.perf_counter() - started
        print(f"load: {report.ingested:,} interactions in {load:.1f} s "
              f"({report.ingested / load:,.0f}/s)")  # fmt: skip
    weights = {"email": 3, "meeting": 6, "call": 5, "note": 1}
    await repo.save_scoring_profile(
        (await repo.scoring_profile()).with_changes(channel_weights=weights)
    )

    async def progress(read: int, written: int) -> None:
        if written or read % 200_000 == 0:
            print(f"  {read:,} interactions read, {written:,} ties written "
                  f"after {time.perf_counter() - started:.1f} s")  # fmt: skip

    started = time.perf_counter()
    done = await rescore_all(repo, (FIRM,), progress)
    took = time.perf_counter() - started
    ties = await driver.execute_query(
        "MATCH ()-[t:KNOWS|WORKS_WITH|ASSOCIATED_WITH]->() RETURN count(t) AS n"
    )
    print(f"rescore: {done.interactions:,} interactions, {done.ties:,} ties written "
          f"({ties.records[0]['n']:,} in the graph) in {took:.1f} s "
          f"({done.interactions / took:,.0f} interactions/s)")  # fmt: skip
    await driver.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--neo4j-uri")
    parser.add_argument(
        "--reuse", action="store_true",
        help="rescore the interactions already stored at --neo4j-uri (an earlier run's); load none",
    )  # fmt: skip
    args = parser.parse_args()
    if args.neo4j_uri:
        asyncio.run(run(args.neo4j_uri, args.interactions, args.reuse))
        return
    with tempfile.TemporaryDirectory() as home:
        process = local_neo4j(Path(home), 7699, "4g", "2g", ensure_installed(),
                              password=throwaway_password())  # fmt: skip
        process.start()
        try:
            asyncio.run(run("bolt://127.0.0.1:7699", args.interactions, reuse=False))
        finally:
            process.stop()


if __name__ == "__main__":
    main()
