r"""Reference data as rows: the team roster, the account list, known contacts and aliases.

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

import re
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from tiegraph.identity import normalise_domain, parse_address


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
        return parse_address(value)

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
        return None if value is None else parse_address(value)


class ContactRow(_Row):
    """A known contact: `email,name,title,account_domain`."""

    email: str
    name: str | None = None
    title: str | None = None
    account_domain: str | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return parse_address(value)

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
        return parse_address(value)


ReferenceRow = RosterRow | AccountRow | ContactRow | AliasRow
