"""Read models the repository returns: raw aggregates, not yet scored."""

from pydantic import BaseModel, ConfigDict

from scoring.tie_state import TieState
from tiegraph.domain import PersonRef, TieType


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


# A page of one account's contacts: (domain, email after which it starts, page size + 1).
ContactPageKey = tuple[str, str, int]


class ErasurePlan(BaseModel):
    """Everything one erasure writes, computed before the one transaction that writes it."""

    model_config = ConfigDict(frozen=True)

    email: str
    hashes: tuple[str, ...]
    erased_ms: int
    rewritten: list[dict[str, object]]
    deleted_interactions: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]
    ties: dict[TieType, list[dict[str, object]]]


class SearchHit(BaseModel):
    """A person or an account that matches a search: `person` or `account` is set, by `kind`
    (member, contact or account)."""

    model_config = ConfigDict(frozen=True)

    kind: str
    score: float
    person: PersonRef | None = None
    account: AccountSnapshot | None = None
