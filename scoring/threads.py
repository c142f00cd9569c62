"""Single threads across accounts, second threads and successors. Pure.

Single-thread detection is `scoring.account_health`'s rule, applied the same way: contacts
marked as left are set aside, active contacts are those with a Moderate-or-better tie from a
current member, and the account is single-threaded when every active tie runs through one
member, one contact, or both. (The list over many accounts does not look for namesakes at other
accounts, which only `accountHealth` does: a move seen only that way still counts here.)

Who could add a second thread ("nearest colleague"):

1. the current team member, other than the thread, with the strongest existing tie into the
   account that would be a second thread (another member on any contact for a member thread;
   any member on another contact for a contact thread): growing it to Moderate adds the thread;
2. otherwise, for a member thread, the holder's strongest current `WORKS_WITH` colleague, whom
   the holder can bring into the account;
3. otherwise, for a contact thread, the contact's strongest holder, who can ask the contact to
   bring in a colleague.
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from scoring.account_health import (
    AccountInput,
    ActiveContact,
    ContactInput,
    SingleThread,
    ThreadKind,
    TieInput,
    active_holders,
    current_ties,
    find_move,
    is_departed,
    seniority_level,
    single_thread,
)
from scoring.profile import ScoringProfile
from scoring.strength import TieLabel
from scoring.tie_score import label_for, quick_score, shown_score
from scoring.tie_state import TieState
from tiegraph.domain import PersonRef


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ColleagueTie(_Frozen):
    """A team member's WORKS_WITH tie to a colleague, with the colleague's roster `left_on`."""

    colleague: PersonRef
    left_on: date | None = None
    state: TieState


class Suggestion(_Frozen):
    """A team member suggested to take over or add a thread, and why."""

    member: PersonRef
    contact: PersonRef | None
    score: float | None
    label: TieLabel | None
    reason: str


class AccountThreads(_Frozen):
    """An account's active contacts and its single thread (None when it has several)."""

    account: AccountInput
    active: tuple[ActiveContact, ...]
    thread: SingleThread | None

    @property
    def value_at_risk(self) -> float | None:
        """The annual value when single-threaded (None when unknown), else 0."""
        return 0.0 if self.thread is None else self.account.annual_value

    def held_by(self, member: str) -> bool:
        """Whether `member` holds the single thread: is its one member, or holds an active
        tie to its one contact. False when the account is not single-threaded."""
        if self.thread is None:
            return False
        if self.thread.member is not None:
            return self.thread.member.email == member
        return any(h.member.email == member for c in self.active for h in c.holders)


TiePicker = Callable[[str, str], bool]


def staying(contacts: Iterable[ContactInput], at: datetime) -> list[ContactInput]:
    """The contacts that have not moved (by the rules of `scoring.account_health`)."""
    return [c for c in contacts if c.left_on is None or not is_departed(c.left_on, at)]


def active_contacts(
    contacts: Iterable[ContactInput], profile: ScoringProfile, at: datetime
) -> tuple[ActiveContact, ...]:
    """Contacts with a Moderate-or-better tie from a current member, and those holders."""
    found = []
    for contact in contacts:
        held = active_holders(contact, profile, at)
        if held:
            level = seniority_level(contact.seniority)
            found.append(ActiveContact(contact=contact.contact, seniority=level, holders=held))
    return tuple(found)


def account_threads(account: AccountInput, profile: ScoringProfile, at: datetime) -> AccountThreads:
    """The account's active contacts and single thread, as `account_health` finds them."""
    kept = [c for c in account.contacts if find_move(c, profile, at) is None]
    active = active_contacts(kept, profile, at)
    return AccountThreads(account=account, active=active, thread=single_thread(active))


def strongest_tie(
    contacts: Sequence[ContactInput], wanted: TiePicker, profile: ScoringProfile, at: datetime
) -> Suggestion | None:
    """The strongest tie (score above 0) from a current member that `wanted(member, contact)`
    accepts, as a suggestion; None when there is none."""
    # Ranked by (-score, member, contact), the score as quick_score gives it (its trend is
    # not shown here); only the winner becomes a Suggestion.
    best: tuple[tuple[float, str, str], TieInput, PersonRef] | None = None
    for contact in contacts:
        for tie in current_ties(contact, at):
            if not wanted(tie.member.email, contact.contact.email):
                continue
            score = shown_score(tie.state, profile, at)
            key = (-score, tie.member.email, contact.contact.email)
            if score > 0 and (best is None or key < best[0]):
                best = (key, tie, contact.contact)
    if best is None:
        return None
    (negative, _, _), tie, person = best
    score = -negative
    label = label_for(score, profile).label
    return Suggestion(
        member=tie.member,
        contact=person,
        score=score,
        label=label,
        reason=f"{tie.member.named} already knows {person.named} ({label}, {score:g})",
    )


def closest_colleague(
    member: str,
    colleagues: Sequence[ColleagueTie],
    profile: ScoringProfile,
    at: datetime,
    exclude: frozenset[str] = frozenset(),
) -> Suggestion | None:
    """`member`'s strongest current colleague by WORKS_WITH score, not in `exclude`."""
    scored = [
        (quick_score(c.state, profile, at), c)
        for c in colleagues
        if not is_departed(c.left_on, at) and c.colleague.email not in exclude | {member}
    ]
    scored = [(s, c) for s, c in scored if s.score > 0]
    if not scored:
        return None
    score, tie = min(scored, key=lambda sc: (-sc[0].score, sc[1].colleague.email))
    return Suggestion(
        member=tie.colleague,
        contact=None,
        score=score.score,
        label=score.label,
        reason=f"works most closely with {member} ({score.label}, {score.score:g})",
    )


def second_thread(
    threads: AccountThreads,
    colleagues: Sequence[ColleagueTie],
    profile: ScoringProfile,
    at: datetime,
) -> Suggestion | None:
    """Who could add a second thread to a single-threaded account (module docstring)."""
    thread = threads.thread
    if thread is None:
        return None
    member = None if thread.member is None else thread.member.email
    contact = None if thread.contact is None else thread.contact.email
    kept = staying(threads.account.contacts, at)

    def other(m: str, c: str) -> bool:
        if thread.by is ThreadKind.MEMBER:
            return m != member
        if thread.by is ThreadKind.CONTACT:
            return c != contact
        return m != member or c != contact

    found = strongest_tie(kept, other, profile, at)
    if found is not None:
        return found.model_copy(
            update={"reason": found.reason + ": growing it to Moderate adds a second thread"}
        )
    if member is not None:
        near = closest_colleague(member, colleagues, profile, at)
        if near is not None:
            return near.model_copy(
                update={"reason": near.reason + f": {member} can bring them into the account"}
            )
    holders = [h for c in threads.active for h in c.holders]
    if thread.by is ThreadKind.CONTACT and holders:
        best = holders[0]
        return Suggestion(
            member=best.member,
            contact=thread.contact,
            score=best.score,
            label=best.label,
            reason=f"holds the only thread; can ask {contact} to bring in a colleague",
        )
    return None


__all__ = [
    "AccountThreads",
    "ColleagueTie",
    "Suggestion",
    "account_threads",
    "active_contacts",
    "closest_colleague",
    "second_thread",
    "staying",
    "strongest_tie",
]
