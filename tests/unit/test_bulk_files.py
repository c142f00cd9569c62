"""The first load's import files read back as the CREATE writer sends them."""

from pathlib import Path

import pytest

from graph.batch import Row
from graph.bulk_files import (
    HEADERS,
    NODE_FILES,
    TIE_COUNTS,
    TIE_SUMS,
    ImportFiles,
    interaction_lines,
    tie_line,
)
from ingest.bulk_write import STEPS
from scoring.profile import DEFAULT_PROFILE
from scoring.reach import touch_rule
from tiegraph.domain import TieType

MS = 1_767_225_600_123  # 2026-01-01T00:00:00.123Z: read back to the millisecond


def _interaction(ident: str, contacts: list[str], subject: str | None = 'Re: "Q1", plan') -> Row:
    return {
        "id": ident, "kind": "email", "occurred_ms": MS, "subject": subject, "source": "mbox",
        "is_admin": False, "in_reply_to": None, "participants": ["ann@firm.test", *contacts],
        "roles": ["from", *("to" for _ in contacts)], "responses": ["", *("" for _ in contacts)],
        "contacts": contacts,
    }  # fmt: skip


def _write(files: ImportFiles, part: str, rows: list[Row]) -> None:
    with files.open("interactions", part) as nodes, files.open("involves", part) as links:
        for row in rows:
            node, lines = interaction_lines(row)
            nodes.write(node)
            links.writelines(lines)


def test_interactions_come_back_typed_with_their_contacts(tmp_path: Path) -> None:
    files = ImportFiles(tmp_path)
    files.write_headers()
    _write(files, "0", [_interaction("m1", ["joe@acme.com", "sue@acme.com"]),
                        _interaction("m2", [], subject=None)])  # fmt: skip
    _write(files, "1", [_interaction("m3", ["joe@acme.com"], subject="")])
    seen: list[int] = []
    rows = list(files.interactions(seen.append))
    assert [(r["props"]["id"], r["contacts"]) for r in rows] == [  # type: ignore[index]
        ("m1", ["joe@acme.com", "sue@acme.com"]), ("m2", []), ("m3", ["joe@acme.com"]),
    ]  # fmt: skip
    first = rows[0]["props"]
    assert first["subject"] == 'Re: "Q1", plan'  # type: ignore[index]
    assert rows[0]["times"] == {"occurred_at": MS}
    assert first["is_admin"] is False  # type: ignore[index]
    assert first["roles"] == ["from", "to", "to"]  # type: ignore[index]
    assert first["responses"] == ["", "", ""]  # type: ignore[index]
    assert "subject" not in rows[1]["props"]  # type: ignore[operator]
    assert rows[2]["props"]["subject"] == ""  # type: ignore[index]
    assert rows[0]["labels"] == ["Interaction"]
    on_disk = sum(
        p.stat().st_size for kind in ("interactions", "involves") for p in files.parts(kind)
    )
    assert sum(seen) == on_disk


def test_a_link_out_of_its_interactions_order_is_an_error(tmp_path: Path) -> None:
    files = ImportFiles(tmp_path)
    files.write_headers()
    _write(files, "0", [_interaction("m1", ["joe@acme.com"]), _interaction("m2", ["sue@acme.com"])])
    involves = files.parts("involves")[0]
    lines = involves.read_text().splitlines(keepends=True)
    involves.write_text("".join(reversed(lines)))
    with pytest.raises(
        ValueError, match=r"involves\.part-0\.csv: the INVOLVES line of 'm1' is out of"
    ):
        list(files.interactions())


def test_a_tie_comes_back_with_its_times_as_epoch_millis_and_a_missing_one_left_out(
    tmp_path: Path,
) -> None:
    files = ImportFiles(tmp_path)
    files.write_headers()
    sums: dict[str, object] = dict.fromkeys(TIE_COUNTS, 2)
    sums.update(dict.fromkeys(TIE_SUMS, 0.5), reply_buckets=[1, 0, 0, 0, 0])
    tie = {"a": "ann@firm.test", "b": "joe@acme.com", "sums": sums, "first_ms": MS - 1000,
           "last_ms": MS, "last_two_way_ms": None}  # fmt: skip
    with files.open("ties", "0") as out:
        out.write(tie_line(TieType.KNOWS, tie, touch_rule(DEFAULT_PROFILE)))
    [row] = list(files.rows("ties"))
    assert (row["start"], row["end"], row["type"]) == ("ann@firm.test", "joe@acme.com", "KNOWS")
    assert row["times"] == {"first_at": MS - 1000, "last_at": MS}
    props = row["props"]
    assert props["reply_buckets"] == [1, 0, 0, 0, 0]  # type: ignore[index]
    assert props["email_count"] == 2  # type: ignore[index]
    assert props["weight_fast"] == 0.5  # type: ignore[index]
    assert isinstance(props["reach"], float)  # type: ignore[index]


def test_the_create_writer_writes_every_kind_of_file() -> None:
    written = {kind for step in STEPS for kind in step}
    assert written | {"involves"} == set(HEADERS)  # INVOLVES lines go with their interactions
    assert set(STEPS[0]) == set(NODE_FILES) - {"interactions"}
