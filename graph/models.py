"""Read models the repository returns: raw aggregates, not yet scored."""

from dataclasses import dataclass
from typing import Any

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
    # The tie writes' `$rule` (`graph.records.reach_rule`) for the profile that rebuilt `ties`.
    rule: dict[str, object]


class SearchHit(BaseModel):
    """A person or an account that matches a search: `person` or `account` is set, by `kind`
    (member, contact or account)."""

    model_config = ConfigDict(frozen=True)

    kind: str
    score: float
    person: PersonRef | None = None
    account: AccountSnapshot | None = None


@dataclass(frozen=True)
class GraphSnapshot:
    """A graph's nodes (`id`, `labels`, `props`) and relationships (`a`, `b`, `type`, `props`),
    as `bulk/snapshot_*` read them; opaque above graph/ (the values are Neo4j's)."""

    nodes: list[dict[str, Any]]
    relationships: list[dict[str, Any]]

    def node_groups(self) -> dict[str, list[dict[str, Any]]]:
        """The nodes by the query that writes them back: people and accounts are merged on
        their key, the rest created."""
        groups: dict[str, list[dict[str, Any]]] = {
            "bulk/restore_people": [],
            "bulk/restore_accounts": [],
            "bulk/restore_nodes": [],
        }
        for node in self.nodes:
            if "Person" in node["labels"] and "email" in node["props"]:
                groups["bulk/restore_people"].append(node)
            elif "Account" in node["labels"] and "domain" in node["props"]:
                groups["bulk/restore_accounts"].append(node)
            else:
                groups["bulk/restore_nodes"].append(node)
        return groups

    @property
    def empty(self) -> bool:
        """True when there is nothing to carry over."""
        return not self.nodes
