r"""Reference CSVs: the team roster, the account list and known contacts.

Each kind is recognised by its header (column names compared case-insensitively, with
spaces and dashes read as underscores, so "Left On" is `left_on`):

* roster: `email,name,title,team,left_on` (email, name and team required)
* accounts: `domain,name,tier,annual_value,owner_email` (domain and name required)
* contacts: `email,name,title,account_domain` (email and account_domain required)
* aliases: `alias,email` (both required): `alias` is another address of the person `email`

Other columns are ignored; an optional rename mapping maps a file's own column names to
these. Empty cells are None. Emails are normalised like every other address; domains are
lower-cased with any scheme, path, "@" or leading "www." removed; `left_on` is an ISO
date; `annual_value` is a plain number, optionally with a currency symbol and thousands
commas.

Seniority is read from a job title by the first matching rule of this ordered table
(case-insensitive regexes; no match, or no title, is `individual`). VP comes before
executive so that "Vice President" is not read as "President", and executive before
director so that "Managing Director" is an executive:

======  =========  ==============================================================
order   seniority  pattern
======  =========  ==============================================================
1       vp         \b(?:[se]?vp|avp|vice[\s-]*president)\b
2       executive  \b(?:chief(?!\s+of\s+staff)|c[a-z]o|ciso)\b
3       executive  \b(?:(?:co-?)?founder|president|managing\s+director)\b
4       executive  \b(?:geschäftsführer|inhaber)\b
5       executive  \b(?:owner|partner)\b(?!\s+\w)
6       director   \b(?:director|head)\b
7       manager    \b(?:manager|mgr|lead|leader|supervisor)\b
======  =========  ==============================================================

Rule 5 only counts "owner" and "partner" as the last word (or before punctuation), so
"Managing Partner" and "Owner" are executives and "Partner Manager" falls through to
manager. Before matching, "product owner" and "process owner" are blanked out: they are
individual roles, so "Product Owner, Payments" is an individual.
"""

import csv
import re
from collections.abc import Iterator, Mapping
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from ingest.jsonl import describe_validation_error
from ingest.parsers.crm import PRESETS, header_matches
from ingest.results import ParseIssue
from tiegraph.identity import normalise_address


class Seniority(StrEnum):
    """How senior a job title reads, from the top down."""

    EXECUTIVE = "executive"
    VP = "vp"
    DIRECTOR = "director"
    MANAGER = "manager"
    INDIVIDUAL = "individual"


SENIORITY_RULES: tuple[tuple[Seniority, str], ...] = (
    (Seniority.VP, r"\b(?:[se]?vp|avp|vice[\s-]*president)\b"),
    (Seniority.EXECUTIVE, r"\b(?:chief(?!\s+of\s+staff)|c[a-z]o|ciso)\b"),
    (Seniority.EXECUTIVE, r"\b(?:(?:co-?)?founder|president|managing\s+director)\b"),
    (Seniority.EXECUTIVE, r"\b(?:geschäftsführer|inhaber)\b"),
    (Seniority.EXECUTIVE, r"\b(?:owner|partner)\b(?!\s+\w)"),
    (Seniority.DIRECTOR, r"\b(?:director|head)\b"),
    (Seniority.MANAGER, r"\b(?:manager|mgr|lead|leader|supervisor)\b"),
)
_COMPILED_RULES = tuple((level, re.compile(p, re.IGNORECASE)) for level, p in SENIORITY_RULES)
_PRODUCT_OWNER = re.compile(r"\b(?:product|process)\s+owner\b", re.IGNORECASE)


def seniority_from_title(title: str | None) -> Seniority:
    """The seniority a job title reads as, by the ordered rules in the module docstring."""
    if not title:
        return Seniority.INDIVIDUAL
    # Scrum and process roles named "owner" are individual contributors.
    text = _PRODUCT_OWNER.sub(" ", title)
    for level, pattern in _COMPILED_RULES:
        if pattern.search(text):
            return level
    return Seniority.INDIVIDUAL


def _normalised_email(value: str) -> str:
    address = normalise_address(value)
    if address is None:
        raise ValueError(f"{value!r} is not an email address")
    return address


def normalise_domain(value: str) -> str:
    """A bare, lower-case domain from "https://www.Acme.com/about" or "@acme.com"."""
    domain = value.strip().lower()
    domain = re.sub(r"^[a-z][a-z0-9+.-]*://", "", domain)
    domain = domain.split("/", 1)[0].lstrip("@").removeprefix("www.").rstrip(".")
    if "." not in domain or not re.fullmatch(r"[a-z0-9.-]+", domain):
        raise ValueError(f"{value!r} is not a domain")
    return domain


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _blank_is_none(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: (v.strip() or None) if isinstance(v, str) else v for k, v in data.items()}
        return data


class RosterRow(_Row):
    """One of our people: `email,name,title,team,left_on`."""

    email: str
    name: str | None = None
    title: str | None = None
    team: str | None = None
    left_on: date | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _normalised_email(value)

    @property
    def seniority(self) -> Seniority:
        """Seniority read from the title."""
        return seniority_from_title(self.title)


class AccountRow(_Row):
    """A customer account: `domain,name,tier,annual_value,owner_email`."""

    domain: str
    name: str | None = None
    tier: str | None = None
    annual_value: float | None = None
    owner_email: str | None = None

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        return normalise_domain(value)

    @field_validator("annual_value", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Any:
        return re.sub(r"[\s,$€£]", "", value) if isinstance(value, str) else value

    @field_validator("owner_email")
    @classmethod
    def _owner(cls, value: str | None) -> str | None:
        return None if value is None else _normalised_email(value)


class ContactRow(_Row):
    """A known contact: `email,name,title,account_domain`."""

    email: str
    name: str | None = None
    title: str | None = None
    account_domain: str | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _normalised_email(value)

    @field_validator("account_domain")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        return None if value is None else normalise_domain(value)

    @property
    def seniority(self) -> Seniority:
        """Seniority read from the title."""
        return seniority_from_title(self.title)


class AliasRow(_Row):
    """Another address of a known person: `alias,email` (email is the one to keep)."""

    alias: str
    email: str

    @field_validator("alias", "email")
    @classmethod
    def _address(cls, value: str) -> str:
        return _normalised_email(value)


ReferenceRow = RosterRow | AccountRow | ContactRow | AliasRow

# kind: (model, required columns, optional columns), checked in this order.
REFERENCE_KINDS: dict[str, tuple[type[ReferenceRow], tuple[str, ...], tuple[str, ...]]] = {
    "roster": (RosterRow, ("email", "name", "team"), ("title", "left_on")),
    "contacts": (ContactRow, ("email", "account_domain"), ("name", "title")),
    "accounts": (AccountRow, ("domain", "name"), ("tier", "annual_value", "owner_email")),
    "aliases": (AliasRow, ("alias", "email"), ()),
}


def canonical_column(column: str, renames: Mapping[str, str] | None = None) -> str:
    """The name a column is matched by, after `renames` (whose keys match the same way)."""
    name = re.sub(r"[\s-]+", "_", column.removeprefix("\ufeff").strip().casefold())
    if renames:
        folded = {canonical_column(k): v for k, v in renames.items()}
        name = canonical_column(folded.get(name, name))
    return name


def detect_csv_kind(header: list[str], renames: Mapping[str, str] | None = None) -> str | None:
    """ "roster", "contacts", "accounts" or "crm" (a CRM preset matches), or None."""
    columns = {canonical_column(c, renames) for c in header}
    for kind, (_, required, _) in REFERENCE_KINDS.items():
        if set(required) <= columns:
            return kind
    if any(header_matches(header, preset) for preset in PRESETS.values()):
        return "crm"
    return None


def iter_reference_csv(
    path: str | Path, kind: str, renames: Mapping[str, str] | None = None
) -> Iterator[ReferenceRow | ParseIssue]:
    """Stream a reference CSV of `kind` ("roster", "accounts" or "contacts").

    Missing required columns give one ParseIssue naming the file and columns, and nothing
    else; a bad row gives a ParseIssue `file:LINE` naming the field, and reading goes on.
    Raises ValueError for an unknown kind (a caller's mistake, not the file's).
    """
    if kind not in REFERENCE_KINDS:
        raise ValueError(f"unknown reference kind {kind!r}")
    model, required, optional = REFERENCE_KINDS[kind]
    path = Path(path)
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            yield ParseIssue(path.name, "header: the file is empty")
            return
        positions: dict[str, int] = {}
        for index, column in enumerate(header):
            positions.setdefault(canonical_column(column, renames), index)
        missing = [c for c in required if c not in positions]
        if missing:
            yield ParseIssue(path.name, f"header: missing column(s) {', '.join(missing)}")
            return
        wanted = [c for c in required + optional if c in positions]
        end_of_previous = reader.line_num
        for cells in reader:
            location = f"{path.name}:{end_of_previous + 1}"
            end_of_previous = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            values = {c: cells[positions[c]] if positions[c] < len(cells) else "" for c in wanted}
            item: ReferenceRow | ParseIssue
            try:
                item = model.model_validate(values)
            except ValidationError as exc:
                item = ParseIssue(location, describe_validation_error(exc))
            yield item
