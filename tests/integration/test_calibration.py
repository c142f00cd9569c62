"""Calibration through the real path: interaction records -> Ingestor -> Neo4j -> tie_view.

The same named scenarios as the unit calibration table (tests/unit/scoring/test_calibration.py),
written here as the `InteractionRecord`s a parser would produce: who sent or organised what,
who answered which message (`in_reply_to`), who declined, who else was in the room. Each one
is ingested into an empty graph and the tie ann@firm.test -> joe@acme.com is read back with
`tie_view` at AS_OF and checked for the label (and trend) a sales leader would expect.
"""

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from graph.insights import tie_view
from graph.repository import GraphRepository
from ingest.pipeline import Ingestor
from scoring.formula import TieTrend
from scoring.strength import TieLabel
from tests.unit.scoring.test_calibration import SCENARIOS as UNIT_SCENARIOS
from tiegraph.domain import (
    InteractionKind,
    InteractionRecord,
    MeetingResponse,
    Participant,
    ParticipantRole,
)

# Now, on the hour: the pipeline refuses interactions more than a day in the future, so the
# calibration moment cannot be a fixed date the way the unit table's is.
AS_OF = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
FIRM_DOMAINS = ("firm.test",)
ANN = "ann@firm.test"  # our team member
JOE = "joe@acme.com"  # the contact
JOES_COLLEAGUES = ("sue@acme.com", "tom@acme.com")
YEAR = 365.0
Records = list[InteractionRecord]

STRONG, GOOD, MODERATE, WEAK, MINIMAL = (
    TieLabel.STRONG,
    TieLabel.GOOD,
    TieLabel.MODERATE,
    TieLabel.WEAK,
    TieLabel.MINIMAL,
)
STEADY, RISING, FALLING = TieTrend.STEADY, TieTrend.RISING, TieTrend.FALLING

_ids = itertools.count(1)


def ago(days: float) -> datetime:
    """A moment `days` before AS_OF."""
    return AS_OF - timedelta(days=days)


def every(first_ago: float, last_ago: float, step: float) -> list[datetime]:
    """Moments every `step` days from `first_ago` to `last_ago` days ago (inclusive), like the
    unit table's `every`."""
    moments, days = [], first_ago
    while days >= last_ago - 1e-9:
        moments.append(ago(days))
        days -= step
    return moments


def crowd(count: int, domain: str = "guests.example") -> list[str]:
    """`count` other people from elsewhere (not Joe's company, not our firm)."""
    return [f"guest{n}@{domain}" for n in range(1, count + 1)]


def _record(
    kind: InteractionKind,
    at: datetime,
    people: Sequence[Participant],
    *,
    subject: str,
    source: str = "jsonl",
    in_reply_to: str | None = None,
) -> InteractionRecord:
    return InteractionRecord(
        external_id=f"{kind.value}-{next(_ids)}@calibration.test",
        kind=kind,
        occurred_at=at,
        subject=subject,
        participants=tuple(people),
        source=source,
        in_reply_to=in_reply_to,
    )


def email(
    at: datetime,
    sender: str,
    to: Sequence[str],
    *,
    subject: str = "Roll-out plan",
    in_reply_to: str | None = None,
) -> InteractionRecord:
    """A message from `sender` to `to`."""
    people = [Participant(email=sender, role=ParticipantRole.FROM)]
    people += [Participant(email=address, role=ParticipantRole.TO) for address in to]
    return _record(InteractionKind.EMAIL, at, people, subject=subject, in_reply_to=in_reply_to)


def email_from_us(at: datetime) -> InteractionRecord:
    """Ann writes to Joe."""
    return email(at, ANN, [JOE])


def email_from_them(at: datetime) -> InteractionRecord:
    """Joe writes to Ann (a two-way message: the contact engages)."""
    return email(at, JOE, [ANN])


def reply(original: InteractionRecord, after: timedelta) -> InteractionRecord:
    """The recipient's answer to `original`, `after` it, linked by In-Reply-To."""
    sender = original.initiator
    assert sender is not None
    recipient = next(p.email for p in original.participants if p.email != sender.email)
    return email(original.occurred_at + after, recipient, [sender.email],
                 subject=f"Re: {original.subject}", in_reply_to=original.external_id)  # fmt: skip


def meeting(
    at: datetime,
    *,
    size: int = 2,
    organizer: str = ANN,
    declined: bool = False,
    others: Sequence[str] | None = None,
) -> InteractionRecord:
    """A calendar event: `organizer` invites the other of Ann and Joe (and more, up to `size`).

    Joe declines when `declined`; everyone else accepts. `others` default to outsiders, or to
    Joe's own colleagues when Joe organises it.
    """
    guest = JOE if organizer == ANN else ANN
    if others is None:
        others = JOES_COLLEAGUES if organizer == JOE else crowd(size - 2)
    extra = list(others)[: size - 2]
    assert len(extra) == size - 2, "not enough other attendees for the size"

    def attendee(address: str) -> Participant:
        no = declined and address == JOE
        response = MeetingResponse.DECLINED if no else MeetingResponse.ACCEPTED
        return Participant(email=address, role=ParticipantRole.ATTENDEE, response=response)

    people = [Participant(email=organizer, role=ParticipantRole.ORGANIZER)]
    people += [attendee(address) for address in [guest, *extra]]
    return _record(InteractionKind.MEETING, at, people, subject="Weekly sync", source="ics")


def call(at: datetime) -> InteractionRecord:
    """A call Ann logged in the CRM (owner as FROM, contact as TO, as the CRM parser does)."""
    people = [
        Participant(email=ANN, role=ParticipantRole.FROM),
        Participant(email=JOE, role=ParticipantRole.TO),
    ]
    return _record(InteractionKind.CALL, at, people, subject="Check-in call", source="crm")


def note(at: datetime) -> InteractionRecord:
    """A CRM note Ann wrote about Joe: no contact with him."""
    people = [
        Participant(email=ANN, role=ParticipantRole.FROM),
        Participant(email=JOE, role=ParticipantRole.TO),
    ]
    return _record(InteractionKind.NOTE, at, people, subject="Account notes", source="crm")


def newsletter(at: datetime) -> InteractionRecord:
    """Ann's newsletter to 150 people, Joe among them.

    A real one (List-Id, Precedence: bulk) is skipped by the email parser and never reaches
    the graph; this is the worst case that does: a plain bulk email, weighted 15/150.
    """
    return email(at, ANN, [JOE, *crowd(149, "readers.example")], subject="Product news")


# Scenario histories that take more than one line.


def weekly_one_to_one_two_years() -> Records:
    return [meeting(at) for at in every(730, 5, 7)]


def fast_replies_and_colleagues() -> Records:
    ours = [email_from_us(at) for at in every(90, 3, 7)]
    replies = [reply(message, timedelta(minutes=20)) for message in ours]
    # Joe organises a meeting every fortnight and brings two of his own colleagues.
    meetings = [meeting(at, size=4, organizer=JOE) for at in every(88, 4, 14)]
    return ours + replies + meetings


def they_write_weekly_we_answer() -> Records:
    theirs = [email_from_them(at) for at in every(180, 2, 7)]
    return theirs + [reply(message, timedelta(hours=3)) for message in theirs]


def replies_after(delay: timedelta) -> Records:
    """Ann writes weekly for three months; Joe answers every message after `delay`."""
    ours = [email_from_us(at) for at in every(97, 7, 7)]
    return ours + [reply(message, delay) for message in ours]


def two_way_email_threads(first_ago: float, last_ago: float, step: float) -> Records:
    theirs = [email_from_them(at) for at in every(first_ago, last_ago, step)]
    return theirs + [reply(message, timedelta(hours=2)) for message in theirs]


def declines_around_monthly_meetings() -> Records:
    attended = [meeting(at) for at in every(YEAR, 10, 30)]
    declined = every(YEAR - 5, 10, 15) + every(YEAR - 2, 10, 15)
    return attended + [meeting(at, declined=True) for at in declined]


def only_invoices() -> Records:
    """A year of monthly invoices from Joe and Ann's answers to them: paperwork only."""
    invoices = [
        email(at, JOE, [ANN], subject=f"Invoice 2026-{n:04d}")
        for n, at in enumerate(every(360, 0.5, 30), start=42)
    ]
    return invoices + [reply(invoice, timedelta(days=2)) for invoice in invoices]


@dataclass(frozen=True)
class Scenario:
    """A named history with the labels (and trend) the real path must give it at AS_OF."""

    name: str
    build: Callable[[], Records]
    labels: frozenset[TieLabel]
    trend: TieTrend | None = None


def scenario(
    name: str, build: Callable[[], Records], *labels: TieLabel, trend: TieTrend | None = None
) -> Scenario:
    return Scenario(name, build, frozenset(labels), trend)


SCENARIOS: list[Scenario] = [
    scenario(
        "weekly 1:1 meetings for two years, last five days ago",
        weekly_one_to_one_two_years,
        STRONG,
        trend=STEADY,
    ),
    scenario(
        "one cold email eight months ago, never answered",
        lambda: [email_from_us(ago(240))],
        MINIMAL,
        trend=STEADY,
    ),
    scenario(
        "weekly meetings for a year, then six months of silence",
        lambda: [meeting(at) for at in every(180 + YEAR, 180, 7)],
        WEAK,
        MODERATE,
        trend=FALLING,
    ),
    scenario(
        "replies within the hour and brings colleagues to meetings, three months",
        fast_replies_and_colleagues,
        GOOD,
        STRONG,
    ),
    scenario(
        "a call every month for a year, last two weeks ago",
        lambda: [call(at) for at in every(14 + 330, 14, 30)],
        MODERATE,
        GOOD,
        trend=STEADY,
    ),
    scenario(
        "we email weekly for six months, they never reply",
        lambda: [email_from_us(at) for at in every(180, 2, 7)],
        MINIMAL,
        WEAK,
    ),
    scenario(
        "they email weekly for six months and we answer",
        they_write_weekly_we_answer,
        MODERATE,
        GOOD,
        STRONG,
        trend=STEADY,
    ),
    scenario(
        "one meeting a year ago, then weekly meetings for the last six weeks",
        lambda: [meeting(at) for at in every(YEAR, YEAR, 1) + every(42, 0, 7)],
        GOOD,
        STRONG,
        trend=RISING,
    ),
    scenario(
        "weekly meetings for a year, last two months quiet",
        lambda: [meeting(at) for at in every(60 + YEAR, 60, 7)],
        MODERATE,
        GOOD,
        trend=FALLING,
    ),
    scenario(
        "a two-year weekly tie, silent for three years",
        lambda: [meeting(at) for at in every(5 * YEAR, 3 * YEAR, 7)],
        MINIMAL,
        trend=STEADY,
    ),
    scenario(
        "a single 1:1 meeting yesterday",
        lambda: [meeting(ago(1))],
        WEAK,
    ),
    scenario(
        "one email from them this morning, the first ever",
        lambda: [email_from_them(ago(0.1))],
        MINIMAL,
    ),
    scenario(
        "quarterly meetings for three years, last a month ago",
        lambda: [meeting(at) for at in every(30 + 3 * 360, 30, 90)],
        WEAK,
        MODERATE,
    ),
    scenario(
        "weekly 1:1 meetings for the last three months, a new tie",
        lambda: [meeting(at) for at in every(90, 2, 7)],
        GOOD,
        STRONG,
        trend=STEADY,
    ),
    scenario(
        "fortnightly calls for six months, last a week ago",
        lambda: [call(at) for at in every(182, 7, 14)],
        MODERATE,
        GOOD,
    ),
    scenario(
        "a CRM note every week for a year, no contact logged",
        lambda: [note(at) for at in every(YEAR, 1, 7)],
        MINIMAL,
    ),
    scenario(
        "monthly meetings for five years, last four months ago",
        lambda: [meeting(at) for at in every(120 + 5 * 360, 120, 30)],
        WEAK,
        MODERATE,
        trend=FALLING,
    ),
    scenario(
        "a daily newsletter to 150 people for a year",
        lambda: [newsletter(at) for at in every(YEAR, 0, 1)],
        MINIMAL,
    ),
    scenario(
        "daily two-way email threads for two months",
        lambda: two_way_email_threads(60, 0.5, 1),
        STRONG,
    ),
    scenario(
        "weekly for two years, silent a year, met again last week",
        lambda: [meeting(at) for at in every(3 * YEAR, YEAR, 7) + every(7, 7, 1)],
        MODERATE,
        GOOD,
    ),
    scenario(
        "five meeting invitations, all declined",
        lambda: [meeting(at, declined=True) for at in every(150, 10, 30)],
        MINIMAL,
    ),
    scenario(
        "a 40-person webinar every week for two years",
        lambda: [meeting(at, size=40) for at in every(730, 5, 7)],
        MINIMAL,
        WEAK,
    ),
    scenario(
        "monthly meetings for a year, each with two more declined or missed",
        declines_around_monthly_meetings,
        WEAK,
        MODERATE,
    ),
    scenario(
        "weekly meetings for five years, last yesterday",
        lambda: [meeting(at) for at in every(5 * YEAR, 1, 7)],
        STRONG,
        trend=STEADY,
    ),
    scenario(
        "weekly meetings for three years, silent for eighteen months",
        lambda: [meeting(at) for at in every(3 * YEAR + 540, 540, 7)],
        MINIMAL,
        WEAK,
        trend=FALLING,
    ),
    scenario(
        "monthly two-way email threads for two years, last three weeks ago",
        lambda: two_way_email_threads(21 + 720, 21, 30),
        WEAK,
        MODERATE,
    ),
    scenario(
        "they answer our weekly emails after four days, three months",
        lambda: replies_after(timedelta(days=4)),
        MODERATE,
        GOOD,
    ),
    scenario(
        "a weekly 8-person project meeting for a year, last three days ago",
        lambda: [meeting(at, size=8) for at in every(YEAR, 3, 7)],
        GOOD,
        STRONG,
    ),
    scenario(
        "a burst of daily meetings two years ago, nothing since",
        lambda: [meeting(at) for at in every(2 * YEAR + 10, 2 * YEAR, 1)],
        MINIMAL,
        trend=STEADY,
    ),
    # Only through the real path: the subject marks these as admin touchpoints, which build no
    # tie at all, and tie_view scores the missing tie as an empty one.
    scenario(
        "only invoices exchanged for a year",
        only_invoices,
        MINIMAL,
        WEAK,
    ),
]


@pytest.mark.parametrize("case", SCENARIOS, ids=[s.name for s in SCENARIOS])
async def test_calibration(case: Scenario, ingestor: Ingestor, repo: GraphRepository) -> None:
    records = case.build()
    report = await ingestor.run(records)
    assert report.error_count == 0, report.errors
    assert report.ingested == len(records), report  # nothing skipped either
    view = await tie_view(repo, ANN, JOE, FIRM_DOMAINS, AS_OF)
    strength = view.strength
    assert strength.label in case.labels, f"{case.name}: {strength.score} {strength.label}"
    if case.trend is not None:
        assert strength.trend is case.trend, f"{case.name}: {strength.score} {strength.trend}"


def test_there_are_enough_named_scenarios() -> None:
    assert len(SCENARIOS) >= 25
    assert len({s.name for s in SCENARIOS}) == len(SCENARIOS)


def test_every_unit_scenario_has_the_same_expectations_here() -> None:
    """The two tables agree: same names, same allowed labels, same expected trend."""
    here = {s.name: (s.labels, s.trend) for s in SCENARIOS}
    for unit in UNIT_SCENARIOS:
        assert here.get(unit.name) == (unit.labels, unit.trend), unit.name


async def test_invoices_build_no_tie(ingestor: Ingestor, repo: GraphRepository) -> None:
    """Admin touchpoints are stored, but the tie they would make does not exist."""
    await ingestor.run(only_invoices())
    found = await repo.tie(ANN, JOE)
    assert found is not None
    assert found.state is None
    view = await tie_view(repo, ANN, JOE, FIRM_DOMAINS, AS_OF)
    assert (view.strength.score, view.strength.label) == (0.0, MINIMAL)
    assert view.strength.evidence.interaction_count == 0
