from datetime import date
from pathlib import Path

import pytest

import tiegraph.reference as reference
from ingest.parsers.reference import detect_csv_kind, iter_reference_csv
from ingest.results import ParseIssue
from tiegraph.reference import AccountRow, ContactRow, RosterRow, Seniority, seniority_from_title


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_roster_rows(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "roster.csv",
        "\ufeffEmail,Name,Title,Team,Left On\n"
        "Ann.Lee@Firm.com,Ann Lee,Chief Revenue Officer,Sales,\n"
        "bob@firm.com , Bob ,Account Executive,Sales,2025-12-31\n"
        "not-an-email,Nobody,,Ops,\n"
        ",,,,\n"
        "cat@firm.com,Cat,,Ops,31/12/2025\n",
    )
    items = list(iter_reference_csv(path, "roster"))
    assert items[0] == RosterRow(
        email="ann.lee@firm.com", name="Ann Lee", title="Chief Revenue Officer", team="Sales"
    )
    assert items[1] == RosterRow(
        email="bob@firm.com",
        name="Bob",
        title="Account Executive",
        team="Sales",
        left_on=date(2025, 12, 31),
    )
    assert isinstance(items[0], RosterRow)
    assert items[0].seniority is Seniority.EXECUTIVE
    assert items[2] == ParseIssue(
        "roster.csv:4", "email: Value error, 'not-an-email' is not an email address"
    )
    # The blank line 5 is skipped, the bad date on line 6 is reported.
    assert isinstance(items[3], ParseIssue)
    assert items[3].location == "roster.csv:6"
    assert items[3].message.startswith("left_on: ")
    assert len(items) == 4


def test_account_rows(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "accounts.csv",
        "domain,name,tier,annual_value,owner_email,notes\n"
        'https://www.Acme.com/about,Acme,Gold,"$1,200,000",Ann@Firm.com,key account\n'
        "@globex.io,Globex,,,,\n"
        "initech,Initech,Silver,lots,,\n",
    )
    items = list(iter_reference_csv(path, "accounts"))
    assert items[0] == AccountRow(
        domain="acme.com",
        name="Acme",
        tier="Gold",
        annual_value=1_200_000.0,
        owner_email="ann@firm.com",
    )
    assert items[1] == AccountRow(domain="globex.io", name="Globex")
    assert items[2] == ParseIssue(
        "accounts.csv:4",
        "domain: Value error, 'initech' is not a domain; "
        "annual_value: Input should be a valid number, unable to parse string as a number",
    )


def test_contact_rows_with_renames(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "people.csv",
        "E-mail,Full name,Job title,Company domain\n"
        "Joe@Acme.com,Joe Bloggs,VP Engineering,ACME.com\n"
        "kim@gmail.com,Kim,,\n",
    )
    renames = {"E-mail": "email", "full name": "name", "Job Title": "title",
               "company_domain": "account_domain"}  # fmt: skip
    header = path.read_text().splitlines()[0].split(",")
    assert detect_csv_kind(header) is None
    assert detect_csv_kind(header, renames) == "contacts"
    items = list(iter_reference_csv(path, "contacts", renames))
    assert items == [
        ContactRow(
            email="joe@acme.com",
            name="Joe Bloggs",
            title="VP Engineering",
            account_domain="acme.com",
        ),
        ContactRow(email="kim@gmail.com", name="Kim"),
    ]
    assert isinstance(items[0], ContactRow)
    assert items[0].seniority is Seniority.VP


def test_missing_required_column_is_one_issue(tmp_path: Path) -> None:
    path = _write(tmp_path / "roster.csv", "email,title\nann@firm.com,CEO\n")
    assert list(iter_reference_csv(path, "roster")) == [
        ParseIssue("roster.csv", "header: missing column(s) name, team")
    ]


def test_unknown_kind_is_a_caller_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.csv", "a,b\n")
    with pytest.raises(ValueError, match="unknown reference kind 'deals'"):
        list(iter_reference_csv(path, "deals"))


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (["email", "name", "title", "team", "left_on"], "roster"),
        (["Email", "Name", "Team"], "roster"),
        (["domain", "name", "tier", "annual_value", "owner_email"], "accounts"),
        (["email", "name", "title", "account_domain"], "contacts"),
        (["Id", "Subject", "ActivityDate", "Type", "Owner.Email", "Who.Email"], "crm"),
        (
            ["Engagement ID", "Activity type", "Activity date", "Owner email",
             "Associated contact email", "Subject"],
            "crm",
        ),
        (["Id", "Subject", "ActivityDate", "Type", "Owner.Email"], None),
        (["first", "last"], None),
    ],
)  # fmt: skip
def test_detect_csv_kind(header: list[str], kind: str | None) -> None:
    assert detect_csv_kind(header) == kind


@pytest.mark.parametrize(
    ("title", "seniority"),
    [
        ("Chief Executive Officer", Seniority.EXECUTIVE),
        ("CEO & Co-Founder", Seniority.EXECUTIVE),
        ("CFO", Seniority.EXECUTIVE),
        ("cto", Seniority.EXECUTIVE),
        ("COO", Seniority.EXECUTIVE),
        ("CRO", Seniority.EXECUTIVE),
        ("CMO, EMEA", Seniority.EXECUTIVE),
        ("Founder", Seniority.EXECUTIVE),
        ("President", Seniority.EXECUTIVE),
        ("Owner", Seniority.EXECUTIVE),
        ("Managing Partner", Seniority.EXECUTIVE),
        ("Managing Director", Seniority.EXECUTIVE),
        ("Geschäftsführer", Seniority.EXECUTIVE),
        ("Vice President, Sales", Seniority.VP),
        ("Executive Vice-President", Seniority.VP),
        ("SVP Engineering", Seniority.VP),
        ("EVP", Seniority.VP),
        ("VP of Marketing", Seniority.VP),
        ("Senior Director, Finance", Seniority.DIRECTOR),
        ("Head of Procurement", Seniority.DIRECTOR),
        ("Engineering Manager", Seniority.MANAGER),
        ("Partner Manager", Seniority.MANAGER),
        ("Team Lead", Seniority.MANAGER),
        ("Shift Supervisor", Seniority.MANAGER),
        ("Product Owner, Payments", Seniority.INDIVIDUAL),
        ("Chief of Staff", Seniority.INDIVIDUAL),
        ("Account Executive", Seniority.INDIVIDUAL),
        ("Software Engineer", Seniority.INDIVIDUAL),
        ("Leadership coach", Seniority.INDIVIDUAL),
        ("", Seniority.INDIVIDUAL),
        (None, Seniority.INDIVIDUAL),
    ],
)
def test_seniority_from_title(title: str | None, seniority: Seniority) -> None:
    assert seniority_from_title(title) is seniority


def test_seniority_table_is_documented() -> None:
    doc = reference.__doc__ or ""
    for level, pattern in reference.SENIORITY_RULES:
        assert any(
            line.split()[1:] == [level.value, pattern] for line in doc.splitlines() if line
        ), pattern
