"""Every problem a file gives is reported where it is (file:line, archive!member:line): a
date out of the stored range, a JSON Lines member of a zip, a member whose name climbs out of
the archive or a format a zip is not read for. Nothing is dropped without a word."""

import json
import zipfile
from pathlib import Path

from ingest.results import ParsedItem, ParseIssue, Skipped
from ingest.sources import iter_path
from tiegraph.domain import InteractionRecord


def _line(ident: str, at: str) -> str:
    return json.dumps({"id": ident, "kind": "email", "occurredAt": at,
                       "from": "ann@firm.test", "to": ["joe@acme.com"]}) + "\n"  # fmt: skip


def _issues(items: list[ParsedItem]) -> list[str]:
    return [str(i) for i in items if isinstance(i, ParseIssue)]


def test_a_jsonl_date_out_of_range_keeps_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "mail.jsonl"
    path.write_text(_line("a", "2026-03-01T09:00:00Z") + _line("b", "1985-01-01T00:00:00Z")
                    + _line("c", "2099-01-01T00:00:00Z"))  # fmt: skip
    items = list(iter_path(path))
    assert _issues(items) == [
        "mail.jsonl:2: occurredAt: 1985-01-01T00:00:00+00:00 is before 1990-01-01",
        "mail.jsonl:3: occurredAt: 2099-01-01T00:00:00+00:00 is more than a day in the future",
    ]
    assert [i.external_id for i in items if isinstance(i, InteractionRecord)] == ["a"]


def test_a_crm_date_out_of_range_keeps_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "activities.csv"
    path.write_text(
        "Engagement ID,Activity date,Activity type,Owner email,Associated contact email,Subject\n"
        "1,2026-03-01,Call,ann@firm.test,joe@acme.com,Intro\n"
        "2,2099-03-01,Call,ann@firm.test,joe@acme.com,Later\n"
    )
    issues = _issues(list(iter_path(path)))
    assert len(issues) == 1
    assert issues[0].startswith("activities.csv:3: occurred_at: 2099-03-01")
    assert "more than a day in the future" in issues[0]


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_jsonl_member_of_a_zip_is_ingested_line_by_line(tmp_path: Path) -> None:
    lines = _line("a", "2026-03-01T09:00:00Z") + "{not json\n" + _line("b", "2026-03-02T09:00:00Z")
    items = list(iter_path(_zip(tmp_path / "export.zip", {"mail.jsonl": lines.encode()})))
    assert [i.external_id for i in items if isinstance(i, InteractionRecord)] == ["a", "b"]
    assert [i.location for i in items if isinstance(i, ParseIssue)] == ["export.zip!mail.jsonl:2"]


def test_zip_members_that_are_not_read_are_reported(tmp_path: Path) -> None:
    message = b"From: ann@firm.test\r\nTo: joe@acme.com\r\nDate: Mon, 2 Mar 2026 09:00:00 +0000\r\n"
    members = {
        "../../outside.eml": message + b"Message-ID: <1@x>\r\n\r\nbody",
        "/abs/rooted.eml": message + b"Message-ID: <2@x>\r\n\r\nbody",
        "team.csv": b"email,name,title,team,left_on\nann@firm.test,Ann,,,\n",
        "meetings.ics": b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        "fine/cur/1.eml": message + b"Message-ID: <3@x>\r\n\r\nbody",
        "notes.pdf": b"%PDF-1.4",
    }
    items = list(iter_path(_zip(tmp_path / "export.zip", members)))
    records = [i.external_id for i in items if isinstance(i, InteractionRecord)]
    assert records == ["3@x"]
    issues = {i.location: i.message for i in items if isinstance(i, ParseIssue)}
    assert set(issues) == {"export.zip!../../outside.eml", "export.zip!/abs/rooted.eml",
                           "export.zip!team.csv", "export.zip!meetings.ics"}  # fmt: skip
    assert "dropped" in issues["export.zip!../../outside.eml"]
    assert "ingest it on its own" in issues["export.zip!team.csv"]
    assert [i.reason for i in items if isinstance(i, Skipped)] == ["not-email"]
