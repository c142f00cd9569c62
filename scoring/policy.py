"""The rules one ingestion run applies: who is ours (settings) and how ties score (profile)."""

from pydantic import BaseModel, ConfigDict

from scoring.profile import DEFAULT_PROFILE, ScoringProfile
from tiegraph.domain import InteractionRecord


class IngestPolicy(BaseModel):
    """Firm domains from `TIEGRAPH_FIRM_DOMAINS`; the scoring profile stored in the graph."""

    model_config = ConfigDict(frozen=True)

    firm_domains: tuple[str, ...] = ()
    profile: ScoringProfile = DEFAULT_PROFILE

    @property
    def firm_domain_set(self) -> frozenset[str]:
        """The firm's domains as a set, for membership tests."""
        return frozenset(self.firm_domains)

    def with_admin_flag(self, record: InteractionRecord) -> InteractionRecord:
        """`record` flagged admin exactly when the profile's admin-subject patterns match its
        subject: set or cleared, so that a profile change undoes what an older one decided."""
        admin = self.profile.is_admin_subject(record.subject)
        if admin == record.is_admin:
            return record
        return record.model_copy(update={"is_admin": admin})
