"""The capture controls, each tried: what capture stores after it, and what answers show of
what was stored before it. seed_firm (apihelp): ann@ and rep@firm.test know joe@acme.com,
sue@acme.com met ann and joe."""

import httpx
from neo4j import AsyncDriver

from graph.repository import GraphRepository
from ingest import capture
from ingest.pipeline import Ingestor
from tests.integration.apihelp import gql, record, seed_firm
from tiegraph.domain import InteractionKind, InteractionRecord
from tiegraph.settings import Settings

ANN = "ann@firm.test"
EVERY_VALUE = "MATCH (n) RETURN collect(properties(n)) AS nodes"
SUBJECTS = (
    "MATCH (i:Interaction) RETURN collect(i.subject) AS subjects, collect(i.is_admin) AS admin"
)
WHO_KNOWS = '{ whoKnows(email: "joe@acme.com") { member { email } share } }'


def _owned(ident: str, owner: str) -> InteractionRecord:
    mail = record(ident, owner, ["joe@acme.com"], 3)
    return mail.model_copy(update={"owner": owner})


async def _stored_text(driver: AsyncDriver) -> str:
    """Every property of every node, as text: where an address would show if it were kept."""
    return str((await driver.execute_query(EVERY_VALUE)).records[0]["nodes"])


async def test_an_excluded_members_mailbox_is_not_captured_nor_shown(
    ingestor: Ingestor, repo: GraphRepository, api: httpx.AsyncClient, settings: Settings
) -> None:
    # Before: ann's mailbox delivered a mail only she (of the team) took part in, and one the
    # rep was in too (the rep's mailbox has it as well).
    cc_rep = record("o2", ANN, ["joe@acme.com", "rep@firm.test"], 4).model_copy(
        update={"owner": ANN}
    )
    await ingestor.run([_owned("o1", ANN), cc_rep, record("f1", ANN, ["joe@acme.com"], 5)])
    assert (await gql(api, WHO_KNOWS))["data"]["whoKnows"][0]["member"]["email"] == ANN
    excluded = """mutation { excludeFromCapture(target: MEMBER, value: "Ann@firm.test") {
      excludedSources } }"""
    body = await gql(api, excluded)
    assert body["data"]["excludeFromCapture"]["excludedSources"] == [ANN]
    assert set(await repo.stored_interactions(["o1", "o2", "f1"])) == {"o2", "f1"}
    tie = await repo.tie(ANN, "joe@acme.com")
    assert tie is not None
    assert tie.state is not None
    assert tie.state.interaction_count == 2  # rebuilt without o1
    report = await Ingestor.for_settings(repo, settings).run(
        [_owned("x1", ANN), _owned("x2", "rep@firm.test"), record("x3", ANN, ["joe@acme.com"], 2)]
    )
    assert dict(report.skipped) == {"excluded-source": 1}
    # Ann's mail seen in another mailbox, or in a file an admin ingests, is not her mailbox.
    assert set(await repo.stored_interactions(["x1", "x2", "x3"])) == {"x2", "x3"}
    included = """mutation { includeInCapture(target: MEMBER, value: "ann@firm.test") {
      excludedSources } }"""
    assert (await gql(api, included))["data"]["includeInCapture"]["excludedSources"] == []
    again = await Ingestor.for_settings(repo, settings).run([_owned("x1", ANN)])
    assert again.ingested == 1


async def test_an_excluded_address_is_erased_and_never_stored_again(
    ingestor: Ingestor, repo: GraphRepository, driver: AsyncDriver, api: httpx.AsyncClient,
    settings: Settings,
) -> None:  # fmt: skip
    await seed_firm(ingestor)
    assert "sue@acme.com" in await _stored_text(driver)
    body = await gql(api, 'mutation { excludeFromCapture(target: ADDRESS, value: "Sue <sue@acme.com>") '
                     "{ excludedAddressCount } }")  # fmt: skip
    assert body["data"]["excludeFromCapture"]["excludedAddressCount"] == 1
    # The meeting she was in goes whole (capture would not have stored it), ann's tie to joe
    # is rebuilt from the two emails left, and her address is nowhere, not even in settings.
    assert "sue@acme.com" not in await _stored_text(driver)
    assert set(await repo.stored_interactions(["a1", "a2", "m1"])) == {"a1", "a2"}
    ties = (await gql(api, WHO_KNOWS))["data"]["whoKnows"]
    ann = await repo.tie("ann@firm.test", "joe@acme.com")
    assert ann is not None
    assert ann.state is not None
    assert ann.state.interaction_count == 2
    assert {t["member"]["email"] for t in ties} == {"ann@firm.test", "rep@firm.test"}
    report = await Ingestor.for_settings(repo, settings).run([
        record("s1", "sue@acme.com", ["rep@firm.test"], 1),
        record("s2", "rep@firm.test", ["joe@acme.com", "SUE+hr@acme.com"], 1),
    ])  # fmt: skip
    assert dict(report.skipped) == {"excluded-address": 2}
    assert "sue@acme.com" not in await _stored_text(driver)


async def test_an_excluded_domain_is_erased_and_never_stored_again(
    ingestor: Ingestor, repo: GraphRepository, driver: AsyncDriver, settings: Settings
) -> None:
    await seed_firm(ingestor)
    await ingestor.run([record("b1", "ann@firm.test", ["bob@beta.com"], 1)])
    change = await capture.exclude(repo, (), "domain", "https://www.ACME.com/")
    assert change.settings.excluded_domains == ("acme.com",)
    assert (change.people_erased, change.interactions_deleted) == (2, 5)
    assert "acme.com" not in (await _stored_text(driver)).replace("'acme.com'", "")
    assert set(await repo.stored_interactions(["a1", "b1"])) == {"b1"}
    report = await Ingestor.for_settings(repo, settings).run(
        [record("c1", "ann@firm.test", ["amy@eu.acme.com"], 1),
         record("c2", "ann@firm.test", ["bob@beta.com"], 1)]
    )  # fmt: skip
    assert (dict(report.skipped), report.ingested) == ({"excluded-address": 1}, 1)
    await capture.include(repo, (), "domain", "acme.com")
    assert (await repo.firm_settings()).excluded_domains == ()


async def test_subjects_off_drops_them_at_capture_and_removes_the_stored_ones(
    ingestor: Ingestor, repo: GraphRepository, driver: AsyncDriver, api: httpx.AsyncClient,
    settings: Settings,
) -> None:  # fmt: skip
    await ingestor.run([record("i1", "ann@firm.test", ["joe@acme.com"], 3, subject="Invoice 42"),
                        record("i2", "ann@firm.test", ["joe@acme.com"], 2)])  # fmt: skip
    body = await gql(api, "mutation { setStoreSubjects(store: false) { storeSubjects } }")
    assert body["data"]["setStoreSubjects"] == {"storeSubjects": False}
    await Ingestor.for_settings(repo, settings).run([
        record("i3", "ann@firm.test", ["joe@acme.com"], 1, subject="Invoice 43"),
        record("i4", "joe@acme.com", ["ann@firm.test"], 1, InteractionKind.CALL, "Private"),
    ])  # fmt: skip
    stored = (await driver.execute_query(SUBJECTS)).records[0]
    assert stored["subjects"] == []
    # The admin-touchpoint flag was decided from the subject at capture, and stays.
    assert sorted(stored["admin"]) == [False, False, True, True]
