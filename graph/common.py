"""Small helpers the intelligence modules of graph/ share: input checks, the moment asked
about, the profile a query returned, and the roster rule for "still on the team"."""

from datetime import UTC, datetime
from typing import Any

from graph.records import to_date
from scoring.account_health import is_departed
from scoring.profile import DEFAULT_PROFILE, ScoringProfile
from scoring.reach import reach_bound
from scoring.strength import TieLabel
from scoring.tie_events import EARLIEST_EVENT, LATEST_EVENT
from tiegraph.errors import BadInput
from tiegraph.identity import normalise_domain

# A hard bound on work per request; the operative limit is TIEGRAPH_MAX_PAGE_SIZE (at most
# this), which the API checks first and answers with a LIMIT error.
MAX_FIRST = 10_000


def domain(raw: str, field: str = "domain") -> str:
    """A normalised account domain, or BadInput naming `field`."""
    try:
        return normalise_domain(raw)
    except ValueError as exc:
        raise BadInput(str(exc), location=field) from exc


def page_size(first: int, field: str = "first") -> int:
    """`first` when it is between 1 and MAX_FIRST, else BadInput."""
    if not 1 <= first <= MAX_FIRST:
        raise BadInput(f"must be between 1 and {MAX_FIRST}", location=field)
    return first


def moment(as_of: datetime | None = None) -> datetime:
    """The moment answers are read at: `as_of` (which needs a time zone) or now, in UTC."""
    at = as_of or datetime.now(UTC)
    if at.tzinfo is None:
        raise BadInput("needs a time zone", location="asOf")
    # Outside the range the decayed sums are defined on, the arithmetic overflows.
    if not EARLIEST_EVENT <= at < LATEST_EVENT:
        raise BadInput(f"must be from {EARLIEST_EVENT:%Y} up to {LATEST_EVENT:%Y}", location="asOf")
    return at.astimezone(UTC)


def profile_from(raw: str | None) -> ScoringProfile:
    """The scoring profile a query returned as JSON (the defaults when none is saved)."""
    return DEFAULT_PROFILE if raw is None else ScoringProfile.model_validate_json(raw)


def is_current(member: dict[str, Any], at: datetime) -> bool:
    """True when a team member's node (its properties) has no roster `left_on` by `at`."""
    return not is_departed(to_date(member.get("left_on")), at)


def reach_params(profile: ScoringProfile, at: datetime, floor: TieLabel) -> dict[str, Any]:
    """The `$reach_*` parameters of a Cypher pre-filter keeping the ties that could be `floor`
    or better at `at` (`scoring.reach.ReachBound`); `reach_score` is None for no filter."""
    bound = reach_bound(profile, at, floor)
    if bound is None:
        return {"reach_score": None, "reach_fast": 0.0, "reach_slow": 0.0, "reach_saturation": 1.0,
                "reach_at_ms": 0, "reach_recency_ms": 1.0, "reach_floor": 1.0,
                "reach_fast_norm": 0.0, "reach_slow_norm": 0.0, "reach_fast_ms": 1.0,
                "reach_slow_ms": 1.0, "reach_epoch_ms": 0, "reach_seek": -1.0}  # fmt: skip
    return {
        "reach_score": bound.min_score,
        "reach_fast": bound.fast_factor,
        "reach_slow": bound.slow_factor,
        "reach_saturation": bound.saturation,
        "reach_at_ms": bound.at_ms,
        "reach_recency_ms": bound.recency_ms,
        "reach_floor": bound.floor,
        "reach_fast_norm": bound.fast_norm,
        "reach_slow_norm": bound.slow_norm,
        "reach_fast_ms": bound.fast_ms,
        "reach_slow_ms": bound.slow_ms,
        "reach_epoch_ms": bound.epoch_ms,
        # The stored `reach` (scoring.reach.touch_reach) of a tie the bound may keep.
        "reach_seek": bound.seek_score,
    }
