import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from ingest.parsers.crm import PRESETS, ColumnMapping, iter_crm_csv, load_mapping
from ingest.results import ParseIssue, Skipped
from scoring.policy import IngestPolicy
from tiegraph.domain import InteractionKind, InteractionRecord, Participant, ParticipantRole


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _record(item: object) -> InteractionRecord:
    assert isinstance(item, InteractionRecord), item
    return item


SALESFORCE_HEADER = [
    "ID",
    "SUBJECT",
    "TYPE",
    "TASKSUBTYPE",
    "ACTIVITYDATE",
    "ACTIVITYDATETIME",
    "OWNER.EMAIL",
    "WHO.EMAIL",
]


def test_salesforce_data_loader_export(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "tasks.csv",
        SALESFORCE_HEADER,
        [
            ["00T5e0000001AAA", "Intro call", "Call", "Call", "2026-03-02", "", "Ann@Firm.com",
             "joe@acme.com"],
            ["00U5e0000002BBB", "QBR", "", "Event", "2026-03-03",
             "2026-03-03T14:30:00.000+0000", "ann@firm.com", "kim@acme.com"],
            ["00T5e0000003CCC", "Send pricing", "", "Task", "3/4/2026", "", "bob@firm.com",
             "joe@acme.com"],
            ["00T5e0000004DDD", "Payment reminder", "Email", "Email", "2026-03-05", "",
             "bob@firm.com", "ap@acme.com"],
        ],
    )  # fmt: skip
    items = [_record(i) for i in iter_crm_csv(path, PRESETS["salesforce"])]
    assert [(r.external_id, r.kind, r.occurred_at) for r in items] == [
        ("00T5e0000001AAA", InteractionKind.CALL, datetime(2026, 3, 2, tzinfo=UTC)),
        ("00U5e0000002BBB", InteractionKind.MEETING, datetime(2026, 3, 3, 14, 30, tzinfo=UTC)),
        ("00T5e0000003CCC", InteractionKind.NOTE, datetime(2026, 3, 4, tzinfo=UTC)),
        ("00T5e0000004DDD", InteractionKind.EMAIL, datetime(2026, 3, 5, tzinfo=UTC)),
    ]
    assert items[0].participants == (
        Participant(email="ann@firm.com", role=ParticipantRole.FROM),
        Participant(email="joe@acme.com", role=ParticipantRole.TO),
    )
    assert items[0].source == "crm"
    assert items[0].subject == "Intro call"
    # The parser leaves admin paperwork to the profile's rule, which ingestion applies.
    assert [r.is_admin for r in items] == [False] * 4
    admin = [IngestPolicy().with_admin_flag(r).is_admin for r in items]
    assert admin == [False, False, False, True]


HUBSPOT_HEADER = [
    "Engagement ID",
    "Activity type",
    "Activity date",
    "Owner email",
    "Associated contact email",
    "Call title",
    "Call duration",
]


def test_hubspot_export_with_portal_time_zone(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "engagements.csv",
        HUBSPOT_HEADER,
        [
            ["9001", "CALL", "2026-03-04 15:00", "ann@firm.com", "joe@acme.com", "Demo", "0:45:00"],
            ["9002", "Meeting", "03/05/2026 09:30 AM", "ann@firm.com", "kim@acme.com", "", ""],
            ["9003", "NOTE", "2026-03-06 08:00", "ann@firm.com", "", "Internal", ""],
        ],
    )
    mapping = PRESETS["hubspot"].model_copy(
        update={"timezone": "America/New_York", "duration_minutes": ("Call duration",)}
    )
    items = list(iter_crm_csv(path, mapping))
    call, meeting = _record(items[0]), _record(items[1])
    assert call.external_id == "9001"
    assert call.kind is InteractionKind.CALL
    assert call.occurred_at == datetime(2026, 3, 4, 20, 0, tzinfo=UTC)
    assert call.subject == "Demo"
    assert call.duration_minutes == 45.0
    assert meeting.kind is InteractionKind.MEETING
    assert meeting.occurred_at == datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    assert meeting.subject is None
    assert meeting.duration_minutes is None
    assert items[2] == Skipped("engagements.csv:4", "no-contact")


def test_missing_mapped_column_is_one_issue(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "sf.csv",
        [c for c in SALESFORCE_HEADER if c != "WHO.EMAIL"],
        [["00T1", "Call", "Call", "Call", "2026-03-02", "", "ann@firm.com"]] * 3,
    )
    assert list(iter_crm_csv(path, PRESETS["salesforce"])) == [
        ParseIssue("sf.csv", "contact_email: column 'Who.Email' is not in the header")
    ]


def test_bad_rows_in_the_middle_are_reported_and_reading_goes_on(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "sf.csv",
        SALESFORCE_HEADER,
        [
            ["00T1", "Multi\nline\nsubject", "Call", "", "2026-03-02", "", "ann@firm.com",
             "joe@acme.com"],
            ["00T2", "Oops", "Call", "", "someday", "", "not an address", "joe@acme.com"],
            ["", "No id", "Webinar", "", "2026-03-03", "", "ann@firm.com", "joe@"],
            ["00T4", "Fine", "Meeting", "", "2026-03-04", "", "ann@firm.com", "kim@acme.com"],
        ],
    )  # fmt: skip
    items = list(iter_crm_csv(path, PRESETS["salesforce"]))
    assert _record(items[0]).subject == "Multi\nline\nsubject"
    formats = "iso, %m/%d/%Y %I:%M %p, %m/%d/%Y"
    # The first row spans lines 2-4, so the bad rows are on lines 5 and 6.
    assert items[1] == ParseIssue(
        "sf.csv:5",
        f"occurred_at: 'someday' matches none of {formats} (column 'ACTIVITYDATE'); "
        "owner_email: 'not an address' is not an email address (column 'OWNER.EMAIL')",
    )
    assert items[2] == ParseIssue(
        "sf.csv:6",
        "external_id: empty (column 'ID'); "
        "kind: 'Webinar' is not in kind_values (column 'TYPE'); "
        "contact_email: 'joe@' is not an email address (column 'WHO.EMAIL')",
    )
    assert _record(items[3]).external_id == "00T4"
    assert str(items[1]).startswith("sf.csv:5: occurred_at: 'someday'")


def test_load_mapping_from_json(tmp_path: Path) -> None:
    path = tmp_path / "mapping.json"
    path.write_text(
        json.dumps(
            {
                "external_id": "Activity Id",
                "kind": "Kind",
                "occurred_at": ["Done At", "Due"],
                "owner_email": "Rep",
                "contact_email": "Customer",
                "duration_minutes": "Minutes",
                "kind_values": {"PHONE": "call", "visit": "meeting"},
                "date_formats": ["%d.%m.%Y %H:%M"],
                "timezone": "Europe/Berlin",
            }
        )
    )
    mapping = load_mapping(path)
    assert mapping.occurred_at == ("Done At", "Due")
    assert mapping.kind_values == {"phone": InteractionKind.CALL, "visit": InteractionKind.MEETING}
    csv_path = _csv(
        tmp_path / "acts.csv",
        ["Activity Id", "Kind", "Done At", "Due", "Rep", "Customer", "Minutes"],
        [["a1", "Phone", "", "02.03.2026 10:00", "rep@firm.com", "c@acme.com", "12.5"]],
    )
    (item,) = list(iter_crm_csv(csv_path, mapping))
    record = _record(item)
    assert record.kind is InteractionKind.CALL
    assert record.occurred_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert record.duration_minutes == 12.5
    assert record.subject is None


def test_invalid_mapping_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="unknown time zone"):
        ColumnMapping.model_validate(
            {
                "external_id": "Id",
                "kind": "Kind",
                "occurred_at": "At",
                "owner_email": "Rep",
                "contact_email": "Customer",
                "kind_values": {},
                "timezone": "Mars/Olympus",
            }
        )
    with pytest.raises(ValidationError, match="external_id"):
        ColumnMapping.model_validate(
            {"external_id": [], "kind": "K", "occurred_at": "A", "owner_email": "R",
             "contact_email": "C", "kind_values": {}}
        )  # fmt: skip


def test_empty_file_is_one_issue(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("")
    assert list(iter_crm_csv(path, PRESETS["hubspot"])) == [
        ParseIssue("empty.csv", "header: the file is empty")
    ]
