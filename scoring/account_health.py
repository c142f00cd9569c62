"""Account health from ties: coverage, single threads, going cold, champions and moves. Pure.

The graph layer (`graph.health`) reads an account's contacts, every `KNOWS` tie to them and a
few aggregated interaction facts in one query; everything below is plain functions over those
inputs, so every rule is unit-tested without a database. Numbers are this module's constants
and the profile's (`cold_after_days`, `coverage_standards`, the label bands).

Rules (README-ready; defaults shown):

- **Current team member**: one whose roster `left_on` is empty or after the moment asked about.
  Ties held by members who left are shown on a contact but never count below.
- **Active contact**: a contact who still works at the account (see *moved*) with at least one
  tie from a current team member labelled Moderate or better (score ≥ 40); its *holders* are
  those members, strongest first. Active contacts are counted by seniority (executive, vp,
  director, manager, individual, and `unknown` when no title is on record).
- **Coverage**: the standard of the account's tier (`coverage_standards`, matched without
  regard to case; default `strategic`: ≥ 3 active contacts at director level or above, i.e.
  director, vp or executive; ≥ 1 active executive (C-level, founder, president, managing
  director, owner, partner: the `executive` level, not vp); ≥ 1 champion). Each shortfall is
  one gap such as "2 of 3 active contacts at director level or above". A tier without a
  standard (or no tier) gives `met = null` and no gaps.
- **Single-threaded**: all active ties (current member, active contact) run through one team
  member (`member`), through one contact (`contact`), or both when there is exactly one such
  tie (`both`). Value at risk is then the account's annual value (null when unknown), else 0.
  An account with no active tie at all is not single-threaded (it has no thread).
- **Going cold**: days since the last two-way exchange with any contact of the account (a
  meeting or call, or a contact writing to us; admin mail never builds one), read against
  `cold_after_days` (30, 60, 90): the level is the largest mark passed, null below the first;
  no two-way exchange on record is the coldest level. Two more signs are reported as reasons:
  *meetings down*, when the 90 days six months back (270 to 180 days ago) held at least 2
  meetings or calls the account attended and the last 90 days hold at most half as many; and
  *only admin touchpoints lately*, when the account's latest 3 interactions (fewer if it has
  fewer, at least one) are all admin touchpoints (invoices, receipts, payments...).
- **Champion**: a contact who, over their ties with current team members taken together,
  (1) started at least 30% of the interactions whose initiator is known, (2) answers our
  messages with a median delay under 4 hours (at least one timed reply), (3) brought
  colleagues from their own company into a meeting or thread at least once, and (4) whose
  strongest such tie is Good or better (score ≥ 60). Each unmet criterion is reported.
- **Rising advocate**: an active contact with a tie from a current member that is rising
  (recent pace at least twice the longer-term pace) and Good or better. Champions can be
  rising advocates too.
- **Moved** (a contact who left): the contact is marked left (`left_on` on or before the
  moment; no import sets it yet), or, conservatively, another contact has the *same name*
  (case and spacing ignored) *and the same local part* (`joe@` in `joe@acme.com` and
  `joe@newco.com`), works at a different account, and has a more recent last interaction
  with us. Two people who only share a name stay two people. A moved contact no longer
  counts for the old account (coverage, threads, champions). Their standing there is judged
  as of their last interaction at the old address (the old ties only fade after a move, so
  today's score says nothing): a *key contact* was a champion then or held a Good-or-better
  tie with a current member then. The old account lists every key contact who left under
  *departed key contacts* and the new account under *arriving key contacts* (champions also
  under *departed* and *arriving champions*): the same move, reported on both sides, with the
  current team members who knew them (strongest first) as introducers.

Ties are stored aggregates that hold everything ingested, so an `as_of` before the latest
interactions reads them as of their last touchpoint (see `scoring.formula`).
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import reduce

from pydantic import BaseModel, ConfigDict

from scoring.explain import median_reply_bucket
from scoring.formula import TieTrend
from scoring.profile import CoverageStandard, ScoringProfile
from scoring.strength import TieLabel
from scoring.tie_score import quick_score
from scoring.tie_state import EMPTY_STATE, REPLY_BUCKET_LABELS, TieState, combine
from tiegraph.domain import PersonRef

# The values of ingest.parsers.reference.Seniority, top down. Repeated here as plain strings
# so that scoring/ does not depend on ingest/ (a unit test keeps the two in step).
SENIORITY_LEVELS: tuple[str, ...] = ("executive", "vp", "director", "manager", "individual")
UNKNOWN_SENIORITY = "unknown"
DIRECTOR_OR_ABOVE = frozenset({"executive", "vp", "director"})
EXECUTIVE = "executive"

ACTIVE_LABEL = TieLabel.MODERATE
CHAMPION_LABEL = TieLabel.GOOD
# A key contact holds a tie this good with a current member (the feed's key ties too).
KEY_LABEL = TieLabel.GOOD
RISING_LABEL = TieLabel.GOOD
# A champion starts things: at least this share of the interactions with a known initiator.
CHAMPION_MIN_INITIATED_SHARE = 0.3
# ...answers fast: median reply bucket at most this (index 1 = "under 4 hours")...
CHAMPION_MAX_REPLY_BUCKET = 1
# ...and vouches for us internally by bringing colleagues in at least this often.
CHAMPION_MIN_COLLEAGUE_INTROS = 1

# Meetings are compared over two windows of this many days: the last ones, and the same span
# six months (COMPARISON_OFFSET_DAYS) earlier, so seasonality within a year matters less.
ACTIVITY_WINDOW_DAYS = 90
COMPARISON_OFFSET_DAYS = 180
# Fewer earlier meetings than this and "down" would be noise (1 -> 0 is not a trend).
MEETINGS_DOWN_MIN_BEFORE = 2
MEETINGS_DOWN_RATIO = 0.5
# "Only admin lately" looks at this many of the account's latest interactions.
ADMIN_ONLY_LATEST = 3

_LABEL_RANK = {label: rank for rank, label in enumerate(reversed(TieLabel))}
_SECONDS_PER_DAY = 86_400.0


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


# Inputs: what the graph layer reads.


class TieInput(_Frozen):
    """One team member's stored tie to a contact, with the member's roster `left_on`."""

    member: PersonRef
    member_left_on: date | None = None
    state: TieState


class ContactInput(_Frozen):
    """A contact with every team member's tie to them.

    `namesakes` are other contacts that may be the same person at another company (the query
    pre-selects same name and local part; `is_namesake` is the rule that decides).
    """

    contact: PersonRef
    seniority: str | None = None
    left_on: date | None = None
    account_domain: str | None = None
    ties: tuple[TieInput, ...] = ()
    namesakes: tuple["ContactInput", ...] = ()


class AccountActivity(_Frozen):
    """Interaction facts of an account up to the moment asked about (see `activity_windows`)."""

    last_interaction_at: datetime | None = None
    # Meetings and calls an account contact attended, in the recent and the earlier window.
    meetings_recent: int = 0
    meetings_before: int = 0
    # is_admin of the account's latest interactions, newest first (up to ADMIN_ONLY_LATEST).
    latest_admin: tuple[bool, ...] = ()


class AccountInput(_Frozen):
    """An account, its contacts (with their ties) and its interaction facts."""

    domain: str
    name: str | None = None
    tier: str | None = None
    annual_value: float | None = None
    contacts: tuple[ContactInput, ...] = ()
    activity: AccountActivity = AccountActivity()


class ActivityWindows(_Frozen):
    """The time bounds the interaction facts are counted over: (start, end] each."""

    as_of: datetime
    recent_from: datetime
    before_from: datetime
    before_to: datetime
    latest: int


# Outputs.


class HeldTie(_Frozen):
    """A team member's tie to a contact, scored; `departed` when the member has left."""

    member: PersonRef
    score: float
    label: TieLabel
    trend: TieTrend
    departed: bool
    last_interaction_at: datetime | None
    last_two_way_at: datetime | None


class ActiveContact(_Frozen):
    """A contact with an active tie, and the current members holding one (strongest first)."""

    contact: PersonRef
    seniority: str
    holders: tuple[HeldTie, ...]


class SeniorityCount(_Frozen):
    """How many active contacts sit at one seniority level, and how many members hold them."""

    level: str
    contacts: int
    members: int


class Coverage(_Frozen):
    """The account's coverage against its tier's standard; `met` is None without one."""

    tier: str | None
    standard: CoverageStandard | None
    director_or_above: int
    executives: int
    champions: int
    met: bool | None
    gaps: tuple[str, ...]


class ThreadKind(StrEnum):
    """Where an account's only thread runs."""

    MEMBER = "member"
    CONTACT = "contact"
    BOTH = "both"


class SingleThread(_Frozen):
    """The one team member and/or the one contact all active ties run through."""

    by: ThreadKind
    member: PersonRef | None
    contact: PersonRef | None


class ColdReading(_Frozen):
    """How cold an account is getting, with a sentence per sign found."""

    level: int | None
    last_two_way_at: datetime | None
    days_since_two_way: float | None
    meetings_recent: int
    meetings_before: int
    meetings_down: bool
    admin_only_lately: bool
    last_interaction_at: datetime | None
    reasons: tuple[str, ...]

    @property
    def is_cold(self) -> bool:
        """True when any sign of cooling was found."""
        return bool(self.reasons)


class ChampionCheck(_Frozen):
    """The champion criteria for one contact, with the numbers and what is missing."""

    is_champion: bool
    initiated_share: float | None
    median_reply: str | None
    brought_colleagues: int
    best_label: TieLabel | None
    missing: tuple[str, ...]


class Champion(_Frozen):
    """A contact who meets the champion criteria."""

    contact: PersonRef
    seniority: str
    check: ChampionCheck


class Move(_Frozen):
    """A contact who left an account, and where they went when we can tell.

    `person_after`/`account_after` are None when the contact is only marked as left. The
    introducers are current team members who had a tie with them at the old address.
    """

    person_before: PersonRef
    account_before: str | None
    person_after: PersonRef | None
    account_after: str | None
    left_on: date | None
    last_interaction_before: datetime | None
    last_interaction_after: datetime | None
    was_champion: bool
    # A key contact there: champion, or a Good-or-better tie with a current member, as of
    # their last interaction at the old address.
    was_key: bool
    introducers: tuple[PersonRef, ...]
    reason: str


class AccountHealth(_Frozen):
    """Everything the account-health answer says about one account at one moment."""

    domain: str
    name: str | None
    tier: str | None
    annual_value: float | None
    as_of: datetime
    active_contacts: tuple[ActiveContact, ...]
    by_seniority: tuple[SeniorityCount, ...]
    holders: tuple[PersonRef, ...]
    coverage: Coverage
    single_threaded: SingleThread | None
    value_at_risk: float | None
    cold: ColdReading
    champions: tuple[Champion, ...]
    rising_advocates: tuple[ActiveContact, ...]
    departed_champions: tuple[Move, ...]
    arriving_champions: tuple[Move, ...]
    # Every key contact who left or arrived (champions among them).
    departed_key_contacts: tuple[Move, ...]
    arriving_key_contacts: tuple[Move, ...]


class ContactHealth(_Frozen):
    """One contact: every tie to them, champion criteria, trend, and any move."""

    contact: PersonRef
    seniority: str
    account_domain: str | None
    as_of: datetime
    ties: tuple[HeldTie, ...]
    active: bool
    champion: ChampionCheck
    rising: bool
    moved: Move | None
    joined_from: Move | None


# Small rules.


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("as_of needs a time zone")
    return moment.astimezone(UTC)


def _days(later: datetime, earlier: datetime) -> float:
    return max((later - earlier).total_seconds() / _SECONDS_PER_DAY, 0.0)


def _latest(moments: Iterable[datetime | None]) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def label_at_least(label: TieLabel, floor: TieLabel) -> bool:
    """True when `label` is `floor` or a stronger one."""
    return _LABEL_RANK[label] >= _LABEL_RANK[floor]


def seniority_level(value: str | None) -> str:
    """A known seniority level, or "unknown" when none is on record (no title imported)."""
    text = (value or "").strip().lower()
    return text if text in SENIORITY_LEVELS else UNKNOWN_SENIORITY


def is_departed(left_on: date | None, as_of: datetime) -> bool:
    """True when a roster (or contact) `left_on` is on or before the day of `as_of` (UTC)."""
    return left_on is not None and left_on <= _utc(as_of).date()


def activity_windows(as_of: datetime) -> ActivityWindows:
    """The windows `AccountActivity` is counted over, ending at `as_of`."""
    end = _utc(as_of)
    before_to = end - timedelta(days=COMPARISON_OFFSET_DAYS)
    return ActivityWindows(
        as_of=end,
        recent_from=end - timedelta(days=ACTIVITY_WINDOW_DAYS),
        before_from=before_to - timedelta(days=ACTIVITY_WINDOW_DAYS),
        before_to=before_to,
        latest=ADMIN_ONLY_LATEST,
    )


def current_ties(contact: ContactInput, as_of: datetime) -> tuple[TieInput, ...]:
    """The contact's ties held by team members who have not left."""
    return tuple(t for t in contact.ties if not is_departed(t.member_left_on, as_of))


def last_interaction(contact: ContactInput) -> datetime | None:
    """The contact's last interaction with anyone on the team (departed members included)."""
    return _latest(t.state.last_at for t in contact.ties)


def held_tie(tie: TieInput, profile: ScoringProfile, as_of: datetime) -> HeldTie:
    """Score one tie at `as_of` and note whether its holder has left."""
    score = quick_score(tie.state, profile, as_of)
    return HeldTie(
        member=tie.member,
        score=score.score,
        label=score.label,
        trend=score.trend,
        departed=is_departed(tie.member_left_on, as_of),
        last_interaction_at=tie.state.last_at,
        last_two_way_at=tie.state.last_two_way_at,
    )


def _strongest_first(ties: Iterable[HeldTie]) -> tuple[HeldTie, ...]:
    return tuple(sorted(ties, key=lambda t: (t.departed, -t.score, t.member.email)))


def active_holders(
    contact: ContactInput, profile: ScoringProfile, as_of: datetime
) -> tuple[HeldTie, ...]:
    """Current members whose tie to the contact is Moderate or better, strongest first."""
    scored = (held_tie(t, profile, as_of) for t in current_ties(contact, as_of))
    return _strongest_first(t for t in scored if label_at_least(t.label, ACTIVE_LABEL))


def champion_check(
    ties: Sequence[TieInput], profile: ScoringProfile, at: datetime
) -> ChampionCheck:
    """The champion criteria over `ties` taken together, the strongest scored at `at`."""
    state = reduce(combine, (t.state for t in ties), EMPTY_STATE)
    initiated = state.a_initiated + state.b_initiated
    share = state.b_initiated / initiated if initiated else None
    median = median_reply_bucket(state.reply_buckets)
    labels = [quick_score(t.state, profile, at).label for t in ties]
    best = max(labels, key=lambda label: _LABEL_RANK[label]) if labels else None
    missing = []
    if share is None:
        missing.append("no interactions with a known initiator")
    elif share < CHAMPION_MIN_INITIATED_SHARE:
        missing.append(f"started {share:.0%} (needs {CHAMPION_MIN_INITIATED_SHARE:.0%})")
    limit = REPLY_BUCKET_LABELS[CHAMPION_MAX_REPLY_BUCKET]
    if median is None:
        missing.append(f"no timed replies (needs a median reply {limit})")
    elif median > CHAMPION_MAX_REPLY_BUCKET:
        missing.append(f"median reply {REPLY_BUCKET_LABELS[median]} (needs {limit})")
    if state.brought_colleagues_count < CHAMPION_MIN_COLLEAGUE_INTROS:
        missing.append("never brought colleagues in")
    if best is None or not label_at_least(best, CHAMPION_LABEL):
        missing.append(f"strongest tie {best or 'none'} (needs {CHAMPION_LABEL} or better)")
    return ChampionCheck(
        is_champion=not missing,
        initiated_share=share,
        median_reply=None if median is None else REPLY_BUCKET_LABELS[median],
        brought_colleagues=state.brought_colleagues_count,
        best_label=best,
        missing=tuple(missing),
    )


def is_rising(holders: Iterable[HeldTie]) -> bool:
    """True when a current member's tie is rising and Good or better."""
    return any(
        not t.departed and t.trend is TieTrend.RISING and label_at_least(t.label, RISING_LABEL)
        for t in holders
    )


# Moves.


def _name_key(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def _local_part(email: str) -> str:
    return email.rpartition("@")[0].casefold()


def _domain(email: str) -> str:
    return email.rpartition("@")[2].casefold()


def is_namesake(contact: ContactInput, other: ContactInput) -> bool:
    """The conservative same-person rule: same non-empty name, same local part, another
    email domain, and a known account that is not the contact's."""
    name = _name_key(contact.contact.name)
    return (
        bool(name)
        and name == _name_key(other.contact.name)
        and _local_part(contact.contact.email) == _local_part(other.contact.email)
        and _domain(contact.contact.email) != _domain(other.contact.email)
        and other.account_domain is not None
        and other.account_domain != contact.account_domain
    )


def _introducers(
    contact: ContactInput, profile: ScoringProfile, as_of: datetime
) -> tuple[PersonRef, ...]:
    at = last_interaction(contact) or as_of
    scored = (held_tie(t, profile, at) for t in current_ties(contact, as_of))
    return tuple(t.member for t in sorted(scored, key=lambda t: (-t.score, t.member.email)))


def _standing(contact: ContactInput, profile: ScoringProfile, as_of: datetime) -> tuple[bool, bool]:
    """(was a champion, was a key contact) at that address, judged as of their last
    interaction there: after a move the old ties only fade, so today's score says nothing."""
    at = last_interaction(contact) or as_of
    ties = current_ties(contact, as_of)
    champion = champion_check(ties, profile, at).is_champion
    key = any(label_at_least(quick_score(t.state, profile, at).label, KEY_LABEL) for t in ties)
    return champion, champion or key


def _move(
    before: ContactInput,
    after: ContactInput | None,
    profile: ScoringProfile,
    as_of: datetime,
) -> Move:
    left_on = before.left_on if is_departed(before.left_on, as_of) else None
    last_before = last_interaction(before)
    last_after = None if after is None else last_interaction(after)
    parts = [f"marked as left on {left_on.isoformat()}"] if left_on else []
    if after is not None and last_after is not None:
        since = f" (at {before.contact.named}: {last_before:%Y-%m-%d})" if last_before else ""
        parts.append(
            f"same name and local part now at {after.contact.named}, "
            f"last interaction {last_after:%Y-%m-%d}{since}"
        )
    was_champion, was_key = _standing(before, profile, as_of)
    return Move(
        person_before=before.contact,
        account_before=before.account_domain,
        person_after=None if after is None else after.contact,
        account_after=None if after is None else after.account_domain,
        left_on=left_on,
        last_interaction_before=last_before,
        last_interaction_after=last_after,
        was_champion=was_champion,
        was_key=was_key,
        introducers=_introducers(before, profile, as_of),
        reason="; ".join(parts),
    )


def _sooner(moment: datetime | None) -> datetime:
    return moment or datetime.min.replace(tzinfo=UTC)


def find_move(contact: ContactInput, profile: ScoringProfile, as_of: datetime) -> Move | None:
    """Where the contact went: marked as left, and/or a namesake seen more recently."""
    mine = _sooner(last_interaction(contact))
    later = [
        n
        for n in contact.namesakes
        if is_namesake(contact, n) and _sooner(last_interaction(n)) > mine
    ]
    after = max(later, key=lambda n: _sooner(last_interaction(n)), default=None)
    if after is None and not is_departed(contact.left_on, as_of):
        return None
    return _move(contact, after, profile, as_of)


def find_arrival(contact: ContactInput, profile: ScoringProfile, as_of: datetime) -> Move | None:
    """Where the contact came from: the most recent namesake seen before them, if any."""
    mine = _sooner(last_interaction(contact))
    earlier = [
        n
        for n in contact.namesakes
        if is_namesake(contact, n) and _sooner(last_interaction(n)) < mine
    ]
    before = max(earlier, key=lambda n: _sooner(last_interaction(n)), default=None)
    return None if before is None else _move(before, contact, profile, as_of)


# Account-level rules.


def coverage_of(
    tier: str | None,
    active: Sequence[ActiveContact],
    champions: int,
    profile: ScoringProfile,
) -> Coverage:
    """Active contacts and champions against the tier's standard, with each gap in words."""
    wanted = (tier or "").strip().casefold()
    standard = next(
        (s for name, s in profile.coverage_standards.items() if name.strip().casefold() == wanted),
        None,
    )
    senior = sum(c.seniority in DIRECTOR_OR_ABOVE for c in active)
    executives = sum(c.seniority == EXECUTIVE for c in active)
    gaps: list[str] = []
    if standard is not None:
        needs = (
            (senior, standard.min_active_contacts_at_director_or_above,
             "active contacts at director level or above"),
            (executives, standard.min_executives, "executives"),
            (champions, standard.min_champions, "champions"),
        )  # fmt: skip
        gaps = [f"{have} of {need} {what}" for have, need, what in needs if have < need]
    return Coverage(
        tier=tier,
        standard=standard,
        director_or_above=senior,
        executives=executives,
        champions=champions,
        met=None if standard is None else not gaps,
        gaps=tuple(gaps),
    )


def single_thread(active: Sequence[ActiveContact]) -> SingleThread | None:
    """The one member and/or contact every active tie runs through, or None."""
    pairs = [(h.member, c.contact) for c in active for h in c.holders]
    members = {m.email: m for m, _ in pairs}
    contacts = {c.email: c for _, c in pairs}
    one_member = next(iter(members.values())) if len(members) == 1 else None
    one_contact = next(iter(contacts.values())) if len(contacts) == 1 else None
    if one_member and one_contact:
        return SingleThread(by=ThreadKind.BOTH, member=one_member, contact=one_contact)
    if one_member:
        return SingleThread(by=ThreadKind.MEMBER, member=one_member, contact=None)
    if one_contact:
        return SingleThread(by=ThreadKind.CONTACT, member=None, contact=one_contact)
    return None


def cold_reading(
    last_two_way_at: datetime | None,
    activity: AccountActivity,
    profile: ScoringProfile,
    as_of: datetime,
) -> ColdReading:
    """The cold level from the last two-way exchange, plus the meeting and admin signs."""
    as_of = _utc(as_of)
    marks = profile.cold_after_days
    days = None if last_two_way_at is None else _days(as_of, last_two_way_at)
    reasons: list[str] = []
    level: int | None = None
    if days is None:
        level = marks[-1] if marks else None
        reasons.append("no two-way exchange on record")
    else:
        level = max((m for m in marks if days >= m), default=None)
        if level is not None and last_two_way_at is not None:
            reasons.append(
                f"no two-way exchange in {int(days)} days (last "
                f"{last_two_way_at.date().isoformat()}): past the {level}-day mark"
            )
    before, recent = activity.meetings_before, activity.meetings_recent
    down = before >= MEETINGS_DOWN_MIN_BEFORE and recent <= before * MEETINGS_DOWN_RATIO
    if down:
        reasons.append(
            f"meetings down: {recent} in the last {ACTIVITY_WINDOW_DAYS} days against "
            f"{before} in the same span six months before"
        )
    admin_only = bool(activity.latest_admin) and all(activity.latest_admin)
    if admin_only:
        reasons.append(
            f"only admin touchpoints lately: the last {len(activity.latest_admin)} "
            "interactions were invoices, receipts or similar"
        )
    return ColdReading(
        level=level,
        last_two_way_at=last_two_way_at,
        days_since_two_way=days,
        meetings_recent=recent,
        meetings_before=before,
        meetings_down=down,
        admin_only_lately=admin_only,
        last_interaction_at=activity.last_interaction_at,
        reasons=tuple(reasons),
    )


def _by_seniority(active: Sequence[ActiveContact]) -> tuple[SeniorityCount, ...]:
    counts = []
    for level in (*SENIORITY_LEVELS, UNKNOWN_SENIORITY):
        at_level = [c for c in active if c.seniority == level]
        members = {h.member.email for c in at_level for h in c.holders}
        counts.append(SeniorityCount(level=level, contacts=len(at_level), members=len(members)))
    return tuple(counts)


def _rank_active(contact: ActiveContact) -> tuple[int, float, str]:
    order = (*SENIORITY_LEVELS, UNKNOWN_SENIORITY)
    return order.index(contact.seniority), -contact.holders[0].score, contact.contact.email


def _read_contacts(
    contacts: Sequence[ContactInput], profile: ScoringProfile, as_of: datetime
) -> tuple[list[ActiveContact], list[ActiveContact], list[Champion]]:
    """Active contacts and rising advocates (top down) and champions, in one pass."""
    active: list[ActiveContact] = []
    rising: list[ActiveContact] = []
    champions: list[Champion] = []
    for contact in contacts:
        level = seniority_level(contact.seniority)
        held = active_holders(contact, profile, as_of)
        if held:
            active.append(ActiveContact(contact=contact.contact, seniority=level, holders=held))
        climbing = tuple(h for h in held if is_rising([h]))
        if climbing:
            rising.append(ActiveContact(contact=contact.contact, seniority=level, holders=climbing))
        check = champion_check(current_ties(contact, as_of), profile, as_of)
        if check.is_champion:
            champions.append(Champion(contact=contact.contact, seniority=level, check=check))
    champions.sort(key=lambda c: c.contact.email)
    return sorted(active, key=_rank_active), sorted(rising, key=_rank_active), champions


def account_health(
    account: AccountInput, profile: ScoringProfile, as_of: datetime
) -> AccountHealth:
    """The account's health at `as_of` by the rules of the module docstring."""
    as_of = _utc(as_of)
    moves = {c.contact.email: find_move(c, profile, as_of) for c in account.contacts}
    staying = [c for c in account.contacts if moves[c.contact.email] is None]
    active, rising, champions = _read_contacts(staying, profile, as_of)
    thread = single_thread(active)
    value_at_risk = 0.0 if thread is None else account.annual_value
    holders = {h.member.email: h.member for c in active for h in c.holders}
    departed = sorted((m for m in moves.values() if m is not None and m.was_key),
                      key=lambda m: m.person_before.email)  # fmt: skip
    arrivals = (find_arrival(c, profile, as_of) for c in staying)
    arriving = sorted((m for m in arrivals if m is not None and m.was_key),
                      key=lambda m: m.person_before.email)  # fmt: skip
    last_two_way = _latest(t.state.last_two_way_at for c in account.contacts for t in c.ties)
    return AccountHealth(
        domain=account.domain,
        name=account.name,
        tier=account.tier,
        annual_value=account.annual_value,
        as_of=as_of,
        active_contacts=tuple(active),
        by_seniority=_by_seniority(active),
        holders=tuple(holders[e] for e in sorted(holders)),
        coverage=coverage_of(account.tier, active, len(champions), profile),
        single_threaded=thread,
        value_at_risk=value_at_risk,
        cold=cold_reading(last_two_way, account.activity, profile, as_of),
        champions=tuple(champions),
        rising_advocates=tuple(rising),
        departed_champions=tuple(m for m in departed if m.was_champion),
        arriving_champions=tuple(m for m in arriving if m.was_champion),
        departed_key_contacts=tuple(departed),
        arriving_key_contacts=tuple(arriving),
    )


def contact_health(
    contact: ContactInput, profile: ScoringProfile, as_of: datetime
) -> ContactHealth:
    """One contact's ties, champion criteria, trend and move (either direction) at `as_of`."""
    as_of = _utc(as_of)
    ties = _strongest_first(held_tie(t, profile, as_of) for t in contact.ties)
    moved = find_move(contact, profile, as_of)
    active = moved is None and any(
        not t.departed and label_at_least(t.label, ACTIVE_LABEL) for t in ties
    )
    return ContactHealth(
        contact=contact.contact,
        seniority=seniority_level(contact.seniority),
        account_domain=contact.account_domain,
        as_of=as_of,
        ties=ties,
        active=active,
        champion=champion_check(current_ties(contact, as_of), profile, as_of),
        rising=moved is None and is_rising(ties),
        moved=moved,
        joined_from=find_arrival(contact, profile, as_of),
    )


__all__ = [
    "ACTIVE_LABEL",
    "ADMIN_ONLY_LATEST",
    "CHAMPION_LABEL",
    "SENIORITY_LEVELS",
    "UNKNOWN_SENIORITY",
    "AccountActivity",
    "AccountHealth",
    "AccountInput",
    "ActiveContact",
    "ActivityWindows",
    "Champion",
    "ChampionCheck",
    "ColdReading",
    "ContactHealth",
    "ContactInput",
    "Coverage",
    "HeldTie",
    "Move",
    "SeniorityCount",
    "SingleThread",
    "ThreadKind",
    "TieInput",
    "account_health",
    "active_holders",
    "activity_windows",
    "champion_check",
    "cold_reading",
    "contact_health",
    "coverage_of",
    "current_ties",
    "find_arrival",
    "find_move",
    "held_tie",
    "is_departed",
    "is_namesake",
    "is_rising",
    "label_at_least",
    "last_interaction",
    "seniority_level",
    "single_thread",
]
