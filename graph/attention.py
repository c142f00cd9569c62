"""The attention feed: candidate ties read with coarse bounds, exact rules in
`scoring.attention`, single threads from `graph.threads`.

Reads: the candidate KNOWS ties of one member or of the team
(`cypher/read/attention_*_ties`, bounded by time windows and by an upper bound of the score,
`scoring.reach.ReachBound`), the contacts who may have moved (marked left, or
champion-like and quiet: `cypher/read/attention_*_movers`, the `MAX_MOVE_CHECKS` most recently
heard from) and their moves (`cypher/read/contacts_moves`), and the most valuable single-threaded
accounts (`graph.threads`, at most `FEED_THREAD_ACCOUNTS`). With a member, only their own ties
and the accounts whose thread they hold (or whose thread contact they know) are reported; those
accounts are read from the member's own ties, so a rep sees theirs however far down the team's
list they are.
"""

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from graph.common import is_current, moment, page_size, reach_params
from graph.records import epoch_ms, primary_account, to_contact_input, to_person, to_tie_state
from graph.repository import GraphRepository
from graph.threads import member_single_threads, single_threaded_accounts
from scoring.account_health import find_move
from scoring.attention import (
    FORGET_AFTER_DAYS,
    KEY_TIE_LABEL,
    MEDIUM_VALUE,
    RISING_WITHIN_DAYS,
    AttentionItem,
    cold_tie_item,
    moved_contact_item,
    rank_items,
    rising_item,
    single_thread_item,
)
from scoring.profile import ScoringProfile
from tiegraph.errors import NotFound
from tiegraph.identity import lookup_address

# A tie with fewer two-way exchanges is never Good (freshness stays low): the scan's bound.
MIN_TWO_WAY = 2
# The most valuable single-threaded accounts (annual value >= MEDIUM_VALUE) reported: the team's,
# or those whose thread the member holds.
FEED_THREAD_ACCOUNTS = 20
# At most this many possibly-moved contacts (the most recently heard from) are checked.
MAX_MOVE_CHECKS = 200


def _windows(profile: ScoringProfile, at: datetime) -> dict[str, Any]:
    def ms(days: float) -> int:
        return epoch_ms(at - timedelta(days=days))

    first_mark = min(profile.cold_after_days, default=30)
    return {
        "cold_ms": ms(first_mark),
        "forget_ms": ms(FORGET_AFTER_DAYS),
        "recent_ms": ms(RISING_WITHIN_DAYS),
        "min_two_way": MIN_TWO_WAY,
        # Cold and rising items need a Good-or-better tie (then or now): the scan's score bound.
        **reach_params(profile, at, KEY_TIE_LABEL),
    }


def _mover_params(at: datetime) -> dict[str, Any]:
    return {"today": at.date().isoformat(), "max_moves": MAX_MOVE_CHECKS}


async def _moves(
    repo: GraphRepository, emails: list[str], profile: ScoringProfile, at: datetime
) -> list[AttentionItem]:
    if not emails:
        return []
    items = []
    for row in await repo.contacts_moves(emails):
        contact = to_contact_input(row, primary_account(row["contact"]["email"], row["accounts"]))
        move = find_move(contact, profile, at)
        if move is not None and (item := moved_contact_item(move)) is not None:
            items.append(item)
    return items


async def _threads(
    repo: GraphRepository, member: str | None, profile: ScoringProfile, at: datetime
) -> list[AttentionItem]:
    if member is None:
        page = await single_threaded_accounts(
            repo, min_annual_value=MEDIUM_VALUE, first=FEED_THREAD_ACCOUNTS, as_of=at
        )
        accounts = page.accounts
    else:
        accounts = await member_single_threads(
            repo, member, MEDIUM_VALUE, FEED_THREAD_ACCOUNTS, profile, at
        )
    return [
        item
        for account in accounts
        if (item := single_thread_item(account.threads, account.second_thread)) is not None
    ]


async def attention_feed(
    repo: GraphRepository,
    firm_domains: Sequence[str],
    member_email: str | None = None,
    first: int = 20,
    as_of: datetime | None = None,
) -> list[AttentionItem]:
    """The first `first` items needing attention, most pressing first, for one member or (no
    member) the whole team. NotFound for an unknown member."""
    member = member_email and lookup_address(member_email, "memberEmail", firm_domains)
    limit, at = page_size(first), moment(as_of)
    if member is not None and not await repo.colleague_ties([member]):
        raise NotFound(f"no team member {member}")
    profile = await repo.scoring_profile()
    windows = _windows(profile, at)
    # Three independent reads, side by side: each team-wide one is a scan of its own, and
    # together they use both cores.
    ties, moves, threads = await asyncio.gather(
        repo.attention_ties(member, windows),
        _mover_items(repo, member, windows | _mover_params(at), profile, at),
        _threads(repo, member, profile, at),
    )
    return rank_items([*_tie_items(ties, profile, at), *moves, *threads], limit)


async def _mover_items(
    repo: GraphRepository,
    member: str | None,
    params: dict[str, Any],
    profile: ScoringProfile,
    at: datetime,
) -> list[AttentionItem]:
    return await _moves(repo, await repo.attention_movers(member, params), profile, at)


def _tie_items(
    rows: list[dict[str, Any]], profile: ScoringProfile, at: datetime
) -> list[AttentionItem]:
    items: list[AttentionItem] = []
    for row in rows:
        if not is_current(row["member"], at):
            continue
        who, contact, state = (
            to_person(row["member"]),
            to_person(row["contact"]),
            to_tie_state(row["tie"]),
        )
        for item in (
            cold_tie_item(who, contact, state, profile, at),
            rising_item(who, contact, state, profile, at),
        ):
            if item is not None:
                items.append(item)
    return items
