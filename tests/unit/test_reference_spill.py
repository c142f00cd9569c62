"""The first load's reference rows survive the trip through their spill file unchanged."""

from datetime import date
from pathlib import Path

import pytest

from ingest.reference_spill import ReferenceSpill
from tiegraph.reference import AccountRow, AliasRow, ContactRow, ReferenceRow, RosterRow

ROWS: list[ReferenceRow] = [
    RosterRow(
        email="ann@firm.com", name="Ann", title="VP Sales", team="East", left_on=date(2026, 3, 1)
    ),
    AccountRow(
        domain="acme.com",
        name="Acme",
        tier="gold",
        annual_value=125_000.5,
        owner_email="ann@firm.com",
    ),
    ContactRow(email="joe@acme.com", name="Joe", title=None, account_domain="acme.com"),
    AliasRow(alias="a.smith@firm.com", email="ann@firm.com"),
    RosterRow(email="bob@firm.com"),
]


def test_rows_come_back_equal_of_the_same_type_in_order_and_in_batches(tmp_path: Path) -> None:
    with ReferenceSpill(tmp_path / "references-0.jsonl") as spill:
        for row in ROWS:
            spill.add(row)
    assert spill.rows == len(ROWS)
    batches = list(spill.batches(2))
    assert [len(b) for b in batches] == [2, 2, 1]
    back = [row for batch in batches for row in batch]
    assert back == ROWS
    assert [type(r) for r in back] == [type(r) for r in ROWS]
    assert list(spill.batches(2)) == batches  # read again, the same


def test_a_spill_with_no_rows_gives_no_batch(tmp_path: Path) -> None:
    with ReferenceSpill(tmp_path / "empty.jsonl") as spill:
        pass
    assert spill.rows == 0
    assert list(spill.batches(10)) == []
    assert list(ReferenceSpill(tmp_path / "never-written.jsonl").batches(10)) == []


def test_adding_to_a_closed_spill_is_refused(tmp_path: Path) -> None:
    spill = ReferenceSpill(tmp_path / "closed.jsonl")
    with pytest.raises(RuntimeError, match="not open"):
        spill.add(ROWS[0])
