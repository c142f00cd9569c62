"""eraseContact: the person goes, their interactions lose them, shared ties are rebuilt, and
ingestion keeps them out until the address is restored."""

import httpx
from neo4j import AsyncDriver

from ingest.pipeline import Ingestor
from tests.integration.apihelp import codes, gql, record
from tiegraph.access import address_hash
from tiegraph.domain import InteractionKind

ERASE = "mutation($e: String!) { eraseContact(email: $e) { personFound interactionsRewritten interactionsDeleted tiesRebuilt } }"
MEETING = InteractionKind.MEETING


def _firm() -> list:
    return [
        record("a1", "ann@firm.test", ["joe@acme.com"], 9),
        record("a2", "joe@acme.com", ["ann@firm.test"], 8),
        record("m1", "ann@firm.test", ["joe@acme.com", "sue@acme.com"], 5, MEETING),
        record("e1", "sue@acme.com", ["ann@firm.test", "joe@acme.com"], 4),
        record("s1", "ann@firm.test", ["sue@acme.com"], 3),
    ]


async def _graph_mentions(driver: AsyncDriver, address: str) -> int:
    result = await driver.execute_query(
        "MATCH (n) WHERE n.email = $a OR n.address = $a OR $a IN coalesce(n.participants, []) "
        "RETURN count(n) AS n", {"a": address})  # fmt: skip
    return int(result.records[0]["n"])


async def _tie(driver: AsyncDriver, a: str, b: str) -> dict | None:
    result = await driver.execute_query(
        "MATCH (:Person {email: $a})-[t]-(:Person {email: $b}) RETURN properties(t) AS t",
        {"a": a, "b": b})  # fmt: skip
    return result.records[0]["t"] if result.records else None


async def test_erasing_a_contact(
    api: httpx.AsyncClient, ingestor: Ingestor, driver: AsyncDriver
) -> None:
    await ingestor.run(_firm())
    before = await _tie(driver, "ann@firm.test", "sue@acme.com")
    assert before is not None
    assert await _graph_mentions(driver, "joe@acme.com") > 0

    done = (await gql(api, ERASE, e="Joe@Acme.com"))["data"]["eraseContact"]
    assert done == {"personFound": True, "interactionsRewritten": 2, "interactionsDeleted": 2,
                    "tiesRebuilt": 1}  # fmt: skip
    assert await _graph_mentions(driver, "joe@acme.com") == 0
    assert await _tie(driver, "joe@acme.com", "sue@acme.com") is None
    after = await _tie(driver, "ann@firm.test", "sue@acme.com")
    assert after is not None
    # Same meeting, email and direct mail as before: only joe's part is gone.
    assert (after["meeting_count"], after["email_count"]) == (1, 2)
    gone = await gql(api, '{ whoKnows(email: "joe@acme.com") { member { email } } }')
    assert codes(gone) == ["NOT_FOUND"]
    listed = await driver.execute_query("MATCH (x:ErasedAddress) RETURN x.hash AS h")
    assert [r["h"] for r in listed.records] == [address_hash("joe@acme.com")]


async def test_erased_addresses_stay_out_of_ingestion_until_restored(
    api: httpx.AsyncClient, ingestor: Ingestor, driver: AsyncDriver
) -> None:
    await ingestor.run(_firm())
    await gql(api, ERASE, e="joe@acme.com")
    report = await Ingestor(ingestor._repo, ("firm.test",), 50).run(_firm())
    assert report.skipped["no-counterpart"] == 2  # a1 and a2 had nobody left
    assert await _graph_mentions(driver, "joe@acme.com") == 0

    restored = await gql(api, 'mutation { restoreErasedAddress(email: "joe@acme.com") }')
    assert restored["data"]["restoreErasedAddress"] is True
    await Ingestor(ingestor._repo, ("firm.test",), 50).run(_firm())
    assert await _tie(driver, "ann@firm.test", "joe@acme.com") is not None


async def test_a_team_member_is_not_erased_as_a_contact(
    api: httpx.AsyncClient, ingestor: Ingestor
) -> None:
    await ingestor.run(_firm())
    assert codes(await gql(api, ERASE, e="ann@firm.test")) == ["BAD_INPUT"]
