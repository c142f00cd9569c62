"""accountHealth on a big account (812 contacts, 30,408 interactions, built through ingestion)
answers, and answers what the rules give on the same facts read a contact at a time.

Its interaction facts once ran Neo4j's transaction memory out (LIMIT, INTERNAL before that):
the account's whole address list was carried along every one of its interactions."""

import asyncio
from datetime import UTC, datetime, timedelta

import httpx

from graph.health import account_health
from graph.records import to_contact_input
from graph.repository import GraphRepository
from ingest.pipeline import Ingestor
from scoring import account_health as rules
from scoring.account_health import AccountActivity, AccountInput
from tests.integration.apihelp import codes, gql
from tiegraph.domain import InteractionKind, InteractionRecord, Participant, ParticipantRole
from tiegraph.settings import Settings

CONTACTS, INTERACTIONS, MEMBERS = 812, 30_408, 20
AT = datetime.now(UTC).replace(microsecond=0)
DOMAIN = "bigco.example"


def _records() -> list[InteractionRecord]:
    """Every contact mailed or met by a few members, cc'ing a colleague; a third of the
    messages come from the contact; one in ten is a meeting; one every 17 minutes."""
    made = []
    for i in range(INTERACTIONS):
        contact, cc, member = i % CONTACTS, (i * 7 + 1) % CONTACTS, i % MEMBERS
        emails = [f"m{member}@firm.test", f"c{contact}@{DOMAIN}", f"c{cc}@{DOMAIN}"]
        if i % 3 == 0:
            emails[0], emails[1] = emails[1], emails[0]
        roles = (ParticipantRole.FROM, ParticipantRole.TO, ParticipantRole.CC)
        kind = InteractionKind.MEETING if i % 10 == 0 else InteractionKind.EMAIL
        made.append(InteractionRecord(
            external_id=f"big-{i}", kind=kind, occurred_at=AT - timedelta(minutes=17 * i),
            subject="Sync", source="test",
            participants=tuple(Participant(email=e, role=r) for e, r in zip(emails, roles, strict=True)),
        ))  # fmt: skip
    return made


def _activity(records: list[InteractionRecord]) -> AccountActivity:
    """The account's interaction facts, counted here from what was ingested."""
    windows = rules.activity_windows(AT)
    met = [r.occurred_at for r in records if r.kind is InteractionKind.MEETING]
    newest = sorted(records, key=lambda r: r.occurred_at, reverse=True)
    return AccountActivity(
        last_interaction_at=newest[0].occurred_at,
        meetings_recent=sum(windows.recent_from < t <= windows.as_of for t in met),
        meetings_before=sum(windows.before_from < t <= windows.before_to for t in met),
        latest_admin=tuple(r.is_admin for r in newest[: windows.latest]),
    )


async def _one_contact_at_a_time(repo: GraphRepository) -> tuple[rules.ContactInput, ...]:
    inputs = []
    for start in range(0, CONTACTS, 25):
        chunk = range(start, min(start + 25, CONTACTS))
        reads = (repo.read_rows("read/contact_health", email=f"c{n}@{DOMAIN}") for n in chunk)
        for rows in await asyncio.gather(*reads):
            inputs.append(to_contact_input(rows[0], DOMAIN))
    return tuple(inputs)


async def test_a_big_account_answers_what_the_smaller_reads_give(
    repo: GraphRepository, settings: Settings, api: httpx.AsyncClient
) -> None:
    records = _records()
    # Batches of the default size (the suite's 50 would make this test slow, not different).
    ingestor = Ingestor.for_settings(repo, settings.model_copy(update={"ingest_batch_size": 5000}))
    report = await ingestor.run(records)
    assert (report.ingested, report.error_count) == (INTERACTIONS, 0)

    health = await account_health(repo, DOMAIN, AT)
    contacts = await _one_contact_at_a_time(repo)
    expected = rules.account_health(
        AccountInput(domain=DOMAIN, contacts=contacts, activity=_activity(records)),
        await repo.scoring_profile(), AT,
    )  # fmt: skip
    assert health == expected
    assert len(health.active_contacts) > 100  # a big answer, not an empty one

    body = await gql(api, "query($d: String!) { accountHealth(domain: $d) { activeContacts "
                          "{ contact { email } } } }", d=DOMAIN)  # fmt: skip
    assert codes(body) == []
    assert len(body["data"]["accountHealth"]["activeContacts"]) == len(health.active_contacts)
