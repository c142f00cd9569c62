"""Account and contact health on small hand-built firms, through the real ingestion path.

Interactions arrive as JSON Lines, people and accounts as reference CSVs, all through the
`ingestor`; the answers come from `graph.health` against the real database. The last test
runs the two resolvers proposed for `app/graphql/schema.py` in a schema of their own.
"""

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import AsyncDriver

from graph.attention import attention_feed
from graph.health import account_health, contact_health
from graph.repository import GraphRepository
from ingest.pipeline import Ingestor
from ingest.sources import iter_path
from scoring.account_health import ThreadKind
from scoring.attention import AttentionKind
from scoring.strength import TieLabel
from tests.integration.conftest import FIRM_DOMAINS
from tiegraph.errors import BadInput, NotFound
from tiegraph.settings import Settings

NOW = datetime.now(UTC).replace(microsecond=0)
Line = dict[str, Any]


@pytest.fixture
def reads(repo: GraphRepository) -> GraphRepository:
    """The repository the health reads go through."""
    return repo


class Firm:
    """Writes source files for one test and ingests them."""

    def __init__(self, tmp_path: Path, ingestor: Ingestor) -> None:
        self._dir = tmp_path
        self._ingestor = ingestor
        self._files = 0

    async def csv(self, text: str) -> None:
        """Ingest one reference CSV (roster, accounts or contacts, told apart by its header)."""
        await self._ingest(".csv", text)

    async def lines(self, lines: Iterable[Line]) -> None:
        """Ingest interactions as a JSON Lines file."""
        await self._ingest(".jsonl", "".join(json.dumps(line) + "\n" for line in lines))

    async def _ingest(self, suffix: str, text: str) -> None:
        self._files += 1
        path = self._dir / f"source-{self._files}{suffix}"
        path.write_text(text)
        report = await self._ingestor.run(iter_path(path))
        assert report.error_count == 0, report.errors


@pytest.fixture
def firm(tmp_path: Path, ingestor: Ingestor) -> Firm:
    """A place to write this test's source files and ingest them."""
    return Firm(tmp_path, ingestor)


def at(days_ago: float) -> str:
    return (NOW - timedelta(days=days_ago)).isoformat()


def meeting(ident: str, days_ago: float, organiser: str, *others: str) -> Line:
    return {"id": ident, "kind": "meeting", "occurredAt": at(days_ago), "from": organiser,
            "to": list(others), "subject": "Sync"}  # fmt: skip


def weekly(
    prefix: str, organiser: str, *others: str, weeks: int = 20, last_days_ago: float = 3
) -> Iterator[Line]:
    """A weekly meeting, the last one `last_days_ago` days ago."""
    for week in range(weeks):
        yield meeting(f"{prefix}-{week}", last_days_ago + 7 * week, organiser, *others)


def email(
    ident: str, days_ago: float, sender: str, to: str, subject: str = "Hello", **extra: str
) -> Line:
    return {"id": ident, "kind": "email", "occurredAt": at(days_ago), "from": sender,
            "to": [to], "subject": subject, **extra}  # fmt: skip


def champion_traffic(
    prefix: str, contact: str, member: str, colleague: str, last: float
) -> list[Line]:
    """They organise weekly meetings with a colleague of theirs, and answer our mail in 20 min."""
    lines = list(weekly(prefix, contact, member, colleague, last_days_ago=last))
    for n in range(4):
        sent = last + 2 + 10 * n
        lines.append(email(f"{prefix}-ask-{n}", sent, member, contact))
        lines.append(email(f"{prefix}-re-{n}", sent - 0.014, contact, member, "Re: Hello",
                           inReplyTo=f"{prefix}-ask-{n}"))  # fmt: skip
    return lines


ROSTER = """email,name,title,team,left_on
ann@firm.test,Ann Lee,Account Executive,enterprise,
bob@firm.test,Bob Roe,Solutions Engineer,enterprise,
sam@firm.test,Sam Poe,VP Sales,enterprise,{sam_left}
"""


async def test_a_strategic_account_meeting_its_standard_and_one_missing_a_director(
    firm: Firm, reads: GraphRepository
) -> None:
    await firm.csv(ROSTER.format(sam_left=""))
    await firm.csv("domain,name,tier,annual_value,owner_email\n"
                   'acme.com,Acme,strategic,"$1,200,000",ann@firm.test\n'
                   "globex.com,Globex,Strategic,800000,bob@firm.test\n")  # fmt: skip
    await firm.csv("email,name,title,account_domain\n"
                   "ceo@acme.com,Cy Eo,Chief Executive Officer,acme.com\n"
                   "vp@acme.com,Vi Pe,VP Engineering,acme.com\n"
                   "dir@acme.com,Di Rector,Director of IT,acme.com\n"
                   "ceo@globex.com,Gus Eo,Founder & CEO,globex.com\n"
                   "head@globex.com,Hedda Ead,Head of Data,globex.com\n"
                   "mgr@globex.com,Max Ger,IT Manager,globex.com\n")  # fmt: skip
    await firm.lines([
        *weekly("a1", "ann@firm.test", "ceo@acme.com"),
        *weekly("a2", "bob@firm.test", "vp@acme.com"),
        *champion_traffic("a3", "dir@acme.com", "ann@firm.test", "it@acme.com", last=4),
        *weekly("g1", "bob@firm.test", "ceo@globex.com"),
        *weekly("g2", "ann@firm.test", "mgr@globex.com"),
        *champion_traffic("g3", "head@globex.com", "bob@firm.test", "data@globex.com", last=2),
    ])  # fmt: skip

    acme = await account_health(reads, "https://www.Acme.com/", NOW)
    assert (acme.domain, acme.tier, acme.annual_value) == ("acme.com", "strategic", 1_200_000.0)
    coverage = acme.coverage
    assert (coverage.director_or_above, coverage.executives, coverage.champions) == (3, 1, 1)
    assert (coverage.met, coverage.gaps) == (True, ())
    assert [c.contact.email for c in acme.champions] == ["dir@acme.com"]
    seniority = {c.level: c.contacts for c in acme.by_seniority}
    # it@acme.com sat in every meeting Di organised: an active contact with no title on record.
    assert seniority == {"executive": 1, "vp": 1, "director": 1, "manager": 0, "individual": 0,
                         "unknown": 1}  # fmt: skip
    assert acme.single_threaded is None
    assert acme.value_at_risk == 0.0
    assert acme.cold.level is None
    assert acme.cold.reasons == ()

    globex = await account_health(reads, "globex.com", NOW)
    assert globex.coverage.met is False
    assert globex.coverage.gaps == ("2 of 3 active contacts at director level or above",)


async def test_single_threaded_by_a_member_and_by_a_contact(
    firm: Firm, reads: GraphRepository
) -> None:
    await firm.csv("domain,name,tier,annual_value,owner_email\n"
                   "acme.com,Acme,strategic,500000,ann@firm.test\n"
                   "globex.com,Globex,growth,250000,bob@firm.test\n")  # fmt: skip
    await firm.lines([
        # Acme: Ann holds both contacts; Bob only wrote once (no active tie).
        *weekly("a1", "ann@firm.test", "joe@acme.com"),
        *weekly("a2", "ann@firm.test", "sue@acme.com", weeks=10),
        email("a3", 5, "bob@firm.test", "joe@acme.com"),
        # Globex: Ann and Bob both see only Gus.
        *weekly("g1", "ann@firm.test", "gus@globex.com"),
        *weekly("g2", "bob@firm.test", "gus@globex.com", weeks=12, last_days_ago=1),
    ])  # fmt: skip

    acme = await account_health(reads, "acme.com", NOW)
    assert acme.single_threaded is not None
    assert acme.single_threaded.by is ThreadKind.MEMBER
    assert acme.single_threaded.member is not None
    assert acme.single_threaded.member.email == "ann@firm.test"
    assert acme.value_at_risk == 500_000.0

    globex = await account_health(reads, "globex.com", NOW)
    assert globex.single_threaded is not None
    assert globex.single_threaded.by is ThreadKind.CONTACT
    assert globex.single_threaded.contact is not None
    assert globex.single_threaded.contact.email == "gus@globex.com"
    assert globex.value_at_risk == 250_000.0
    assert globex.coverage.met is None  # no standard for "growth" in the default profile


async def test_going_cold_at_60_days_and_meetings_down(firm: Firm, reads: GraphRepository) -> None:
    await firm.lines([
        # Acme: weekly until 65 days ago, then nothing.
        *weekly("a", "ann@firm.test", "joe@acme.com", weeks=20, last_days_ago=65),
        # Globex: weekly six to nine months ago, one meeting lately.
        *weekly("g", "ann@firm.test", "gus@globex.com", weeks=12, last_days_ago=185),
        meeting("g-lately", 10, "ann@firm.test", "gus@globex.com"),
    ])  # fmt: skip

    acme = await account_health(reads, "acme.com", NOW)
    assert acme.cold.level == 60
    assert acme.cold.days_since_two_way == pytest.approx(65, abs=0.01)
    assert acme.cold.reasons[0].startswith("no two-way exchange in 65 days")
    assert acme.cold.meetings_down is False  # 4 in each window

    globex = await account_health(reads, "globex.com", NOW)
    assert globex.cold.level is None
    assert (globex.cold.meetings_before, globex.cold.meetings_recent) == (12, 1)
    assert globex.cold.meetings_down is True
    assert globex.cold.reasons == (
        "meetings down: 1 in the last 90 days against 12 in the same span six months before",
    )


async def test_only_admin_touchpoints_lately(firm: Firm, reads: GraphRepository) -> None:
    await firm.lines([
        *weekly("a", "ann@firm.test", "joe@acme.com", weeks=10, last_days_ago=40),
        email("inv-1", 20, "ann@firm.test", "joe@acme.com", "Invoice 2026-101"),
        email("inv-2", 10, "joe@acme.com", "ann@firm.test", "Re: Invoice 2026-101",
              inReplyTo="inv-1"),
        email("inv-3", 2, "ann@firm.test", "joe@acme.com", "Payment received, thank you"),
    ])  # fmt: skip
    health = await account_health(reads, "acme.com", NOW)
    cold = health.cold
    assert cold.admin_only_lately is True
    assert cold.level == 30  # admin mail is no two-way exchange, even Joe's reply
    assert cold.last_interaction_at is not None
    assert cold.last_interaction_at == datetime.fromisoformat(at(2))
    assert cold.reasons[-1].startswith("only admin touchpoints lately: the last 3")
    # One real email since, and the account is no longer admin-only.
    await firm.lines([email("real", 1, "joe@acme.com", "ann@firm.test", "Next steps")])
    again = await account_health(reads, "acme.com", NOW)
    assert (again.cold.admin_only_lately, again.cold.level) == (False, None)


async def test_a_champion_and_what_a_non_champion_lacks(firm: Firm, reads: GraphRepository) -> None:
    await firm.lines([
        *champion_traffic("c", "dir@acme.com", "ann@firm.test", "it@acme.com", last=3),
        *weekly("w", "ann@firm.test", "joe@acme.com"),
    ])  # fmt: skip
    champion = await contact_health(reads, "Di Rector <DIR@acme.com>", FIRM_DOMAINS, NOW)
    assert champion.champion.is_champion
    assert champion.champion.median_reply == "under 1 hour"
    assert champion.champion.initiated_share == pytest.approx(24 / 28)
    assert champion.champion.brought_colleagues == 20
    assert champion.ties[0].label is TieLabel.STRONG
    assert champion.account_domain == "acme.com"

    other = await contact_health(reads, "joe@acme.com", FIRM_DOMAINS, NOW)
    assert not other.champion.is_champion
    assert other.champion.missing == (
        "started 0% (needs 30%)",
        "no timed replies (needs a median reply under 4 hours)",
        "never brought colleagues in",
    )
    health = await account_health(reads, "acme.com", NOW)
    assert [c.contact.email for c in health.champions] == ["dir@acme.com"]


async def test_a_departed_members_ties_are_not_counted(firm: Firm, reads: GraphRepository) -> None:
    await firm.csv(ROSTER.format(sam_left=(NOW - timedelta(days=7)).date().isoformat()))
    await firm.lines([
        *weekly("s", "sam@firm.test", "ceo@acme.com"),
        *weekly("a", "ann@firm.test", "joe@acme.com"),
    ])  # fmt: skip

    health = await account_health(reads, "acme.com", NOW)
    assert [c.contact.email for c in health.active_contacts] == ["joe@acme.com"]
    assert [m.email for m in health.holders] == ["ann@firm.test"]
    assert health.single_threaded is not None
    assert health.single_threaded.by is ThreadKind.BOTH

    ceo = await contact_health(reads, "ceo@acme.com", FIRM_DOMAINS, NOW)
    (sams,) = ceo.ties
    assert (sams.member.email, sams.departed, sams.label) == ("sam@firm.test", True,
                                                             TieLabel.STRONG)  # fmt: skip
    assert ceo.active is False
    # Before Sam left, the same tie counted.
    earlier = await account_health(reads, "acme.com", NOW - timedelta(days=8))
    assert {c.contact.email for c in earlier.active_contacts} == {"ceo@acme.com", "joe@acme.com"}


async def test_a_champion_who_moved_companies_is_reported_at_both(
    firm: Firm, reads: GraphRepository
) -> None:
    await firm.lines([
        # Joe championed us at Acme until about three months ago...
        *champion_traffic("old", "Joe Doe <joe@acme.com>", "ann@firm.test", "it@acme.com",
                          last=95),
        *weekly("keep", "ann@firm.test", "sue@acme.com"),
        # ...and now writes from Newco.
        email("new-1", 12, "Joe Doe <joe@newco.com>", "bob@firm.test", "Hello from Newco"),
        email("new-2", 11, "bob@firm.test", "joe@newco.com", "Re: Hello from Newco"),
        # Same name, another local part: not Joe.
        email("other", 5, "Joe Doe <jdoe@initech.com>", "bob@firm.test"),
    ])  # fmt: skip

    acme = await account_health(reads, "acme.com", NOW)
    (departed,) = acme.departed_champions
    assert (departed.person_before.email, departed.account_before) == ("joe@acme.com", "acme.com")
    assert departed.person_after is not None
    assert (departed.person_after.email, departed.account_after) == ("joe@newco.com", "newco.com")
    assert [m.email for m in departed.introducers] == ["ann@firm.test"]
    assert "joe@acme.com" not in {c.contact.email for c in acme.active_contacts}
    assert acme.champions == ()

    newco = await account_health(reads, "newco.com", NOW)
    (arriving,) = newco.arriving_champions
    assert arriving == departed  # the same move, seen from the other side

    moved = await contact_health(reads, "joe@acme.com", FIRM_DOMAINS, NOW)
    assert moved.moved is not None
    assert moved.moved.account_after == "newco.com"
    joined = await contact_health(reads, "joe@newco.com", FIRM_DOMAINS, NOW)
    assert joined.moved is None
    assert joined.joined_from is not None
    assert joined.joined_from.account_before == "acme.com"
    assert (await contact_health(reads, "jdoe@initech.com", FIRM_DOMAINS, NOW)).joined_from is None


async def test_a_champion_who_went_quiet_long_ago_and_moved_is_reported_everywhere(
    firm: Firm, reads: GraphRepository
) -> None:
    """Joe championed us at Acme until some 14 months ago: his tie has long decayed below Good,
    but his standing is judged as it was at his last activity there."""
    await firm.lines([
        *champion_traffic("old", "Joe Doe <joe@acme.com>", "ann@firm.test", "it@acme.com",
                          last=420),
        *weekly("keep", "ann@firm.test", "sue@acme.com"),
        email("new-1", 6, "Joe Doe <joe@newco.com>", "bob@firm.test", "Hello from Newco"),
        email("new-2", 5, "bob@firm.test", "joe@newco.com", "Re: Hello from Newco"),
    ])  # fmt: skip
    acme = await account_health(reads, "acme.com", NOW)
    (departed,) = acme.departed_champions
    assert (departed.person_before.email, departed.account_after) == ("joe@acme.com", "newco.com")
    (arriving,) = (await account_health(reads, "newco.com", NOW)).arriving_champions
    assert arriving == departed
    team = await attention_feed(reads, FIRM_DOMAINS, None, 50, NOW)
    moved = [i for i in team if i.kind is AttentionKind.CHAMPION_MOVED]
    assert [(i.contact.email if i.contact else None, i.account_domain) for i in moved] == [
        ("joe@newco.com", "acme.com")
    ]
    # And in the feed of the member who knew him.
    anns = await attention_feed(reads, FIRM_DOMAINS, "ann@firm.test", 50, NOW)
    assert [i.kind for i in anns].count(AttentionKind.CHAMPION_MOVED) == 1


async def test_a_key_contact_who_went_quiet_and_moved_is_reported_everywhere(
    firm: Firm, reads: GraphRepository
) -> None:
    """Kim was a key contact at Acme (weekly meetings with Ann, a Strong tie) but never a
    champion (she never brought a colleague in); she went quiet 10 months ago, which has long
    decayed the tie, and now writes from Newco. Her standing is the one she had at her last
    activity at Acme."""
    await firm.lines([
        *weekly("kim", "ann@firm.test", "Kim Park <kim@acme.com>", weeks=30, last_days_ago=300),
        *weekly("keep", "ann@firm.test", "sue@acme.com"),
        email("kim-new-1", 6, "Kim Park <kim@newco.com>", "bob@firm.test", "Hello from Newco"),
        email("kim-new-2", 5, "bob@firm.test", "kim@newco.com", "Re: Hello from Newco"),
    ])  # fmt: skip
    acme = await account_health(reads, "acme.com", NOW)
    assert acme.departed_champions == ()
    (departed,) = acme.departed_key_contacts
    assert (departed.person_before.email, departed.account_after) == ("kim@acme.com", "newco.com")
    assert (departed.was_key, departed.was_champion) == (True, False)
    (arriving,) = (await account_health(reads, "newco.com", NOW)).arriving_key_contacts
    assert arriving == departed
    team = await attention_feed(reads, FIRM_DOMAINS, None, 50, NOW)
    moved = [(i.kind, i.contact.email if i.contact else None, i.account_domain) for i in team
             if i.kind in (AttentionKind.CHAMPION_MOVED, AttentionKind.KEY_CONTACT_MOVED)]  # fmt: skip
    assert moved == [(AttentionKind.KEY_CONTACT_MOVED, "kim@newco.com", "acme.com")]


async def test_a_contact_marked_as_left(
    firm: Firm, reads: GraphRepository, driver: AsyncDriver, settings: Settings
) -> None:
    await firm.lines(weekly("w", "ann@firm.test", "joe@acme.com"))
    # No import sets a contact's left_on yet; a CRM import would.
    await driver.execute_query("MATCH (c:Contact {email: 'joe@acme.com'}) SET c.left_on = $day",
                               day=(NOW - timedelta(days=1)).date(),
                               database_=settings.neo4j_database)  # fmt: skip
    health = await contact_health(reads, "joe@acme.com", FIRM_DOMAINS, NOW)
    assert health.moved is not None
    assert (health.moved.person_after, health.moved.left_on) == (None, NOW.date() - timedelta(1))
    assert (await account_health(reads, "acme.com", NOW)).active_contacts == ()


async def test_unknown_and_malformed_input(
    firm: Firm, reads: GraphRepository, repo: GraphRepository
) -> None:
    await firm.lines([email("e", 1, "ann@firm.test", "joe@acme.com")])
    with pytest.raises(NotFound, match=r"no account with the domain nowhere\.example"):
        await account_health(reads, "nowhere.example")
    with pytest.raises(BadInput, match="domain"):
        await account_health(reads, "not a domain")
    with pytest.raises(NotFound, match="no contact"):
        await contact_health(reads, "nobody@acme.com", FIRM_DOMAINS)
    with pytest.raises(BadInput, match="email"):
        await contact_health(reads, "joe at acme", FIRM_DOMAINS)
    # Over the repository's own driver, as a resolver would read it; now by default.
    health = await account_health(repo, "acme.com")
    assert health.as_of > NOW
    assert health.cold.level == 90  # our one email is no two-way exchange


HEALTH_QUERY = """query($asOf: DateTime) {
  accountHealth(domain: "acme.com", asOf: $asOf) {
    domain valueAtRisk activeContacts { contact { email } seniority holders { member { email } label trend } }
    bySeniority { level contacts members } holders { email }
    coverage { met gaps requiredDirectorOrAbove directorOrAbove }
    singleThreaded { by member { email } contact { email } }
    cold { level reasons meetingsDown adminOnlyLately }
    champions { contact { email } check { isChampion medianReply bestLabel missing } }
    risingAdvocates { contact { email } }
    departedChampions { personBefore { email } accountAfter introducers { email } reason leftOn }
    arrivingChampions { accountBefore }
  }
  contactHealth(email: "joe@acme.com", asOf: $asOf) {
    contact { email } seniority accountDomain active rising
    ties { member { email } score label departed }
    champion { isChampion initiatedShare }
    moved { accountAfter wasChampion } joinedFrom { accountBefore }
  }
}"""


async def test_health_through_the_graphql_api(firm: Firm, api: httpx.AsyncClient) -> None:
    await firm.csv("domain,name,tier,annual_value,owner_email\n"
                   "acme.com,Acme,strategic,300000,ann@firm.test\n")  # fmt: skip
    await firm.lines([
        *champion_traffic("c", "Joe Doe <joe@acme.com>", "ann@firm.test", "it@acme.com", last=3),
    ])  # fmt: skip
    body = (await api.post("/graphql", json={"query": HEALTH_QUERY,
                                             "variables": {"asOf": NOW.isoformat()}})).json()  # fmt: skip
    assert "errors" not in body, body
    account = body["data"]["accountHealth"]
    assert account["singleThreaded"] == {"by": "MEMBER", "member": {"email": "ann@firm.test"},
                                         "contact": None}  # fmt: skip
    assert account["valueAtRisk"] == 300_000.0
    assert account["champions"][0]["check"] == {
        "isChampion": True, "medianReply": "under 1 hour", "bestLabel": "STRONG", "missing": []
    }  # fmt: skip
    assert account["coverage"]["gaps"] == [
        "0 of 3 active contacts at director level or above", "0 of 1 executives"
    ]  # fmt: skip
    contact = body["data"]["contactHealth"]
    assert (contact["active"], contact["champion"]["isChampion"]) == (True, True)
    assert contact["ties"][0]["label"] == "STRONG"
    query = '{ contactHealth(email: "x@nowhere.example") { active } }'
    missing = (await api.post("/graphql", json={"query": query})).json()
    assert missing["errors"][0]["extensions"] == {"code": "NOT_FOUND"}
