import pytest

from ingest.parsers.noise import (
    is_auto_reply,
    is_automated_address,
    is_bulk,
    is_mailing_list,
    message_noise_reason,
)


@pytest.mark.parametrize(
    "address",
    [
        "noreply@acme.com",
        "no-reply@acme.com",
        "donotreply@acme.com",
        "do-not-reply@acme.com",
        "notifications@github.com",
        "notification@acme.com",
        "billing@acme.com",
        "invoices@acme.com",
        "invoice@acme.com",
        "mailer-daemon@mx.acme.com",
        "postmaster@acme.com",
        "bounce@acme.com",
        "bounces+3f2a@mailer.acme.com",
        "noreply-alerts@acme.com",
        "calendar-notification@google.com",
        "calendar-server@apple.com",
        "c_1888abc@resource.calendar.google.com",
        "team@group.calendar.google.com",
        "anyone@calendar.google.com",
    ],
)
def test_robot_and_role_addresses_are_automated(address: str) -> None:
    assert is_automated_address(address)


@pytest.mark.parametrize(
    "address",
    ["ann@firm.com", "noreplyer@acme.com", "billings@acme.com", "joe.billing@acme.com"],
)
def test_people_are_not_automated(address: str) -> None:
    assert not is_automated_address(address)


def test_list_headers_mark_a_mailing_list() -> None:
    assert is_mailing_list("<dev.lists.acme.com>", None)
    assert is_mailing_list(None, "<mailto:leave@acme.com>")
    assert not is_mailing_list(None, None)
    assert not is_mailing_list("  ", "")


@pytest.mark.parametrize(
    ("precedence", "expected"),
    [("bulk", True), ("List", True), (" junk ", True), ("first-class", False), (None, False)],
)
def test_precedence(precedence: str | None, expected: bool) -> None:
    assert is_bulk(precedence) is expected


@pytest.mark.parametrize(
    ("auto_submitted", "subject", "expected"),
    [
        ("auto-replied", None, True),
        ("auto-generated; owner-email=x@y.com", None, True),
        ("no", "Lunch?", False),
        ("No", None, False),
        (None, "Out of Office: back Monday", True),
        (None, "[Out of the office] until 3 March", True),
        (None, "Automatic reply: Q3 plan", True),
        (None, "Autoreply: Q3 plan", True),
        (None, "Auto-Reply: Q3 plan", True),
        (None, "Abwesenheitsnotiz: Angebot", True),
        (None, "Réponse automatique : devis", True),
        (None, "Cover for Ann while she is out of office", False),
        (None, None, False),
    ],
)
def test_auto_reply(auto_submitted: str | None, subject: str | None, expected: bool) -> None:
    assert is_auto_reply(auto_submitted, subject) is expected


def test_noise_reason_order_is_fixed() -> None:
    # An automated sender on a list wins over the list; a list wins over bulk.
    assert (
        message_noise_reason("noreply@acme.com", list_id="<x.acme.com>", precedence="bulk")
        == "automated-sender"
    )
    assert message_noise_reason("ann@acme.com", list_id="<x>", precedence="bulk") == "mailing-list"
    assert message_noise_reason("ann@acme.com", precedence="bulk") == "bulk"
    assert message_noise_reason("ann@acme.com", auto_submitted="auto-replied") == "auto-reply"
    assert message_noise_reason("ann@acme.com", subject="Hello", auto_submitted="no") is None
    assert message_noise_reason(None, subject="Hello") is None
