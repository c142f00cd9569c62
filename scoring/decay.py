"""Exponential decay stored as an order-independent sum.

Each interaction of weight ``w`` at time ``t`` adds ``w * 2 ** ((t - EPOCH) / h)`` to a tie's
``decayed_weight``. Reading it at time ``T`` multiplies by ``2 ** (-(T - EPOCH) / h)``, which
gives ``sum(w * 2 ** (-(T - t) / h))``: the classic decayed sum, readable in O(1) from the tie and
unaffected by the order in which interactions arrive (a late, old email simply adds its share).
"""

import math
from datetime import UTC, datetime

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_SECONDS_PER_DAY = 86_400.0


def aware_utc(value: datetime, what: str) -> datetime:
    """`value` in UTC; ValueError naming `what` when it has no time zone (a naive time would
    be read in the machine's zone, and cannot be compared with `EPOCH`)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} needs a time zone")
    return value.astimezone(UTC)


def days_since_epoch(when: datetime) -> float:
    """Days from ``EPOCH`` to ``when``, the exponent's numerator in every stored sum."""
    return (when - EPOCH).total_seconds() / _SECONDS_PER_DAY


def epoch_weight(weight: float, days: float, half_life_days: float) -> float:
    """The contribution of one interaction to a stored sum, its time given as
    `days_since_epoch` (computed once when the same event feeds several sums)."""
    return weight * math.pow(2.0, days / half_life_days)


def decayed_weight_at(stored: float, when: datetime, half_life_days: float) -> float:
    """The decayed sum as it stands at ``when``, from the stored epoch-referenced value."""
    return stored * math.pow(2.0, -days_since_epoch(when) / half_life_days)
