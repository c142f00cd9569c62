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

The rows, and how a job title reads as a seniority, are `tiegraph.reference`.
"""

import csv
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from pydantic import ValidationError

from ingest.jsonl import describe_validation_error
from ingest.parsers.crm import PRESETS, header_matches
from ingest.parsers.inputs import open_text
from ingest.results import ParseIssue
from tiegraph.reference import AccountRow, AliasRow, ContactRow, ReferenceRow, RosterRow

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
    with open_text(path) as handle:
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
