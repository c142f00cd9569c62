"""What a team member's departure would cost: orphaned contacts, weakened accounts and who
should take over. Pure; the rules of `scoring.account_health` and `scoring.threads` are read
twice, with and without the leaver's ties.

- **Orphaned contact**: a contact (not marked as left) with an active tie today whose every
  active tie (Moderate or better, from a current member) is the leaver's.
- **Account impact**: an account one of the leaver's contacts works at that would become
  *uncovered* (active contacts today, none without the leaver) or *single-threaded* (not
  single-threaded today, single-threaded without the leaver). The value at risk is its annual
  value.
- **Successor** for a contact: the current colleague with the next-best tie to them; else the
  one with the strongest tie to someone close to them (an `ASSOCIATED_WITH` contact at the same
  account); else the leaver's strongest `WORKS_WITH` colleague, to hand over to. For an
  account: the colleague with the strongest remaining tie into it (for a new single thread:
  who could add a second thread, `scoring.threads.second_thread`); else the leaver's closest
  colleague.
"""

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from scoring.account_health import AccountInput, ContactInput, HeldTie, active_holders
from scoring.profile import ScoringProfile
from scoring.threads import (
    AccountThreads,
    ColleagueTie,
    Suggestion,
    account_threads,
    closest_colleague,
    second_thread,
    staying,
    strongest_tie,
)
from tiegraph.domain import PersonRef


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Becomes(StrEnum):
    """What an account turns into when the member leaves."""

    UNCOVERED = "uncovered"
    SINGLE_THREADED = "single_threaded"


class CloseContact(_Frozen):
    """Someone close to a contact (same account, seen together), with ties to them."""

    contact: ContactInput
    tie_score: float


class OrphanedContact(_Frozen):
    """A contact left with no active tie, the leaver's tie to them, and a successor."""

    contact: PersonRef
    account_domain: str | None
    leaver_tie: HeldTie
    successor: Suggestion | None


class AccountImpact(_Frozen):
    """An account that would become uncovered or single-threaded."""

    domain: str
    name: str | None
    annual_value: float | None
    becomes: Becomes
    after: AccountThreads
    value_at_risk: float | None
    successor: Suggestion | None


def without(contact: ContactInput, member: str) -> ContactInput:
    """The contact as it would stand with `member`'s tie gone."""
    return contact.model_copy(
        update={"ties": tuple(t for t in contact.ties if t.member.email != member)}
    )


def account_without(account: AccountInput, member: str) -> AccountInput:
    """The account as it would stand with `member`'s ties gone."""
    return account.model_copy(
        update={"contacts": tuple(without(c, member) for c in account.contacts)}
    )


def is_orphaned(contact: ContactInput, member: str, profile: ScoringProfile, at: datetime) -> bool:
    """True when the contact is active today and every active tie is `member`'s."""
    if not staying([contact], at):
        return False
    held = active_holders(contact, profile, at)
    return bool(held) and all(h.member.email == member for h in held)


def _handover(
    member: str, colleagues: Sequence[ColleagueTie], profile: ScoringProfile, at: datetime
) -> Suggestion | None:
    near = closest_colleague(member, colleagues, profile, at)
    if near is None:
        return None
    return near.model_copy(update={"reason": near.reason + ": hand over to them"})


def contact_successor(
    contact: ContactInput,
    close: Sequence[CloseContact],
    member: str,
    colleagues: Sequence[ColleagueTie],
    profile: ScoringProfile,
    at: datetime,
) -> Suggestion | None:
    """Who should take over a contact (module docstring)."""
    direct = strongest_tie([without(contact, member)], lambda m, c: True, profile, at)
    if direct is not None:
        return direct.model_copy(update={"reason": direct.reason + ": the next-best tie"})
    near = [without(c.contact, member) for c in sorted(close, key=lambda c: -c.tie_score)]
    nearby = strongest_tie(near, lambda m, c: True, profile, at)
    if nearby is not None:
        reason = f"{nearby.reason}, who works with {contact.contact.named}"
        return nearby.model_copy(update={"reason": reason})
    return _handover(member, colleagues, profile, at)


def account_impact(
    account: AccountInput,
    member: str,
    colleagues: Sequence[ColleagueTie],
    profile: ScoringProfile,
    at: datetime,
) -> AccountImpact | None:
    """How the account changes without `member`, or None when it does not get worse."""
    before = account_threads(account, profile, at)
    after = account_threads(account_without(account, member), profile, at)
    if before.active and not after.active:
        becomes = Becomes.UNCOVERED
        kept = staying(after.account.contacts, at)
        successor = strongest_tie(kept, lambda m, c: True, profile, at)
        if successor is not None:
            successor = successor.model_copy(
                update={"reason": successor.reason + ": the strongest tie left in the account"}
            )
    elif before.thread is None and after.thread is not None:
        becomes = Becomes.SINGLE_THREADED
        successor = second_thread(after, (), profile, at)
    else:
        return None
    return AccountImpact(
        domain=account.domain,
        name=account.name,
        annual_value=account.annual_value,
        becomes=becomes,
        after=after,
        value_at_risk=account.annual_value,
        successor=successor or _handover(member, colleagues, profile, at),
    )


__all__ = [
    "AccountImpact",
    "Becomes",
    "CloseContact",
    "OrphanedContact",
    "account_impact",
    "account_without",
    "contact_successor",
    "is_orphaned",
    "without",
]
