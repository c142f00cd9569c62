"""A small, deterministic demo firm: a few teams, accounts and a few thousand interactions.

The same seed and reference date always give the same records, so loading twice changes nothing.
"""

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from tiegraph.domain import InteractionKind, InteractionRecord, Participant, ParticipantRole

DEMO_FIRM_DOMAIN = "northwind.example"
# fmt: off
_FIRST = ["Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun",
          "Kai", "Lea", "Max", "Nia", "Oto", "Pia", "Raj", "Sol", "Tea", "Uma"]
_LAST = ["Adams", "Brook", "Costa", "Diaz", "Evans", "Fox", "Grant", "Hale",
         "Ito", "Jones", "Khan", "Lind", "Moss", "Nagy", "Ortiz"]
# fmt: on
_ACCOUNTS = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka"]
_TEAMS = ["enterprise", "mid-market", "success"]
_SUBJECTS = ["Intro", "Follow-up", "Proposal", "Pricing question", "Renewal", "Roadmap",
             "Quarterly review", "Onboarding", "Contract draft", "Next steps"]  # fmt: skip


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


def _record(
    rng: random.Random, number: int, members: list[Participant], contacts: list[Participant],
    now: datetime,
) -> InteractionRecord:  # fmt: skip
    member, contact = rng.choice(members), rng.choice(contacts)
    kind = rng.choices(list(InteractionKind), weights=[70, 15, 10, 5])[0]
    # Recent activity is denser than old: most relationships are live, some went cold.
    age = timedelta(days=rng.triangular(0, 540, 30), hours=rng.randint(8, 17))
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


def demo_records(
    now: datetime | None = None, interactions: int = 3000
) -> Iterator[InteractionRecord]:
    """The demo firm's interactions, ending at `now` (today at midnight UTC by default)."""
    now = now or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    rng = random.Random(20261125)  # noqa: S311 - a demo, not a secret
    members = _people(rng, DEMO_FIRM_DOMAIN, 12)
    for index, account in enumerate(_ACCOUNTS):
        contacts = _people(rng, f"{account}.example", 5 + index)
        # Each account is worked mostly by one team, so some accounts hang on few threads.
        team = members[(index % len(_TEAMS)) * 4 : (index % len(_TEAMS)) * 4 + 4]
        for number in range(interactions // len(_ACCOUNTS)):
            yield _record(rng, index * 10_000 + number, team, contacts, now)
