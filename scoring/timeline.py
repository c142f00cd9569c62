"""Interactions per calendar month and kind: the picture of a relationship over time.

Pure: it counts the records it is given. Every month from the first interaction's to the
moment's is present (zero where nothing happened), so a chart's gaps are real silences.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from tiegraph.domain import InteractionKind, InteractionRecord


class MonthCounts(BaseModel):
    """One calendar month (UTC, "YYYY-MM") and its interactions by kind (kinds seen only)."""

    model_config = ConfigDict(frozen=True)

    month: str
    counts: dict[InteractionKind, int]


def _month(moment: datetime) -> tuple[int, int]:
    utc = moment.astimezone(UTC)
    return utc.year, utc.month


def _months(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    year, month = first
    out = []
    while (year, month) <= last:
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def monthly_counts(
    records: Iterable[InteractionRecord], until: datetime
) -> tuple[MonthCounts, ...]:
    """Counts per month and kind of `records` up to `until`, oldest month first; empty when
    there are none. Admin touchpoints count: they happened, even if they build no tie.

    >>> from tiegraph.domain import Participant, ParticipantRole
    >>> def at(day: str) -> InteractionRecord:
    ...     return InteractionRecord(external_id=day, kind=InteractionKind.CALL,
    ...         occurred_at=datetime.fromisoformat(day + "T10:00:00+00:00"), source="t",
    ...         participants=(Participant(email="a@x.com", role=ParticipantRole.FROM),))
    >>> [(m.month, m.counts) for m in monthly_counts([at("2026-01-05"), at("2026-03-02")],
    ...     datetime(2026, 3, 9, tzinfo=UTC))]  # doctest: +NORMALIZE_WHITESPACE
    [('2026-01', {<InteractionKind.CALL: 'call'>: 1}), ('2026-02', {}),
     ('2026-03', {<InteractionKind.CALL: 'call'>: 1})]
    """
    return counts_by_month(((r.occurred_at, r.kind) for r in records), until)


def counts_by_month(
    moments: Iterable[tuple[datetime, InteractionKind]], until: datetime
) -> tuple[MonthCounts, ...]:
    """Counts per month and kind of (moment, kind) pairs up to `until`: `monthly_counts` for
    timelines read as bare moments (a contact's, an account's) rather than whole records.

    >>> [(m.month, m.counts) for m in counts_by_month([(datetime(2026, 2, 1, tzinfo=UTC),
    ...     InteractionKind.EMAIL)], datetime(2026, 2, 9, tzinfo=UTC))]
    [('2026-02', {<InteractionKind.EMAIL: 'email'>: 1})]
    """
    counted: Counter[tuple[tuple[int, int], InteractionKind]] = Counter(
        (_month(at), kind) for at, kind in moments if at <= until
    )
    if not counted:
        return ()
    first = min(month for month, _ in counted)
    return tuple(
        MonthCounts(month=f"{year:04d}-{month:02d}", counts=_kinds(counted, (year, month)))
        for year, month in _months(first, _month(until))
    )


def _kinds(
    counted: Counter[tuple[tuple[int, int], InteractionKind]], month: tuple[int, int]
) -> dict[InteractionKind, int]:
    return {k: counted[(month, k)] for k in InteractionKind if counted[(month, k)]}


# The one recency every role sees on any tie: a rep reads a colleague's counts over these days
# before now (and so whether there were any), never when they happened.
RECENT_WINDOW = timedelta(days=90)


def recently_active(last_at: datetime | None, at: datetime) -> bool:
    """Whether a tie last touched at `last_at` had an interaction in the window before `at`.

    >>> recently_active(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC))
    True
    >>> recently_active(None, datetime(2026, 3, 1, tzinfo=UTC))
    False
    """
    return last_at is not None and at - RECENT_WINDOW < last_at <= at
