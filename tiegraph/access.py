"""Who is calling: API tokens, roles and the erasure list's address hashes. No I/O here.

A token is shown once, at creation; only its SHA-256 is stored, so a copy of the database
cannot be used to call the API. Erased addresses are kept the same way, as hashes.
"""

import hashlib
import secrets
from datetime import datetime
from enum import IntEnum

from pydantic import BaseModel, ConfigDict

TOKEN_PREFIX = "tg_"  # noqa: S105 - a marker, not a secret


class Role(IntEnum):
    """What a token may do; each role may do everything the ones below it may."""

    REP = 1
    MANAGER = 2
    ADMIN = 3

    @classmethod
    def parse(cls, value: str) -> "Role":
        """The role named `value` (rep, manager, admin; any case)."""
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise ValueError(f"{value!r} is not a role (rep, manager, admin)") from None

    @property
    def label(self) -> str:
        """The lower-case name used on the command line and in the graph."""
        return self.name.lower()


class ApiToken(BaseModel):
    """A stored token: never the token itself, only what it grants."""

    model_config = ConfigDict(frozen=True)

    id: str
    role: Role
    member_email: str
    created_at: datetime
    revoked_at: datetime | None = None


class Viewer(BaseModel):
    """The caller of one request, from their token."""

    model_config = ConfigDict(frozen=True)

    token_id: str
    role: Role
    member_email: str
    # The firm's members who opted out of being shown, read with the token (app/auth.py).
    opted_out: tuple[str, ...] = ()
    # The firm's domains as stored, read with the token (a request needs them to read the
    # addresses it is given; tiegraph.firm.agreed_domains checks them).
    firm_domains: tuple[str, ...] = ()

    def at_least(self, role: Role) -> bool:
        """True when this caller's role is `role` or above."""
        return self.role >= role


def new_token() -> str:
    """A fresh random token (256 bits), prefixed so leaked ones are easy to spot in logs."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored for `token`: its SHA-256 in hex. A random token needs no salt."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_id(hashed: str) -> str:
    """The public id of a token (revoke by it): the first 12 hex digits of its hash."""
    return hashed[:12]


def address_hash(address: str) -> str:
    """How an erased address is remembered: SHA-256 of its lower-cased form."""
    return hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()
