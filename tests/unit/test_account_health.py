"""Every rule of scoring.account_health, on hand-made tie states with known labels."""

from datetime import UTC, date, datetime, timedelta

import pytest
from neo4j.time import Date

from graph.records import primary_account, to_date
from scoring.account_health import (
    SENIORITY_LEVELS,
    AccountActivity,
    AccountInput,
    ContactInput,
    ThreadKind,
    TieInput,
    account_health,
    activity_windows,
    champion_check,
    cold_reading,
    contact_health,
    find_arrival,
    find_move,
    is_departed,
    is_namesake,
    label_at_least,
    seniority_level,
)
from scoring.formula import TieTrend
from scoring.profile import DEFAULT_PROFILE, CoverageStandard
from scoring.strength import TieLabel
from scoring.tie_events import TieEvent
from scoring.tie_score import score_tie
from scoring.tie_state import TieState, state_delta
from tiegraph.domain import InteractionKind, PersonRef
from tiegraph.reference import Seniority

AS_OF = datetime(2026, 6, 1, 12, tzinfo=UTC)
P = DEFAULT_PROFILE
ONE_TO_ONE = {"kind": InteractionKind.MEETING, "two_way": True, "meeting_size": 2, "initiator": "a"}


def ago(days: float) -> datetime:
    return AS_OF - timedelta(days=days)


def every(first_ago: float, last_ago: float, step: float, **fields: object) -> list[TieEvent]:
    """Events every `step` days from `first_ago` to `last_ago` days before AS_OF."""
    events, days = [], first_ago
    while days >= last_ago - 1e-9:
        events.append(TieEvent(**{"at": ago(days), **fields}))
        days -= step
    return events


def state(events: list[TieEvent]) -> TieState:
    return state_delta(events, P)


# Calibrated in tests/unit/scoring: weekly 1:1s for 20 weeks are Strong, three monthly ones
# Moderate, a single meeting Weak.
STRONG = state(every(140, 3, 7, **ONE_TO_ONE))
MODERATE = state(every(60, 3, 28, **ONE_TO_ONE))
WEAK = state(every(3, 3, 1, **ONE_TO_ONE))
# They organise the meetings, bring colleagues along and answer our mail within half an hour.
CHAMPION = state(
    every(
        140,
        3,
        7,
        kind=InteractionKind.MEETING,
        two_way=True,
        meeting_size=3,
        initiator="b",
        brought_colleagues=True,
    )
    + every(
        30, 10, 10, kind=InteractionKind.EMAIL, initiator="b", two_way=True, reply_seconds=1_800
    )
)
# Quiet months ago, then every few days lately.
RISING = state(every(200, 150, 25, **ONE_TO_ONE) + every(20, 2, 3, **ONE_TO_ONE))


def person(email: str, name: str | None = None) -> PersonRef:
    return PersonRef(email=email, name=name)


ANN, BOB, CAT = person("ann@firm.test"), person("bob@firm.test"), person("cat@firm.test")


def tie(member: PersonRef, tie_state: TieState, left_on: date | None = None) -> TieInput:
    return TieInput(member=member, member_left_on=left_on, state=tie_state)


def contact(
    email: str,
    seniority: str | None,
    *ties: TieInput,
    name: str | None = None,
    left_on: date | None = None,
    account: str | None = "acme.com",
    namesakes: tuple[ContactInput, ...] = (),
) -> ContactInput:
    return ContactInput(
        contact=person(email, name),
        seniority=seniority,
        left_on=left_on,
        account_domain=account,
        ties=ties,
        namesakes=namesakes,
    )


def account(
    *contacts: ContactInput,
    tier: str | None = "strategic",
    value: float | None = 1_000_000.0,
    activity: AccountActivity | None = None,
) -> AccountInput:
    return AccountInput(
        domain="acme.com",
        name="Acme",
        tier=tier,
        annual_value=value,
        contacts=contacts,
        activity=activity or AccountActivity(),
    )


def test_the_scenarios_have_the_labels_the_tests_rely_on() -> None:
    labels = [score_tie(s, P, AS_OF).label for s in (STRONG, MODERATE, WEAK, CHAMPION, RISING)]
    assert labels == [
        TieLabel.STRONG,
        TieLabel.MODERATE,
        TieLabel.WEAK,
        TieLabel.STRONG,
        TieLabel.STRONG,
    ]
    assert score_tie(RISING, P, AS_OF).trend is TieTrend.RISING
    assert score_tie(STRONG, P, AS_OF).trend is TieTrend.STEADY


# Small rules.


def test_seniority_levels_are_the_parsers_and_anything_else_is_unknown() -> None:
    assert tuple(level.value for level in Seniority) == SENIORITY_LEVELS
    assert seniority_level(Seniority.VP) == "vp"
    assert seniority_level(" Director ") == "director"
    assert seniority_level(None) == "unknown"
    assert seniority_level("intern") == "unknown"


def test_labels_compare_by_strength() -> None:
    assert label_at_least(TieLabel.STRONG, TieLabel.MODERATE)
    assert label_at_least(TieLabel.MODERATE, TieLabel.MODERATE)
    assert not label_at_least(TieLabel.WEAK, TieLabel.MODERATE)


def test_a_member_has_departed_from_their_left_on_day() -> None:
    assert is_departed(date(2026, 6, 1), AS_OF)
    assert is_departed(date(2026, 1, 1), AS_OF)
    assert not is_departed(date(2026, 6, 2), AS_OF)  # leaving later: still here
    assert not is_departed(None, AS_OF)


def test_activity_windows_are_the_last_90_days_and_the_same_span_six_months_before() -> None:
    windows = activity_windows(AS_OF)
    assert windows.recent_from == ago(90)
    assert (windows.before_from, windows.before_to) == (ago(270), ago(180))
    assert windows.latest == 3


def test_a_moment_needs_a_time_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        account_health(account(), P, datetime(2026, 6, 1))


# Active contacts.


def test_active_contacts_need_a_moderate_tie_from_a_current_member() -> None:
    health = account_health(
        account(
            contact("dir@acme.com", "director", tie(ANN, MODERATE), tie(BOB, STRONG)),
            contact("weak@acme.com", "executive", tie(ANN, WEAK)),
            contact("gone@acme.com", "vp", tie(CAT, STRONG, left_on=date(2026, 5, 1))),
        ),
        P,
        AS_OF,
    )
    (active,) = health.active_contacts
    assert active.contact.email == "dir@acme.com"
    assert [h.member.email for h in active.holders] == ["bob@firm.test", "ann@firm.test"]
    assert [h.label for h in active.holders] == [TieLabel.STRONG, TieLabel.MODERATE]
    assert [h.email for h in health.holders] == ["ann@firm.test", "bob@firm.test"]


def test_active_contacts_are_counted_by_seniority_with_their_holders() -> None:
    health = account_health(
        account(
            contact("ceo@acme.com", "executive", tie(ANN, STRONG)),
            contact("d1@acme.com", "director", tie(ANN, STRONG)),
            contact("d2@acme.com", "director", tie(BOB, MODERATE)),
            contact("x@acme.com", None, tie(BOB, STRONG)),
        ),
        P,
        AS_OF,
    )
    counts = {c.level: (c.contacts, c.members) for c in health.by_seniority}
    assert counts == {
        "executive": (1, 1),
        "vp": (0, 0),
        "director": (2, 2),
        "manager": (0, 0),
        "individual": (0, 0),
        "unknown": (1, 1),
    }
    # Ordered top down, strongest first within a level.
    order = [c.contact.email for c in health.active_contacts]
    assert order == ["ceo@acme.com", "d1@acme.com", "d2@acme.com", "x@acme.com"]


# Coverage.


def test_a_strategic_account_meeting_its_standard() -> None:
    health = account_health(
        account(
            contact("ceo@acme.com", "executive", tie(ANN, STRONG)),
            contact("vp@acme.com", "vp", tie(BOB, STRONG)),
            contact("dir@acme.com", "director", tie(ANN, CHAMPION)),
        ),
        P,
        AS_OF,
    )
    coverage = health.coverage
    assert (coverage.director_or_above, coverage.executives, coverage.champions) == (3, 1, 1)
    assert coverage.met is True
    assert coverage.gaps == ()


def test_a_missing_director_executive_and_champion_are_each_a_gap() -> None:
    health = account_health(
        account(
            contact("vp@acme.com", "vp", tie(ANN, STRONG)),  # a VP is senior, not an executive
            contact("dir@acme.com", "director", tie(BOB, MODERATE)),
            contact("mgr@acme.com", "manager", tie(BOB, STRONG)),
            contact("cfo@acme.com", "executive", tie(ANN, WEAK)),  # not active
        ),
        P,
        AS_OF,
    )
    assert health.coverage.met is False
    assert health.coverage.gaps == (
        "2 of 3 active contacts at director level or above",
        "0 of 1 executives",
        "0 of 1 champions",
    )


def test_tiers_match_without_case_and_a_tier_without_a_standard_has_none() -> None:
    people = [contact("ceo@acme.com", "executive", tie(ANN, STRONG))]
    assert account_health(account(*people, tier=" Strategic "), P, AS_OF).coverage.met is False
    for tier in ("growth", None):
        coverage = account_health(account(*people, tier=tier), P, AS_OF).coverage
        assert (coverage.met, coverage.gaps, coverage.standard) == (None, (), None)
        assert coverage.executives == 1
    growth = P.with_changes(
        coverage_standards={
            "growth": CoverageStandard(
                min_active_contacts_at_director_or_above=1, min_executives=1, min_champions=0
            )
        }
    )
    assert account_health(account(*people, tier="growth"), growth, AS_OF).coverage.met is True


# Single threads.


def test_single_threaded_through_one_member() -> None:
    health = account_health(
        account(
            contact("a@acme.com", "director", tie(ANN, STRONG), tie(BOB, WEAK)),  # Bob's is weak
            contact("b@acme.com", "manager", tie(ANN, MODERATE)),
        ),
        P,
        AS_OF,
    )
    thread = health.single_threaded
    assert thread is not None
    assert (thread.by, thread.member, thread.contact) == (ThreadKind.MEMBER, ANN, None)
    assert health.value_at_risk == 1_000_000.0


def test_single_threaded_through_one_contact() -> None:
    health = account_health(
        account(
            contact("a@acme.com", "director", tie(ANN, STRONG), tie(BOB, MODERATE)),
            contact("b@acme.com", "manager", tie(CAT, WEAK)),
        ),
        P,
        AS_OF,
    )
    thread = health.single_threaded
    assert thread is not None
    assert thread.by is ThreadKind.CONTACT
    assert thread.contact is not None
    assert thread.contact.email == "a@acme.com"
    assert health.value_at_risk == 1_000_000.0


def test_one_active_tie_is_single_threaded_both_ways() -> None:
    health = account_health(
        account(
            contact(
                "a@acme.com",
                "director",
                tie(ANN, STRONG),
                tie(BOB, STRONG, left_on=date(2026, 4, 30)),
            ),  # Bob left: his tie is no thread
        ),
        P,
        AS_OF,
    )
    thread = health.single_threaded
    assert thread is not None
    assert (thread.by, thread.member) == (ThreadKind.BOTH, ANN)


def test_several_members_on_several_contacts_are_not_single_threaded() -> None:
    health = account_health(
        account(
            contact("a@acme.com", "director", tie(ANN, STRONG)),
            contact("b@acme.com", "manager", tie(BOB, MODERATE)),
        ),
        P,
        AS_OF,
    )
    assert (health.single_threaded, health.value_at_risk) == (None, 0.0)


def test_no_active_tie_is_no_thread_and_an_unknown_value_is_unknown_at_risk() -> None:
    assert account_health(account(), P, AS_OF).single_threaded is None
    one = account(contact("a@acme.com", "director", tie(ANN, STRONG)), value=None)
    health = account_health(one, P, AS_OF)
    assert health.single_threaded is not None
    assert health.value_at_risk is None


# Going cold.


@pytest.mark.parametrize(
    ("days", "level"), [(10, None), (29.9, None), (30, 30), (65, 60), (95, 90), (400, 90)]
)
def test_the_cold_level_is_the_largest_mark_passed(days: float, level: int | None) -> None:
    reading = cold_reading(ago(days), AccountActivity(), P, AS_OF)
    assert reading.level == level
    assert reading.is_cold is (level is not None)
    if level is not None:
        assert f"past the {level}-day mark" in reading.reasons[0]


def test_no_two_way_exchange_ever_is_the_coldest_level() -> None:
    reading = cold_reading(None, AccountActivity(), P, AS_OF)
    assert (reading.level, reading.reasons) == (90, ("no two-way exchange on record",))
    custom = P.with_changes(cold_after_days=(14, 45))
    assert cold_reading(ago(20), AccountActivity(), custom, AS_OF).level == 14


def test_the_account_cold_level_reads_the_latest_two_way_exchange_of_any_tie() -> None:
    old = state(every(200, 65, 7, **ONE_TO_ONE))
    older = state(every(300, 120, 7, **ONE_TO_ONE))
    health = account_health(
        account(
            contact("a@acme.com", "director", tie(ANN, old)),
            contact("b@acme.com", "manager", tie(BOB, older, left_on=date(2026, 1, 1))),
        ),
        P,
        AS_OF,
    )
    assert health.cold.level == 60
    assert health.cold.last_two_way_at == old.last_two_way_at


@pytest.mark.parametrize(
    ("before", "recent", "down"),
    [(6, 1, True), (2, 1, True), (4, 2, True), (4, 3, False), (1, 0, False), (0, 0, False)],
)
def test_meetings_down_against_six_months_before(before: int, recent: int, down: bool) -> None:
    activity = AccountActivity(meetings_before=before, meetings_recent=recent)
    reading = cold_reading(ago(5), activity, P, AS_OF)
    assert reading.meetings_down is down
    assert reading.level is None
    assert any(r.startswith("meetings down") for r in reading.reasons) is down


@pytest.mark.parametrize(
    ("latest", "admin_only"),
    [((True, True, True), True), ((True,), True), ((True, False, True), False), ((), False)],
)
def test_only_admin_touchpoints_lately(latest: tuple[bool, ...], admin_only: bool) -> None:
    activity = AccountActivity(latest_admin=latest, last_interaction_at=ago(2))
    reading = cold_reading(ago(5), activity, P, AS_OF)
    assert reading.admin_only_lately is admin_only
    assert any(r.startswith("only admin touchpoints") for r in reading.reasons) is admin_only
    assert reading.last_interaction_at == ago(2)


# Champions and rising advocates.


def test_a_champion_initiates_replies_fast_brings_colleagues_and_is_good_or_better() -> None:
    check = champion_check([tie(ANN, CHAMPION)], P, AS_OF)
    assert check.is_champion
    assert check.missing == ()
    assert check.initiated_share == 1.0
    assert check.median_reply == "under 1 hour"
    assert check.brought_colleagues == 20
    assert check.best_label is TieLabel.STRONG


def test_each_missing_champion_criterion_is_named() -> None:
    check = champion_check([tie(ANN, STRONG)], P, AS_OF)  # we start everything
    assert not check.is_champion
    assert check.missing == (
        "started 0% (needs 30%)",
        "no timed replies (needs a median reply under 4 hours)",
        "never brought colleagues in",
    )
    slow = state(
        every(
            140,
            3,
            7,
            kind=InteractionKind.MEETING,
            two_way=True,
            meeting_size=3,
            initiator="b",
            brought_colleagues=True,
        )
        + every(
            30,
            10,
            10,
            kind=InteractionKind.EMAIL,
            initiator="b",
            two_way=True,
            reply_seconds=20 * 3_600,
        )
    )
    assert champion_check([tie(ANN, slow)], P, AS_OF).missing == (
        "median reply under a day (needs under 4 hours)",
    )
    faded = champion_check([tie(ANN, CHAMPION)], P, AS_OF + timedelta(days=400))
    assert faded.missing == ("strongest tie Minimal (needs Good or better)",)
    assert champion_check([], P, AS_OF).missing == (
        "no interactions with a known initiator",
        "no timed replies (needs a median reply under 4 hours)",
        "never brought colleagues in",
        "strongest tie none (needs Good or better)",
    )


def test_champion_criteria_read_a_contacts_ties_together() -> None:
    # Ann gets the fast replies; the contact organises meetings with colleagues for Bob.
    replies = state(
        every(60, 5, 5, kind=InteractionKind.EMAIL, initiator="b", two_way=True, reply_seconds=600)
    )
    intros = state(
        every(
            60,
            4,
            14,
            kind=InteractionKind.MEETING,
            two_way=True,
            meeting_size=3,
            initiator="b",
            brought_colleagues=True,
        )
    )
    together = champion_check([tie(ANN, replies), tie(BOB, intros), tie(CAT, STRONG)], P, AS_OF)
    assert together.is_champion
    assert not champion_check([tie(ANN, replies)], P, AS_OF).is_champion


def test_a_champion_whose_members_left_is_not_the_accounts_champion() -> None:
    health = account_health(
        account(
            contact("a@acme.com", "director", tie(ANN, CHAMPION, left_on=date(2026, 5, 1))),
        ),
        P,
        AS_OF,
    )
    assert health.champions == ()
    assert health.coverage.champions == 0


def test_rising_advocates_are_rising_and_good_or_better() -> None:
    ours = {"kind": InteractionKind.EMAIL, "initiator": "a"}
    rising_weak = state(every(200, 150, 25, **ours) + every(14, 1, 2, **ours))
    assert score_tie(rising_weak, P, AS_OF).trend is TieTrend.RISING
    assert not label_at_least(score_tie(rising_weak, P, AS_OF).label, TieLabel.GOOD)
    health = account_health(
        account(
            contact("up@acme.com", "manager", tie(ANN, RISING), tie(BOB, STRONG)),
            contact("steady@acme.com", "manager", tie(ANN, STRONG)),
            contact("small@acme.com", "manager", tie(ANN, rising_weak)),
            contact("champ@acme.com", "director", tie(ANN, CHAMPION)),
        ),
        P,
        AS_OF,
    )
    (advocate,) = health.rising_advocates
    assert advocate.contact.email == "up@acme.com"
    assert [h.member for h in advocate.holders] == [ANN]  # only the rising tie
    assert [c.contact.email for c in health.champions] == ["champ@acme.com"]


# Moves.


def namesake(
    email: str, account_domain: str, *ties: TieInput, name: str = "Joe Doe"
) -> ContactInput:
    return contact(email, "director", *ties, name=name, account=account_domain)


LATER = state(every(21, 1, 5, **ONE_TO_ONE))  # at the new company, lately


def joe(
    *ties: TieInput, namesakes: tuple[ContactInput, ...] = (), left_on: date | None = None
) -> ContactInput:
    return contact(
        "joe@acme.com", "director", *ties, name="Joe Doe", namesakes=namesakes, left_on=left_on
    )


def test_the_namesake_rule_is_conservative() -> None:
    me = joe()
    assert is_namesake(me, namesake("joe@newco.com", "newco.com"))
    assert is_namesake(me, namesake("JOE@newco.com", "newco.com", name="  joe   DOE "))
    assert not is_namesake(me, namesake("jdoe@newco.com", "newco.com"))  # other local part
    assert not is_namesake(me, namesake("joe@newco.com", "newco.com", name="Joe Doe Jr"))
    assert not is_namesake(me, namesake("joe@acme.com", "newco.com"))  # same domain
    assert not is_namesake(me, namesake("joe@acme.co.uk", "acme.com"))  # same account
    assert not is_namesake(me, contact("joe@gmail.com", None, name="Joe Doe", account=None))
    nameless = contact("joe@acme.com", None, name=None)
    assert not is_namesake(nameless, contact("joe@newco.com", None, name=None, account="newco.com"))


def test_a_namesake_seen_more_recently_is_where_the_contact_moved() -> None:
    new = namesake("joe@newco.com", "newco.com", tie(BOB, LATER))
    move = find_move(joe(tie(ANN, CHAMPION), tie(CAT, WEAK), namesakes=(new,)), P, AS_OF)
    assert move is not None
    assert (move.account_before, move.account_after) == ("acme.com", "newco.com")
    assert move.person_after == new.contact
    assert move.was_champion  # as of their last interaction at acme.com
    assert move.introducers == (ANN, CAT)
    assert move.left_on is None
    assert "now at Joe Doe (joe@newco.com)" in move.reason  # named, not just an address
    # Seen from the new address, the same move is where they came from.
    arrival = find_arrival(
        new.model_copy(update={"namesakes": (joe(tie(ANN, CHAMPION)),)}), P, AS_OF
    )
    assert arrival is not None
    assert (arrival.account_before, arrival.account_after) == ("acme.com", "newco.com")


def test_an_older_namesake_is_no_move_and_a_left_on_is_one() -> None:
    old = namesake("joe@oldco.com", "oldco.com", tie(BOB, state(every(400, 300, 7, **ONE_TO_ONE))))
    assert find_move(joe(tie(ANN, STRONG), namesakes=(old,)), P, AS_OF) is None
    marked = find_move(joe(tie(ANN, STRONG), left_on=date(2026, 5, 15)), P, AS_OF)
    assert marked is not None
    assert (marked.left_on, marked.person_after, marked.account_after) == (
        date(2026, 5, 15),
        None,
        None,
    )
    assert marked.reason == "marked as left on 2026-05-15"
    assert find_move(joe(tie(ANN, STRONG), left_on=date(2026, 7, 1)), P, AS_OF) is None


def test_a_champion_who_moved_is_reported_at_both_accounts() -> None:
    new = namesake("joe@newco.com", "newco.com", tie(BOB, LATER))
    old_side = account_health(
        account(
            joe(tie(ANN, CHAMPION), namesakes=(new,)),
            contact("dir@acme.com", "director", tie(ANN, STRONG)),
        ),
        P,
        AS_OF,
    )
    # Joe no longer counts at acme.com, though his old tie is still Strong.
    assert [c.contact.email for c in old_side.active_contacts] == ["dir@acme.com"]
    assert old_side.champions == ()
    (departed,) = old_side.departed_champions
    assert (departed.person_before.email, departed.account_after) == ("joe@acme.com", "newco.com")
    new_side = account_health(
        AccountInput(
            domain="newco.com",
            annual_value=50_000.0,
            contacts=(new.model_copy(update={"namesakes": (joe(tie(ANN, CHAMPION)),)}),),
        ),
        P,
        AS_OF,
    )
    (arriving,) = new_side.arriving_champions
    assert (arriving.person_after, arriving.introducers) == (new.contact, (ANN,))
    assert new_side.departed_champions == ()


def test_a_mover_who_was_no_champion_is_not_listed() -> None:
    new = namesake("joe@newco.com", "newco.com", tie(BOB, LATER))
    health = account_health(account(joe(tie(ANN, STRONG), namesakes=(new,))), P, AS_OF)
    assert health.departed_champions == ()
    assert health.active_contacts == ()


# One contact.


def test_contact_health_lists_every_tie_and_flags_departed_holders() -> None:
    health = contact_health(
        joe(tie(ANN, MODERATE), tie(BOB, RISING), tie(CAT, CHAMPION, left_on=date(2026, 1, 1))),
        P,
        AS_OF,
    )
    assert [(t.member, t.departed) for t in health.ties] == [
        (BOB, False),
        (ANN, False),
        (CAT, True),
    ]
    assert (health.active, health.rising, health.seniority) == (True, True, "director")
    # Cat's champion-making tie does not count: Cat has left.
    assert not health.champion.is_champion
    assert (health.moved, health.joined_from) == (None, None)


def test_contact_health_of_a_moved_contact() -> None:
    new = namesake("joe@newco.com", "newco.com", tie(BOB, LATER))
    health = contact_health(joe(tie(ANN, RISING), namesakes=(new,)), P, AS_OF)
    assert health.moved is not None
    assert health.moved.account_after == "newco.com"
    assert (health.active, health.rising) == (False, False)


# The graph glue's two small conversions.


def test_left_on_is_read_from_a_neo4j_date_or_an_iso_string() -> None:
    assert to_date(Date(2026, 5, 1)) == date(2026, 5, 1)
    assert to_date("2026-05-01") == date(2026, 5, 1)
    assert to_date(datetime(2026, 5, 1, 9, tzinfo=UTC)) == date(2026, 5, 1)
    assert to_date(None) is None
    with pytest.raises(TypeError, match="expected a Date"):
        to_date(20260501)


def test_a_contacts_account_is_the_one_on_their_email_domain_first() -> None:
    assert primary_account("joe@acme.com", ["zeta.com", "acme.com"]) == "acme.com"
    assert primary_account("joe@gmail.com", ["zeta.com", "acme.com"]) == "acme.com"
    assert primary_account("joe@gmail.com", []) is None
