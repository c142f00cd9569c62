"""Every source through the real pipeline into the real database."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from neo4j import AsyncDriver

from ingest.pipeline import Ingestor
from ingest.sources import iter_path
from tests.integration.fixtures import (
    RECENT,
    message,
    weekly_meeting_ics,
    write_maildir,
    write_mbox,
)
from tests.integration.graphstate import graph_state


async def _tie(driver: AsyncDriver, member: str, contact: str) -> dict[str, object] | None:
    result = await driver.execute_query(
        "MATCH (:TeamMember {email: $m})-[t:KNOWS]->(:Contact {email: $c}) RETURN properties(t) AS t",
        m=member, c=contact,
    )  # fmt: skip
    return result.records[0]["t"] if result.records else None


async def test_mbox_is_idempotent_and_builds_reply_ties(
    tmp_path: Path, ingestor: Ingestor, driver: AsyncDriver
) -> None:
    first = message("m1@firm.test", "Ann Lee <ann@firm.test>", "Joe <joe@acme.com>")
    reply = message("m2@acme.com", "joe@acme.com", "ann@firm.test", subject="Re: Proposal",
                    at=RECENT + timedelta(hours=3), In_Reply_To="<m1@firm.test>")  # fmt: skip
    path = write_mbox(tmp_path / "ann.txt", [first, reply])  # the name says nothing
    report = await ingestor.run(iter_path(path))
    assert (report.read, report.ingested, report.error_count) == (2, 2, 0)
    state = await graph_state(driver)
    again = await ingestor.run(iter_path(path))
    assert again.duplicates == 2
    assert await graph_state(driver) == state
    tie = await _tie(driver, "ann@firm.test", "joe@acme.com")
    assert tie is not None
    assert (tie["email_count"], tie["a_initiated"], tie["b_initiated"]) == (4 // 2, 1, 1)
    replied = await driver.execute_query(
        "MATCH (i:Interaction {id: 'm2@acme.com'}) RETURN i.in_reply_to AS r"
    )
    assert replied.records[0]["r"] == "m1@firm.test"


async def test_one_message_in_two_mailboxes_is_one_interaction_with_all_participants(
    tmp_path: Path, ingestor: Ingestor, driver: AsyncDriver
) -> None:
    seen_by_ann = message("shared@acme.com", "joe@acme.com", "ann@firm.test")
    # Bob was bcc'd, and so was Sue: his copy shows them both, Ann's does not.
    seen_by_bob = message("shared@acme.com", "joe@acme.com", "ann@firm.test, bob@firm.test",
                          cc="sue@acme.com")  # fmt: skip
    await ingestor.run(iter_path(write_mbox(tmp_path / "ann.mbox", [seen_by_ann])))
    report = await ingestor.run(iter_path(write_maildir(tmp_path / "bob", [seen_by_bob])))
    assert (report.ingested, report.duplicates) == (1, 1)  # the report covers both runs
    result = await driver.execute_query(
        "MATCH (i:Interaction) RETURN i.participants AS p, "
        "[(i)-[:INVOLVES]->(c:Contact) | c.email] AS contacts"
    )
    (row,) = result.records
    assert sorted(row["p"]) == ["ann@firm.test", "bob@firm.test", "joe@acme.com", "sue@acme.com"]
    assert sorted(row["contacts"]) == ["joe@acme.com", "sue@acme.com"]
    for member in ("ann@firm.test", "bob@firm.test"):
        tie = await _tie(driver, member, "joe@acme.com")
        assert tie is not None
        assert tie["email_count"] == 1  # counted once, not once per mailbox
    before = await graph_state(driver)
    await ingestor.run(iter_path(tmp_path / "bob"))
    assert await graph_state(driver) == before


async def test_noise_is_skipped_and_admin_mail_builds_no_tie(
    tmp_path: Path, ingestor: Ingestor, driver: AsyncDriver
) -> None:
    path = write_mbox(tmp_path / "noise.mbox", [
        message("n1@acme.com", "noreply@acme.com", "ann@firm.test"),
        message("n2@acme.com", "news@acme.com", "ann@firm.test", List_Id="<news.acme.com>"),
        message("n3@acme.com", "joe@acme.com", "ann@firm.test", Precedence="bulk"),
        message("n4@acme.com", "joe@acme.com", "ann@firm.test", subject="Automatic reply: Hi"),
        message("n5@acme.com", "joe@acme.com", "ann@firm.test", subject="Invoice 2026-118"),
    ])  # fmt: skip
    report = await ingestor.run(iter_path(path))
    assert dict(report.skipped) == {"automated-sender": 1, "mailing-list": 1, "bulk": 1,
                                    "auto-reply": 1}  # fmt: skip
    assert report.ingested == 1
    admin = await driver.execute_query(
        "MATCH (i:Interaction) RETURN i.id AS id, i.is_admin AS admin"
    )
    assert [r.data() for r in admin.records] == [{"id": "n5@acme.com", "admin": True}]
    assert await _tie(driver, "ann@firm.test", "joe@acme.com") is None


async def test_emails_to_many_recipients_tie_more_weakly(
    tmp_path: Path, ingestor: Ingestor, driver: AsyncDriver
) -> None:
    crowd = ", ".join(["joe@acme.com"] + [f"p{i}@acme.com" for i in range(29)])
    path = write_mbox(tmp_path / "m.mbox", [
        message("one@firm.test", "ann@firm.test", "joe@acme.com"),
        message("all@firm.test", "bob@firm.test", crowd, at=RECENT),
    ])  # fmt: skip
    await ingestor.run(iter_path(path))
    direct = await _tie(driver, "ann@firm.test", "joe@acme.com")
    bulk = await _tie(driver, "bob@firm.test", "joe@acme.com")
    assert direct is not None
    assert bulk is not None
    assert bulk["weight_fast"] * 2 == pytest.approx(direct["weight_fast"])  # 15 of 30 recipients


async def test_aliases_and_plus_tags_resolve_to_one_person(
    tmp_path: Path, ingestor: Ingestor, driver: AsyncDriver
) -> None:
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,email\njoseph.doe@acme-mail.com,joe@acme.com\n")
    path = write_mbox(tmp_path / "m.mbox", [
        message("a1@x", "ann@firm.test", "joseph.doe@acme-mail.com"),
        message("a2@x", "ann+crm@eu.firm.test", "joe+news@acme.com"),
    ])  # fmt: skip
    await ingestor.run(iter_path(aliases))
    await ingestor.run(iter_path(path))
    people = await driver.execute_query("MATCH (p:Person) RETURN p.email AS e ORDER BY e")
    assert [r["e"] for r in people.records] == ["ann@firm.test", "joe@acme.com"]
    tie = await _tie(driver, "ann@firm.test", "joe@acme.com")
    assert tie is not None
    assert tie["email_count"] == 2


async def test_recurring_meetings_from_ics(
    tmp_path: Path, ingestor: Ingestor, driver: AsyncDriver
) -> None:
    start = datetime.now(UTC) - timedelta(weeks=9, days=1)
    path = weekly_meeting_ics(tmp_path / "calendar.data", start, weeks=20)  # 10 are still ahead
    report = await ingestor.run(iter_path(path))
    assert report.ingested == 10
    tie = await _tie(driver, "ann@firm.test", "joe@acme.com")
    assert tie is not None
    assert tie["meeting_count"] == 10
    declined = await _tie(driver, "ann@firm.test", "sue@acme.com")  # declined every time
    assert declined is not None
    assert (declined["meeting_count"], declined["declined_count"]) == (0, 10)
    assert declined["weight_fast"] == 0.0
    before = await graph_state(driver)
    await ingestor.run(iter_path(path))
    assert await graph_state(driver) == before


async def test_reference_csvs_set_people_and_accounts(
    tmp_path: Path, ingestor: Ingestor, driver: AsyncDriver
) -> None:
    roster = tmp_path / "team.csv"
    roster.write_text("email,name,title,team,left_on\nann@firm.test,Ann Lee,Account Executive,"
                      "enterprise,\nsam@firm.test,Sam Poe,VP Sales,enterprise,2026-06-30\n")  # fmt: skip
    accounts = tmp_path / "accounts.csv"
    accounts.write_text('domain,name,tier,annual_value,owner_email\nacme.com,Acme,strategic,'
                        '"$1,200,000",ann@firm.test\n')  # fmt: skip
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("email,name,title,account_domain\njoe@gmail.com,Joe Doe,Chief Financial "
                        "Officer,acme.com\n")  # fmt: skip
    for path in (roster, accounts, contacts):
        report = await ingestor.run(iter_path(path))
    assert ingestor.report.reference_rows == 4
    result = await driver.execute_query(
        "MATCH (sam:TeamMember {email: 'sam@firm.test'}), (ann:TeamMember {email: 'ann@firm.test'})"
        "-[:OWNS]->(a:Account {domain: 'acme.com'})<-[:WORKS_AT]-(joe:Contact {email: 'joe@gmail.com'}) "
        "RETURN sam.seniority AS sam, toString(sam.left_on) AS left_on, ann.seniority AS ann, "
        "a.tier AS tier, a.annual_value AS value, joe.seniority AS joe, joe.name AS name"
    )
    assert result.records[0].data() == {
        "sam": "vp", "left_on": "2026-06-30", "ann": "individual", "tier": "strategic",
        "value": 1_200_000.0, "joe": "executive", "name": "Joe Doe",
    }  # fmt: skip
    assert report.error_count == 0


async def test_crm_export_with_a_preset(
    tmp_path: Path, ingestor: Ingestor, driver: AsyncDriver
) -> None:
    day = RECENT.strftime("%Y-%m-%d")
    export = tmp_path / "hubspot.csv"
    export.write_text(
        "Engagement ID,Activity date,Activity type,Owner email,Associated contact email,Subject\n"
        f"101,{day}T10:00:00Z,Call,ann@firm.test,joe@acme.com,Discovery call\n"
        f"102,{day}T11:00:00Z,Meeting,ann@firm.test,joe@acme.com,Demo\n"
    )
    report = await ingestor.run(iter_path(export))
    assert (report.ingested, report.error_count) == (2, 0)
    tie = await _tie(driver, "ann@firm.test", "joe@acme.com")
    assert tie is not None
    assert (tie["call_count"], tie["meeting_count"]) == (1, 1)


async def test_corrupt_files_give_located_errors_and_the_rest_is_kept(
    tmp_path: Path, ingestor: Ingestor, driver: AsyncDriver
) -> None:
    good = message("ok@firm.test", "ann@firm.test", "joe@acme.com")
    future = message(
        "late@firm.test", "ann@firm.test", "joe@acme.com", at=RECENT + timedelta(days=400)
    )
    mbox = write_mbox(tmp_path / "cut.mbox", [good, future])
    with mbox.open("ab") as handle:  # a third message cut off inside its headers
        handle.write(b"\nFrom MAILER-DAEMON Mon Jan  1 00:00:00 2026\nFrom: ann@firm.test\nTo: jo")
    bad_ics = tmp_path / "broken.ics"
    bad_ics.write_text("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nthis is not a content line\r\n")
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "Engagement ID,Activity date,Activity type,Owner email,Subject\n1,2026-01-01,Call,ann@firm.test,x\n"
    )
    bad_header = tmp_path / "bytes.eml"
    bad_header.write_bytes(b"From: J\xf6rg \xff <joerg@acme.com>\r\nTo: ann@firm.test\r\n"
                           b"Subject: \xfe\xff\r\nDate: " + good["Date"].encode() +
                           b"\r\nMessage-ID: <bytes@acme.com>\r\n\r\nbody\r\n")  # fmt: skip
    for path in (mbox, bad_ics, crm, bad_header):
        await ingestor.run(iter_path(path))
    report = ingestor.report
    messages = [str(e) for e in report.errors]
    assert report.ingested == 2  # the good message and the one with mangled header bytes
    assert any(m.startswith("cut.mbox#message-2") and "Date" in m for m in messages), messages
    assert any(m.startswith("cut.mbox#message-3") and "truncated" in m for m in messages), messages
    assert any(m.startswith("broken.ics") for m in messages), messages
    assert any(m.startswith("crm.csv") and "contact_email" in m for m in messages), messages
    ids = await driver.execute_query("MATCH (i:Interaction) RETURN i.id AS id ORDER BY id")
    assert [r["id"] for r in ids.records] == ["bytes@acme.com", "ok@firm.test"]
