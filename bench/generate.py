"""A deterministic synthetic firm for the query benchmark, written through the real ingestion path.

    .venv/bin/python -m bench.generate --neo4j-uri bolt://127.0.0.1:7687 [--data-dir DIR]
        [--preset 1m|10m] [--interactions N] [--members N] [--accounts N] [--contacts N]
        [--seed 11]

With `--data-dir` (the files of a local Neo4j `tiegraph db` runs, empty of interactions) the
firm goes in through the first-load path (`tiegraph ingest --initial`'s fold and import);
without, through `Ingestor.run`: roster, account and contact reference rows first, then the
interactions. Either way the same graph. Same arguments, same firm. The shape:

- team members in teams of 10; 5% of them left (roster `left_on` in the last year);
- 1% of the accounts are large and hold 20% of the contacts (about 200 each at the default
  size), the rest a handful each; tiers strategic/growth/smb by size, annual values 10k-2M;
- each account is worked by 1 member (20% of accounts: single-threaded by construction) or by
  2 to 6 members of one team;
- interactions over two years: 70% email, 20% meeting, 10% call; 60% started by us; 30% copy a
  second contact of the same account (contact-contact ties), 10% a teammate; 5% are internal
  mail between teammates (colleague ties);
- 1% of contacts change jobs: same name and local part at another account, heard from after
  the move date only.
"""

import argparse
import asyncio
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from graph.driver import apply_schema, create_driver
from graph.firm import init_firm
from graph.repository import GraphRepository
from ingest.pipeline import Ingestor, PipelineItem
from tiegraph.domain import InteractionKind, InteractionRecord, Participant, ParticipantRole
from tiegraph.reference import AccountRow, ContactRow, ReferenceRow, RosterRow
from tiegraph.settings import Settings

FIRM = "firm.test"
TEAM_SIZE = 10
LEFT_SHARE = 0.05
SINGLE_THREADED_SHARE = 0.2
MOVER_SHARE = 0.01
# 1% of the accounts are large: they hold this share of the contacts (about 200 each at the
# default size; the others about 8).
LARGE_SHARE = 0.2
SPAN_DAYS = 730
TITLES = [
    "CEO",
    "CFO",
    "VP Engineering",
    "Director of IT",
    "Head of Data",
    "IT Manager",
    "Engineer",
    "Analyst",
    "Buyer",
    "Operations Lead",
]
KINDS = [InteractionKind.EMAIL] * 7 + [InteractionKind.MEETING] * 2 + [InteractionKind.CALL]


@dataclass(frozen=True)
class Shape:
    """The size of the firm to generate."""

    members: int = 500
    accounts: int = 10_000
    contacts: int = 100_000
    interactions: int = 1_000_000
    seed: int = 11
    # The last day of history: today (midnight UTC), so the queries read a live-looking firm;
    # the same arguments on the same day give the same firm.
    end: datetime = field(
        default_factory=lambda: datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    )


class Firm:
    """Who works where and who works which account, drawn once from the seed."""

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        rng = random.Random(shape.seed)
        large = max(shape.accounts // 100, 1)
        self.account_of = [
            rng.randrange(large)
            if rng.random() < LARGE_SHARE
            else rng.randrange(large, shape.accounts)
            for _ in range(shape.contacts)
        ]
        self.contacts_at: dict[int, list[int]] = {}
        for contact, account in enumerate(self.account_of):
            self.contacts_at.setdefault(account, []).append(contact)
        teams = max(shape.members // TEAM_SIZE, 1)
        self.workers: dict[int, list[int]] = {}
        for account in range(shape.accounts):
            team = rng.randrange(teams)
            pool = [
                m for m in range(team * TEAM_SIZE, (team + 1) * TEAM_SIZE) if m < shape.members
            ] or [0]
            size = 1 if rng.random() < SINGLE_THREADED_SHARE else rng.randint(2, 6)
            self.workers[account] = rng.sample(pool, min(size, len(pool)))
        self.left = {m for m in range(shape.members) if rng.random() < LEFT_SHARE}
        self.movers = {
            c: (rng.randrange(shape.accounts), rng.randrange(60, SPAN_DAYS - 60))
            for c in range(shape.contacts)
            if rng.random() < MOVER_SHARE
        }

    def contact_email(self, contact: int, days_ago: float) -> str:
        """The contact's address at that moment (a mover writes from the new account after)."""
        move = self.movers.get(contact)
        if move is not None and days_ago < move[1]:
            return f"c{contact}@acct{move[0]}.com"
        return f"c{contact}@acct{self.account_of[contact]}.com"

    def reference_rows(self) -> Iterator[PipelineItem]:
        """Roster, accounts and contacts (movers twice: old and new account)."""
        shape, rng = self.shape, random.Random(self.shape.seed + 1)
        for m in range(shape.members):
            gone = self._left_days_ago(m)
            left = None if gone is None else left_on_day(shape, gone)
            yield RosterRow(
                email=f"m{m}@{FIRM}",
                name=f"Member {m}",
                title="Account Executive",
                team=f"team-{m // TEAM_SIZE}",
                left_on=left,
            )
        for a in range(shape.accounts):
            size = len(self.contacts_at.get(a, ()))
            tier = "strategic" if size >= 50 else "growth" if size >= 10 else "smb"
            yield AccountRow(
                domain=f"acct{a}.com",
                name=f"Account {a}",
                tier=tier,
                annual_value=float(rng.randrange(10, 2000) * 1000),
                owner_email=f"m{self.workers[a][0]}@{FIRM}",
            )
        for c in range(shape.contacts):
            title = TITLES[rng.randrange(len(TITLES))]
            yield ContactRow(
                email=f"c{c}@acct{self.account_of[c]}.com",
                name=f"Contact {c}",
                title=title,
                account_domain=f"acct{self.account_of[c]}.com",
            )
            if c in self.movers:
                new = self.movers[c][0]
                yield ContactRow(
                    email=f"c{c}@acct{new}.com",
                    name=f"Contact {c}",
                    title=title,
                    account_domain=f"acct{new}.com",
                )

    def interactions(self) -> Iterator[InteractionRecord]:
        """`shape.interactions` records, oldest to newest is not promised (any order works)."""
        shape, rng = self.shape, random.Random(self.shape.seed + 2)
        for n in range(shape.interactions):
            days_ago = rng.random() * SPAN_DAYS
            at = shape.end - timedelta(days=days_ago)
            if rng.random() < 0.05:
                yield self._internal(n, rng, at)
                continue
            contact = rng.randrange(shape.contacts)
            account = self.account_of[contact]
            member = self._member(rng, account, days_ago)
            ours = f"m{member}@{FIRM}"
            theirs = self.contact_email(contact, days_ago)
            first, second = (ours, theirs) if rng.random() < 0.6 else (theirs, ours)
            people = [
                Participant(email=first, role=ParticipantRole.FROM),
                Participant(email=second, role=ParticipantRole.TO),
            ]
            if rng.random() < 0.3:
                other = rng.choice(self.contacts_at[account])
                people.append(
                    Participant(email=self.contact_email(other, days_ago), role=ParticipantRole.CC)
                )
            if rng.random() < 0.1:
                mate = rng.choice(self.workers[account])
                people.append(Participant(email=f"m{mate}@{FIRM}", role=ParticipantRole.CC))
            yield InteractionRecord(
                external_id=f"g{n:08d}",
                kind=rng.choice(KINDS),
                occurred_at=at,
                participants=tuple({p.email: p for p in people}.values()),
                source="bench",
            )

    def _member(self, rng: random.Random, account: int, days_ago: float) -> int:
        member = rng.choice(self.workers[account])
        # A member who left stops interacting on their last day: their ties only fade.
        left = self._left_days_ago(member)
        if left is not None and days_ago < left:
            others = [w for w in self.workers[account] if w not in self.left]
            member = others[0] if others else member
        return member

    def _left_days_ago(self, member: int) -> int | None:
        if member not in self.left:
            return None
        return random.Random(self.shape.seed * 1000 + member).randrange(1, 365)

    def _internal(self, n: int, rng: random.Random, at: datetime) -> InteractionRecord:
        a = rng.randrange(self.shape.members)
        team = a // TEAM_SIZE
        b = team * TEAM_SIZE + rng.randrange(TEAM_SIZE)
        b = b if b < self.shape.members and b != a else (a + 1) % self.shape.members
        return InteractionRecord(
            external_id=f"g{n:08d}",
            kind=InteractionKind.EMAIL,
            occurred_at=at,
            source="bench",
            participants=(
                Participant(email=f"m{a}@{FIRM}", role=ParticipantRole.FROM),
                Participant(email=f"m{b}@{FIRM}", role=ParticipantRole.TO),
            ),
        )


def left_on_day(shape: Shape, days_ago: int) -> date:
    """The roster date of a member who left `days_ago` days before the end."""
    return shape.end.date() - timedelta(days=days_ago)


def generate_initial(settings: Settings, shape: Shape) -> float:
    """Load the firm into the local Neo4j of `settings` (its `data_dir` is the launcher's)
    through the first-load path (`tiegraph ingest --initial`); returns the seconds it took."""
    from rich.console import Console

    from app.initial_load import load_initial_records

    asyncio.run(_set_up(settings))
    firm = Firm(shape)
    started = time.perf_counter()
    references = (row for row in firm.reference_rows() if isinstance(row, ReferenceRow))
    result = load_initial_records(settings, references, firm.interactions(), Console())
    took = time.perf_counter() - started
    print(
        f"generated: {result.report.reference_rows:,} reference rows, "
        f"{result.report.ingested:,} interactions in {took:.1f} s "
        f"({result.report.ingested / took:,.0f}/s; workers' peak {result.worker_peak_mb:.0f} MB)"
    )
    return took


async def _set_up(settings: Settings) -> None:
    """The schema and the firm, as `tiegraph init`: ingestion refuses to run without them."""
    driver = create_driver(settings)
    try:
        await apply_schema(driver, settings.neo4j_database)
        await init_firm(GraphRepository(driver, settings.neo4j_database), [FIRM])
    finally:
        await driver.close()


async def generate(uri: str, shape: Shape, batch_size: int = 10_000) -> float:
    """Write the firm to the Neo4j at `uri` through the incremental path; returns the seconds
    it took."""
    settings = Settings(neo4j_uri=uri, firm_domains=[FIRM], ingest_batch_size=batch_size)
    await _set_up(settings)
    driver = create_driver(settings)
    try:
        repo = GraphRepository(driver, settings.neo4j_database)
        firm = Firm(shape)
        started = time.perf_counter()
        ingestor = Ingestor.for_settings(repo, settings)
        await ingestor.run(firm.reference_rows())
        report = await ingestor.run(firm.interactions())
        took = time.perf_counter() - started
        print(
            f"generated: {report.reference_rows:,} reference rows, {report.ingested:,} "
            f"interactions in {took:.1f} s ({report.ingested / took:,.0f}/s)"
        )
        return took
    finally:
        await driver.close()


# Firms by name (`--preset`): the default is the 1M firm.
PRESETS = {
    "1m": Shape(),
    "10m": Shape(members=5_000, accounts=100_000, contacts=1_000_000, interactions=10_000_000),
}


def parser() -> argparse.ArgumentParser:
    """The command line shared with bench.queries."""
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--preset", choices=sorted(PRESETS), help="a named size (flags override)")
    defaults = Shape()
    args.add_argument("--members", type=int)
    args.add_argument("--accounts", type=int)
    args.add_argument("--contacts", type=int)
    args.add_argument("--interactions", type=int)
    args.add_argument("--seed", type=int, default=defaults.seed)
    return args


def shape_of(args: argparse.Namespace) -> Shape:
    """The Shape the parsed arguments ask for."""
    base = PRESETS[args.preset or "1m"]
    return Shape(
        members=args.members or base.members,
        accounts=args.accounts or base.accounts,
        contacts=args.contacts or base.contacts,
        interactions=args.interactions or base.interactions,
        seed=args.seed,
    )


def main() -> None:
    args = parser()
    args.add_argument("--neo4j-uri", required=True)
    args.add_argument("--data-dir", type=Path,
                      help="the launcher's files of that Neo4j (`tiegraph db`'s "
                      "TIEGRAPH_DATA_DIR): load through the first-load path")  # fmt: skip
    parsed = args.parse_args()
    if parsed.data_dir is None:
        asyncio.run(generate(parsed.neo4j_uri, shape_of(parsed)))
        return
    settings = Settings(neo4j_uri=parsed.neo4j_uri, data_dir=parsed.data_dir, firm_domains=[FIRM])
    generate_initial(settings, shape_of(parsed))


if __name__ == "__main__":
    main()
