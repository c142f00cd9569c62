"""A small, deterministic demo firm: a few teams, named accounts and a few thousand interactions.

The same seed and reference date always give the same records, so loading twice changes nothing.
So that every screen of the explorer shows something real the first time, the firm has: named
accounts with tiers and annual values, contacts with titles (seniority), three accounts worked
by one rep each (single-threaded), one nobody has heard from for 75 days (going cold), a rep who
left 30 days ago, and a champion at Acme who moved
to Globex (same name and mailbox name, heard from at Globex since).
"""

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from tiegraph.domain import InteractionKind, InteractionRecord, Participant, ParticipantRole
from tiegraph.reference import AccountRow, ContactRow, ReferenceRow, RosterRow

DEMO_FIRM_DOMAIN = "northwind.example"
# fmt: off
_FIRST = ["Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun",
          "Kai", "Lea", "Max", "Nia", "Oto", "Pia", "Raj", "Sol", "Tea", "Uma"]
_LAST = ["Adams", "Brook", "Costa", "Diaz", "Evans", "Fox", "Grant", "Hale",
         "Ito", "Jones", "Khan", "Lind", "Moss", "Nagy", "Ortiz"]
# (slug, name, tier, annual value): the coverage standard of the default profile is "strategic".
_ACCOUNTS = [
    ("acme", "Acme Corporation", "strategic", 1_200_000),
    ("globex", "Globex", "strategic", 900_000),
    ("initech", "Initech", "growth", 400_000),
    ("umbrella", "Umbrella Health", "strategic", 750_000),
    ("hooli", "Hooli", "growth", 300_000),
    ("stark", "Stark Industries", "strategic", 1_500_000),
    ("wayne", "Wayne Enterprises", "growth", 250_000),
    ("wonka", "Wonka Confections", "standard", 120_000),
]
_TITLES = ["Chief Operating Officer", "VP Sales", "Director of IT", "Procurement Manager",
           "Analyst"]
_MEMBER_TITLES = ["Account Executive", "Sales Manager", "Account Executive",
                  "Customer Success Lead"]
# fmt: on
_TEAMS = ["enterprise", "mid-market", "success"]
_SUBJECTS = ["Intro", "Follow-up", "Proposal", "Pricing question", "Renewal", "Roadmap",
             "Quarterly review", "Onboarding", "Contract draft", "Next steps"]  # fmt: skip
# Accounts (by index) worked by one rep only: they hang on a single thread.
_SINGLE_THREADED = {5, 6, 7}
# Accounts (by index) nobody has heard from for this many days: they are going cold.
_SILENT_DAYS = {2: 75}
# The team member (by index) who left, and how many days ago.
_DEPARTED, _DEPARTED_DAYS_AGO = 3, 30
# The champion who moves from Acme to Globex: a name no generated person has.
_CHAMPION = "Quinn Vale"


def _people(rng: random.Random, domain: str, count: int) -> list[Participant]:
    names = rng.sample([f"{f} {last}" for f in _FIRST for last in _LAST], count)
    return [
        Participant(
            email=f"{n.split()[0].lower()}.{n.split()[1].lower()}@{domain}",
            role=ParticipantRole.TO,
            name=n,
        )
        for n in names
    ]


def _email(
    ident: str, sender: Participant, receivers: list[Participant], at: datetime,
    subject: str, reply_to: str | None = None,
) -> InteractionRecord:  # fmt: skip
    people = [sender.model_copy(update={"role": ParticipantRole.FROM})]
    people += [r.model_copy(update={"role": ParticipantRole.TO}) for r in receivers]
    return InteractionRecord(
        external_id=f"{ident}@{DEMO_FIRM_DOMAIN}", kind=InteractionKind.EMAIL, occurred_at=at,
        subject=subject, participants=tuple(people), source="demo", in_reply_to=reply_to,
    )  # fmt: skip


def _record(
    rng: random.Random, number: int, members: list[Participant], contacts: list[Participant],
    now: datetime, departed: str, silent_days: int = 0,
) -> InteractionRecord:  # fmt: skip
    member, contact = rng.choice(members), rng.choice(contacts)
    kind = rng.choices(list(InteractionKind), weights=[70, 15, 10, 5])[0]
    # Recent activity is denser than old: most relationships are live, some went cold.
    age = timedelta(days=rng.triangular(0, 540, 30) + silent_days, hours=rng.randint(8, 17))
    if member.email == departed and age.days < _DEPARTED_DAYS_AGO:
        age += timedelta(days=_DEPARTED_DAYS_AGO)  # nothing after they left
    contact_writes = kind is InteractionKind.EMAIL and rng.random() < 0.4
    sender, receiver = (contact, member) if contact_writes else (member, contact)
    first_role = (
        ParticipantRole.FROM if kind is InteractionKind.EMAIL else ParticipantRole.ORGANIZER
    )
    other_role = ParticipantRole.TO if kind is InteractionKind.EMAIL else ParticipantRole.ATTENDEE
    people = [sender.model_copy(update={"role": first_role}),
              receiver.model_copy(update={"role": other_role})]  # fmt: skip
    if rng.random() < 0.2:
        extra = rng.choice(contacts)
        if extra.email not in {p.email for p in people}:
            people.append(extra.model_copy(update={"role": other_role}))
    return InteractionRecord(
        external_id=f"demo-{number:05d}@{DEMO_FIRM_DOMAIN}",
        kind=kind,
        occurred_at=now - age,
        subject=rng.choice(_SUBJECTS),
        participants=tuple(people),
        source="demo",
    )


def _reference(
    members: list[Participant], contacts: dict[str, list[Participant]], now: datetime
) -> Iterator[ReferenceRow]:
    left_on = (now - timedelta(days=_DEPARTED_DAYS_AGO)).date()
    for index, member in enumerate(members):
        yield RosterRow(
            email=member.email, name=member.name, team=_TEAMS[index // 4],
            title=_MEMBER_TITLES[index % 4],
            left_on=left_on if index == _DEPARTED else None,
        )  # fmt: skip
    for slug, name, tier, value in _ACCOUNTS:
        domain = f"{slug}.example"
        yield AccountRow(domain=domain, name=name, tier=tier, annual_value=value)
        for index, contact in enumerate(contacts[slug]):
            title = _TITLES[min(index, len(_TITLES) - 1)]
            yield ContactRow(email=contact.email, name=contact.name, title=title,
                             account_domain=domain)  # fmt: skip


def _champion_move(member: Participant, colleague: Participant, now: datetime,
                   ) -> Iterator[InteractionRecord | ReferenceRow]:  # fmt: skip
    """A year of a champion at Acme (writes first, answers within the hour, brings colleagues
    in), then the same person at Globex for the last five weeks."""
    local = _CHAMPION.lower().replace(" ", ".")
    before = Participant(email=f"{local}@acme.example", role=ParticipantRole.TO, name=_CHAMPION)
    after = before.model_copy(update={"email": f"{local}@globex.example"})
    yield ContactRow(email=before.email, name=_CHAMPION, title="VP Operations",
                     account_domain="acme.example")  # fmt: skip
    yield ContactRow(email=after.email, name=_CHAMPION, title="VP Operations",
                     account_domain="globex.example")  # fmt: skip
    for week in range(52):
        at = now - timedelta(days=400 - week * 7, hours=-10)
        asked = f"demo-champion-{week:02d}-a"
        yield _email(asked, member, [before], at, "Roadmap")
        yield _email(f"demo-champion-{week:02d}-b", before, [member], at + timedelta(minutes=40),
                     "Re: Roadmap", reply_to=f"{asked}@{DEMO_FIRM_DOMAIN}")  # fmt: skip
        if week % 4 == 0:
            yield _email(f"demo-champion-{week:02d}-c", before, [member, colleague],
                         at + timedelta(days=2), "Meet my colleague")  # fmt: skip
    for week in range(5):
        at = now - timedelta(days=35 - week * 7, hours=-11)
        yield _email(f"demo-champion-globex-{week}", after, [member], at, "New role at Globex")


def demo_records(
    now: datetime | None = None, interactions: int = 3000
) -> Iterator[InteractionRecord | ReferenceRow]:
    """The demo firm: its roster, accounts and contacts first, then its interactions, ending at
    `now` (today at midnight UTC by default)."""
    now = now or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    rng = random.Random(20261125)  # noqa: S311 - a demo, not a secret
    members = _people(rng, DEMO_FIRM_DOMAIN, 12)
    contacts = {slug: _people(rng, f"{slug}.example", 5 + i)
                for i, (slug, *_) in enumerate(_ACCOUNTS)}  # fmt: skip
    yield from _reference(members, contacts, now)
    for index, (slug, *_) in enumerate(_ACCOUNTS):
        # Each account is worked mostly by one team, so some accounts hang on few threads.
        group = (index % len(_TEAMS)) * 4
        team = members[group : group + 4]
        if index in _SINGLE_THREADED:
            team = [members[group + 1]]
        for number in range(interactions // len(_ACCOUNTS)):
            yield _record(rng, index * 10_000 + number, team, contacts[slug], now,
                          members[_DEPARTED].email, _SILENT_DAYS.get(index, 0))  # fmt: skip
    yield from _champion_move(members[0], contacts["acme"][0], now)
