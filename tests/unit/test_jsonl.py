from pathlib import Path

import pytest

from ingest.jsonl import records_from_wire
from ingest.results import ParsedItem, ParseIssue
from ingest.sources import iter_jsonl_file
from tiegraph.domain import InteractionRecord, ParticipantRole
from tiegraph.errors import BadInput

GOOD = (
    '{"id": "m-1", "kind": "email", "occurredAt": "2026-03-01T10:30:00+01:00", '
    '"from": "Ann Lee <Ann@Firm.test>", "to": ["joe@acme.com"], "cc": ["JOE@acme.com", '
    '"sue@acme.com"], "subject": "Hello"}'
)


def read_lines(tmp_path: Path, lines: list[str]) -> list[ParsedItem]:
    """The items `iter_jsonl_file` reads from a file `mail.jsonl` holding `lines`."""
    path = tmp_path / "mail.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return list(iter_jsonl_file(path))


def test_a_good_line_becomes_a_normalised_record(tmp_path: Path) -> None:
    (item,) = read_lines(tmp_path, [GOOD])
    assert isinstance(item, InteractionRecord)
    assert item.occurred_at.isoformat() == "2026-03-01T09:30:00+00:00"
    assert [(p.email, p.role) for p in item.participants] == [
        ("ann@firm.test", ParticipantRole.FROM),
        ("joe@acme.com", ParticipantRole.TO),
        ("sue@acme.com", ParticipantRole.CC),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "x", "kind": "email", "from": "a@b.co"}', "occurredAt: Field required"),
        ('{"id": "x", "kind": "fax", "occurredAt": "2026-01-01T00:00:00Z", "from": "a@b.co"}',
         "kind: Input should be"),
        ('{"id": "x", "kind": "email", "occurredAt": "2026-01-01T00:00:00", "from": "a@b.co"}',
         "occurredAt: Value error, needs a time zone"),
        ('{"id": "x", "kind": "email", "occurredAt": "2026-01-01T00:00:00Z", "from": "a@b.co",'
         ' "to": ["not an address"]}', "to[0]: 'not an address' is not an email address"),
        ('{"id": "x", "kind": "email"', "not valid JSON"),
    ],
)  # fmt: skip
def test_a_bad_line_names_its_line_and_field(tmp_path: Path, line: str, message: str) -> None:
    items = read_lines(tmp_path, ["", GOOD, line])
    assert isinstance(items[0], InteractionRecord)
    issue = items[1]
    assert isinstance(issue, ParseIssue)
    assert issue.location == "mail.jsonl:3"
    assert message in issue.message


def test_wire_rows_are_all_validated_before_any_is_used() -> None:
    good = {"id": "1", "kind": "call", "occurredAt": "2026-01-01T00:00:00Z", "from": "a@b.co"}
    bad = {**good, "id": "2", "cc": ["??"]}
    with pytest.raises(BadInput, match=r"interactions\[1\]: cc\[0\]: '\?\?' is not an email"):
        records_from_wire([good, bad], "interactions")


def test_an_address_with_a_nul_or_a_control_character_is_refused() -> None:
    # parseaddr keeps a NUL inside an address; it was stored in the graph as it came.
    for sneaky in ("jo\x00e@acme.com", "joe@ac\x01me.com", "jo\te@acme.com"):
        row = {"id": "n1", "kind": "email", "occurredAt": "2026-03-01T09:30:00Z",
               "from": "ann@firm.com", "to": [sneaky]}  # fmt: skip
        with pytest.raises(BadInput, match=r"interactions\[0\]: to\[0\]"):
            records_from_wire([row], "interactions")
