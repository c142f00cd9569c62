"""Noise rules shared by every source: robots, mailing lists, bulk mail, auto-replies.

Each rule is a small pure function on already-decoded header values, so a parser for
another source (a CRM's logged emails, a calendar's organizer) can reuse it. The reason
keys are stable: they end up in ingestion reports and dashboards.
"""

import re

AUTOMATED_SENDER = "automated-sender"
MAILING_LIST = "mailing-list"
BULK = "bulk"
AUTO_REPLY = "auto-reply"

# A local part that is a robot or a shared role mailbox. The optional tail admits
# "+tag" and "-123" style suffixes used by bounce handlers and ticketing systems.
_ROBOT_LOCAL = re.compile(
    r"^(?:no-?reply|do-?not-?reply|notifications?|billing|invoices?|mailer-daemon"
    r"|postmaster|bounces?|calendar-notification|calendar-server)(?:[+\-_.].*)?$"
)
# Google Calendar sends invitations from calendar-notification@google.com and names
# rooms and shared calendars with addresses on these domains; none of them is a person.
_ROBOT_DOMAINS = ("calendar.google.com",)

_BULK_PRECEDENCE = frozenset({"bulk", "list", "junk"})

# Anchored at the start so a real subject that merely mentions an absence
# ("Coverage while Ann is out of office") is kept; "[Out of Office]" still matches.
_AUTO_REPLY_SUBJECT = re.compile(
    r"^\W*(?:out of (?:the )?office|automatic reply|auto-?reply|abwesenheitsnotiz"
    r"|automatische antwort|réponse automatique)\b",
    re.IGNORECASE,
)


def is_automated_address(address: str) -> bool:
    """True for a robot or role mailbox (`noreply@`, `billing@`, a Google calendar robot).

    `address` must already be normalised (bare and lower-case).
    """
    local, _, domain = address.rpartition("@")
    if _ROBOT_LOCAL.match(local):
        return True
    return any(domain == d or domain.endswith("." + d) for d in _ROBOT_DOMAINS)


def is_mailing_list(list_id: str | None, list_unsubscribe: str | None) -> bool:
    """True when either RFC 2919/2369 list header is present and non-empty."""
    return bool((list_id or "").strip() or (list_unsubscribe or "").strip())


def is_bulk(precedence: str | None) -> bool:
    """True for `Precedence: bulk`, `list` or `junk` (RFC 3834 section 3.1.8)."""
    return (precedence or "").strip().lower() in _BULK_PRECEDENCE


def is_auto_reply(auto_submitted: str | None, subject: str | None) -> bool:
    """True for `Auto-Submitted` other than `no` (RFC 3834) or an out-of-office subject."""
    # The value may carry parameters ("auto-replied; owner-email=..."); only the keyword counts.
    keyword = (auto_submitted or "").split(";", 1)[0].strip().lower()
    if keyword and keyword != "no":
        return True
    return bool(subject and _AUTO_REPLY_SUBJECT.search(subject))


def message_noise_reason(
    sender: str | None,
    *,
    subject: str | None = None,
    list_id: str | None = None,
    list_unsubscribe: str | None = None,
    precedence: str | None = None,
    auto_submitted: str | None = None,
) -> str | None:
    """The reason key to skip a message for, or None to keep it.

    Rules are checked in a fixed order (automated sender, mailing list, bulk, auto-reply)
    so the same message always reports the same reason.
    """
    if sender is not None and is_automated_address(sender):
        return AUTOMATED_SENDER
    if is_mailing_list(list_id, list_unsubscribe):
        return MAILING_LIST
    if is_bulk(precedence):
        return BULK
    if is_auto_reply(auto_submitted, subject):
        return AUTO_REPLY
    return None
