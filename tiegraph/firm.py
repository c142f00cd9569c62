"""The firm's settings, stored once in the graph: its domains and what it lets tiegraph capture
and show. Pure: graph/firm.py reads and writes them, this module decides what they mean.

One node holds all of it, `(:FirmSettings {key: 'firm'})`, so that every process (API, worker,
CLI) reads the same thing, and a bulk load into an empty database can copy it out and back.

- `domains`: whose people are team members. Ingestion refuses to run without them, and when
  `TIEGRAPH_FIRM_DOMAINS` is set to anything else (`agreed_domains`).
- Capture (`capture_refusal`, `captured`): interactions read from an excluded member's mailbox
  or calendar (`InteractionRecord.owner`), or with an excluded address or domain among the
  people, are not stored at all; with `store_subjects` off, subjects are dropped.
- Showing (`hidden_members`): a member who opted out has their ties left out of everyone
  else's answers.
"""

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from tiegraph.access import address_hash
from tiegraph.domain import InteractionRecord
from tiegraph.errors import SetupRequired
from tiegraph.identity import domain_of

INIT_HINT = "run `tiegraph init --firm-domain YOURFIRM.COM` once (docker compose run api ...)"
EXCLUDED_SOURCE = "excluded-source"
EXCLUDED_ADDRESS = "excluded-address"


class FirmSettings(BaseModel):
    """What `tiegraph init` and `tiegraph capture` stored; empty until init."""

    model_config = ConfigDict(frozen=True)

    domains: tuple[str, ...] = ()
    # Members whose own mailboxes and calendars are not read.
    excluded_sources: tuple[str, ...] = ()
    # Domains (and their subdomains) nobody's interactions with are stored.
    excluded_domains: tuple[str, ...] = ()
    # SHA-256 of excluded addresses (as the erasure list): the addresses are never stored.
    excluded_hashes: tuple[str, ...] = ()
    store_subjects: bool = True
    # Members who asked not to be shown to others.
    opted_out: tuple[str, ...] = ()

    @property
    def initialised(self) -> bool:
        """True once `tiegraph init` stored the firm's domains."""
        return bool(self.domains)

    def excludes_address(self, address: str) -> bool:
        """True for an address excluded by itself or by its domain (or a parent domain)."""
        if address_hash(address) in self.excluded_hashes:
            return True
        domain = domain_of(address)
        return any(domain == d or domain.endswith("." + d) for d in self.excluded_domains)


def agreed_domains(firm: FirmSettings, from_environment: Sequence[str]) -> tuple[str, ...]:
    """The firm's domains, or SetupRequired when none are stored or when
    `TIEGRAPH_FIRM_DOMAINS` (`from_environment`, empty when unset) names others."""
    if not firm.initialised:
        raise SetupRequired(f"the firm's domains are not set up: {INIT_HINT}")
    if from_environment and tuple(from_environment) != firm.domains:
        raise SetupRequired(
            f"TIEGRAPH_FIRM_DOMAINS is {','.join(from_environment)} but the graph's firm is "
            f"{','.join(firm.domains)}: unset the variable, or change the firm with "
            "`tiegraph init --change --firm-domain ...`"
        )
    return firm.domains


def capture_refusal(record: InteractionRecord, firm: FirmSettings) -> str | None:
    """Why an interaction (addresses already canonical) is not captured, or None."""
    if record.owner is not None and record.owner in firm.excluded_sources:
        return EXCLUDED_SOURCE
    if (firm.excluded_hashes or firm.excluded_domains) and any(
        firm.excludes_address(p.email) for p in record.participants
    ):
        return EXCLUDED_ADDRESS
    return None


def captured(record: InteractionRecord, firm: FirmSettings) -> InteractionRecord:
    """The record as it may be stored: without its subject when subjects are off."""
    if firm.store_subjects or record.subject is None:
        return record
    return record.model_copy(update={"subject": None})


def hidden_members(opted_out: Sequence[str], viewer_email: str | None) -> frozenset[str]:
    """Team members whose ties an answer for `viewer_email` leaves out: those who opted out,
    except the viewer themselves (an opt-out hides you from others, not from yourself)."""
    return frozenset(m for m in opted_out if m != viewer_email)
