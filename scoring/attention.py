"""The attention feed: what a rep or manager should look at first, and why. Pure.

Four kinds of item, each with a severity, a reason in words and a suggested next step:

- **Champion who moved** (high): a contact who met the champion criteria at their old
  account and moved (`scoring.account_health.find_move`): a lost voice at the old account and a
  warm door at the new one.
- **Key contact who moved** (medium): the same for a contact who was no champion but held a
  Good-or-better tie at their last interaction at the old account.
- **Single-threaded account** (high from `HIGH_VALUE` annual value, medium from
  `MEDIUM_VALUE`, else low): the account's every active tie runs through one member or one
  contact (`scoring.threads`).
- **Key tie going cold**: a tie that was Good or better at its last two-way exchange, with no
  two-way exchange since for at least the first `cold_after_days` mark (30). Severity follows
  the marks: high past the last (90), medium past the second (60), low past the first. Ties
  silent for more than `FORGET_AFTER_DAYS` are history, not attention.
- **Rising advocate** (low: an opportunity, not a risk): a tie Good or better and rising.

Order: severity, then kind in the order above, then the size of what is at stake (annual
value for accounts, the tie's score for ties), then names, so the feed is stable.
"""

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from scoring.account_health import KEY_LABEL, Move, label_at_least
from scoring.formula import TieTrend
from scoring.profile import ScoringProfile
from scoring.threads import AccountThreads, Suggestion
from scoring.tie_score import quick_score
from scoring.tie_state import TieState
from tiegraph.domain import PersonRef

HIGH_VALUE = 250_000.0
MEDIUM_VALUE = 50_000.0
KEY_TIE_LABEL = KEY_LABEL
FORGET_AFTER_DAYS = 365
# A rising advocate is someone heard from in this many days (the feed reads only those ties).
RISING_WITHIN_DAYS = 30
_DAY = 86_400.0


class AttentionKind(StrEnum):
    """What an item is about, in feed order within a severity."""

    CHAMPION_MOVED = "champion_moved"
    KEY_CONTACT_MOVED = "key_contact_moved"
    SINGLE_THREADED = "single_threaded"
    COLD_TIE = "cold_tie"
    RISING_ADVOCATE = "rising_advocate"


class Severity(StrEnum):
    """How soon an item needs acting on."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


_SEVERITY_ORDER = list(Severity)
_KIND_ORDER = list(AttentionKind)


class AttentionItem(BaseModel):
    """One thing to look at, with why and what to do next."""

    model_config = ConfigDict(frozen=True)

    kind: AttentionKind
    severity: Severity
    reason: str
    next_step: str
    member: PersonRef | None = None
    contact: PersonRef | None = None
    account_domain: str | None = None
    value_at_risk: float | None = None
    score: float | None = None


def value_severity(value: float | None) -> Severity:
    """The severity of a single thread by the account's annual value."""
    if value is not None and value >= HIGH_VALUE:
        return Severity.HIGH
    if value is not None and value >= MEDIUM_VALUE:
        return Severity.MEDIUM
    return Severity.LOW


def cold_tie_item(
    member: PersonRef, contact: PersonRef, state: TieState, profile: ScoringProfile, at: datetime
) -> AttentionItem | None:
    """An item for a key tie going cold, or None when the tie is not key or not cold."""
    last = state.last_two_way_at
    marks = sorted(profile.cold_after_days)
    if last is None or not marks:
        return None
    days = (at - last).total_seconds() / _DAY
    peak = quick_score(state, profile, last)
    if not marks[0] <= days <= FORGET_AFTER_DAYS or not label_at_least(peak.label, KEY_TIE_LABEL):
        return None
    passed = [m for m in marks if days >= m]
    severity = (
        Severity.HIGH if len(passed) >= 3 else Severity.MEDIUM if len(passed) == 2 else Severity.LOW
    )
    now = quick_score(state, profile, at)
    return AttentionItem(
        kind=AttentionKind.COLD_TIE,
        severity=severity,
        member=member,
        contact=contact,
        score=now.score,
        reason=f"{member.named} and {contact.named} were {peak.label} ({peak.score:g}); no "
        f"two-way exchange for {int(days)} days (last {last:%Y-%m-%d}), now {now.label} "
        f"({now.score:g})",
        next_step=f"{member.named}: get back in touch with {contact.named} (a call or meeting "
        "counts most)",
    )


def rising_item(
    member: PersonRef, contact: PersonRef, state: TieState, profile: ScoringProfile, at: datetime
) -> AttentionItem | None:
    """An item for a rising advocate, or None unless the tie is Good or better, rising, and
    active in the last `RISING_WITHIN_DAYS`."""
    if state.last_at is None or (at - state.last_at).total_seconds() >= RISING_WITHIN_DAYS * _DAY:
        return None  # before scoring: the team feed asks this of thousands of ties
    score = quick_score(state, profile, at)
    if score.trend is not TieTrend.RISING or not label_at_least(score.label, KEY_TIE_LABEL):
        return None
    return AttentionItem(
        kind=AttentionKind.RISING_ADVOCATE,
        severity=Severity.LOW,
        member=member,
        contact=contact,
        score=score.score,
        reason=f"{contact.named} is engaging more and more with {member.named} "
        f"({score.label}, {score.score:g}, rising)",
        next_step=f"{member.named}: bring {contact.named} closer (a meeting with a senior "
        "colleague, a reference, an early look)",
    )


def single_thread_item(threads: AccountThreads, second: Suggestion | None) -> AttentionItem | None:
    """An item for a single-threaded account, or None when it is not single-threaded."""
    thread = threads.thread
    if thread is None:
        return None
    account = threads.account
    through = " and ".join(p.named for p in (thread.member, thread.contact) if p is not None)
    step = (
        f"{second.member.named} to add a second thread ({second.reason})"
        if second
        else "find a second contact and a second colleague for the account"
    )
    return AttentionItem(
        kind=AttentionKind.SINGLE_THREADED,
        severity=value_severity(account.annual_value),
        member=thread.member,
        contact=thread.contact,
        account_domain=account.domain,
        value_at_risk=threads.value_at_risk,
        reason=f"every active tie to {account.name or account.domain} runs through {through}",
        next_step=step,
    )


def moved_contact_item(move: Move) -> AttentionItem | None:
    """An item for a champion or key contact who moved, or None when they were neither (as
    of their last interaction at the old account)."""
    if not move.was_key:
        return None
    moved_to = f" to {move.account_after}" if move.account_after else ""
    at_new = f" at {move.account_after}" if move.account_after else ""
    who = move.introducers[0].named if move.introducers else "whoever knew them"
    role = "champion" if move.was_champion else "key contact"
    return AttentionItem(
        kind=AttentionKind.CHAMPION_MOVED if move.was_champion else AttentionKind.KEY_CONTACT_MOVED,
        severity=Severity.HIGH if move.was_champion else Severity.MEDIUM,
        member=move.introducers[0] if move.introducers else None,
        contact=move.person_after or move.person_before,
        account_domain=move.account_before,
        reason=f"{role} {move.person_before.named} left {move.account_before}{moved_to}: "
        f"{move.reason}",
        next_step=f"{who}: congratulate them{at_new} and find a new {role} at "
        f"{move.account_before}",
    )


def _order(item: AttentionItem) -> tuple[int, int, float, str, str, str]:
    stake = item.value_at_risk if item.value_at_risk is not None else item.score or 0.0
    return (
        _SEVERITY_ORDER.index(item.severity),
        _KIND_ORDER.index(item.kind),
        -stake,
        item.account_domain or "",
        item.contact.email if item.contact else "",
        item.member.email if item.member else "",
    )


def rank_items(items: Iterable[AttentionItem], first: int) -> list[AttentionItem]:
    """The first `first` items in feed order (module docstring), duplicates dropped."""
    unique = {(i.kind, i.account_domain, i.contact, i.member): i for i in items}
    return sorted(unique.values(), key=_order)[: max(first, 0)]


__all__ = [
    "FORGET_AFTER_DAYS",
    "HIGH_VALUE",
    "KEY_TIE_LABEL",
    "MEDIUM_VALUE",
    "AttentionItem",
    "AttentionKind",
    "Severity",
    "cold_tie_item",
    "moved_contact_item",
    "rank_items",
    "rising_item",
    "single_thread_item",
    "value_severity",
]
