"""Read models the repository returns: raw aggregates, not yet scored."""

from pydantic import BaseModel, ConfigDict

from scoring.tie_model import TieState
from tiegraph.domain import PersonRef


class MemberTie(BaseModel):
    """One team member's tie to a contact, as stored."""

    model_config = ConfigDict(frozen=True)

    member: PersonRef
    state: TieState


class ContactTies(BaseModel):
    """A contact with every team member's tie to them."""

    model_config = ConfigDict(frozen=True)

    contact: PersonRef
    ties: tuple[MemberTie, ...]


class AccountSnapshot(BaseModel):
    """An account with its contacts and their ties."""

    model_config = ConfigDict(frozen=True)

    domain: str
    name: str | None = None
    tier: str | None = None
    annual_value: float | None = None
    contacts: tuple[ContactTies, ...] = ()


class MemberContactTie(BaseModel):
    """A team member, a contact, and the tie between them if there is one."""

    model_config = ConfigDict(frozen=True)

    member: PersonRef
    contact: PersonRef
    state: TieState | None
