"""The first load sums spilled tie states in DuckDB (`ingest.bulk.tie_sums`): the same
additions as `scoring.tie_state.add_fields`, whatever the order, with null times and empty
reply buckets."""

import copy
import itertools
import math
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from ingest.bulk import tie_sums, tie_table
from scoring.fold import TieFields
from scoring.profile import DEFAULT_PROFILE
from scoring.tie_events import TieEvent, TieKey
from scoring.tie_state import add_fields, delta_fields
from tiegraph.domain import InteractionKind, TieType

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY: TieKey = (TieType.KNOWS, "ann@firm.test", "joe@acme.com")


def _state(*events: TieEvent) -> TieFields:
    return delta_fields(events, DEFAULT_PROFILE)


# A question answered within the hour and a meeting (two-way times, filled buckets); a
# declined meeting alone (no two-way time, empty buckets, zero sums); no events at all (every
# time null); a late slow reply and a call.
STATES: dict[str, TieFields] = {
    "answered": _state(
        TieEvent(at=T0, kind=InteractionKind.EMAIL, initiator="a"),
        TieEvent(
            at=T0 + timedelta(minutes=20),
            kind=InteractionKind.EMAIL,
            initiator="b",
            two_way=True,
            reply_seconds=1_200.0,
        ),
        TieEvent(
            at=T0 + timedelta(days=3),
            kind=InteractionKind.MEETING,
            meeting_size=4,
            two_way=True,
            brought_colleagues=True,
        ),
    ),
    "declined": _state(
        TieEvent(at=T0 - timedelta(days=40), kind=InteractionKind.MEETING, declined=True)
    ),
    "empty": _state(),
    "later": _state(
        TieEvent(
            at=T0 + timedelta(days=90),
            kind=InteractionKind.EMAIL,
            initiator="b",
            two_way=True,
            reply_seconds=5 * 86_400.0,
            share=0.25,
        ),
        TieEvent(at=T0 + timedelta(days=91), kind=InteractionKind.CALL, two_way=True),
    ),
}


def _summed_in_duckdb(ties: list[tuple[TieKey, TieFields]]) -> dict[TieKey, dict[str, Any]]:
    """`tie_sums` over `ties` spilled in this order, one spill row each."""
    states = pa.concat_tables([tie_table({key: fields}) for key, fields in ties])
    with duckdb.connect() as db:
        db.register("states", states)
        rows = db.execute(tie_sums("states")).to_arrow_table().to_pylist()
    summed = {}
    for row in rows:
        key = (TieType(row.pop("type")), row.pop("a"), row.pop("b"))
        summed[key] = row
    return summed


def _added(states: list[TieFields]) -> TieFields:
    held = copy.deepcopy(states[0])
    for more in states[1:]:
        add_fields(held, copy.deepcopy(more))
    return held


@pytest.mark.parametrize("names", list(itertools.permutations(STATES, 2)))
def test_two_states_sum_in_duckdb_as_add_fields_adds_them_in_either_order(
    names: tuple[str, str],
) -> None:
    states = [STATES[n] for n in names]
    summed = _summed_in_duckdb([(KEY, s) for s in states])
    assert summed == {KEY: _added(states)}
    assert summed == {KEY: _added(states[::-1])}


def test_many_states_of_several_ties_sum_per_tie_to_the_rounding_of_order() -> None:
    other: TieKey = (TieType.WORKS_WITH, "ann@firm.test", "bob@firm.test")
    peers: TieKey = (TieType.ASSOCIATED_WITH, "ann@firm.test", "joe@acme.com")  # same a and b
    spilled = [(KEY, s) for s in STATES.values()] + [
        (other, STATES["later"]),
        (peers, STATES["empty"]),
    ]
    summed = _summed_in_duckdb(spilled[::-1] + spilled)
    assert set(summed) == {KEY, other, peers}
    expected = _added([*STATES.values(), *STATES.values()])
    for name, value in expected.items():
        if isinstance(value, float):
            assert math.isclose(summed[KEY][name], value, rel_tol=1e-12), name
        else:
            assert summed[KEY][name] == value, name
    assert summed[other] == _added([STATES["later"], STATES["later"]])
    assert summed[peers] == STATES["empty"]
    assert summed[peers]["first_at"] is None
    assert summed[peers]["reply_buckets"] == [0] * 5
