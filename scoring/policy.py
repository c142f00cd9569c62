"""The rules one ingestion run applies: who is ours and what may be captured (the firm's
settings) and how ties score (profile)."""

from pydantic import BaseModel, ConfigDict

from scoring.profile import DEFAULT_PROFILE, ScoringProfile
from tiegraph.domain import InteractionRecord
from tiegraph.firm import FirmSettings


class IngestPolicy(BaseModel):
    """Firm domains and capture controls (`tiegraph init`, `tiegraph capture`) and the scoring
    profile, all stored in the graph."""

    model_config = ConfigDict(frozen=True)

    firm_domains: tuple[str, ...] = ()
    profile: ScoringProfile = DEFAULT_PROFILE
    capture: FirmSettings = FirmSettings()

    @property
    def firm_domain_set(self) -> frozenset[str]:
        """The firm's domains as a set, for membership tests."""
        return frozenset(self.firm_domains)

    def with_admin_flag(self, record: InteractionRecord) -> InteractionRecord:
        """`record` flagged admin exactly when the profile's admin-subject patterns match its
        subject: set or cleared, so that a profile change undoes what an older one decided.
        Without a subject (subjects are not stored) the flag decided at capture stays."""
        if record.subject is None:
            return record
        admin = self.profile.is_admin_subject(record.subject)
        if admin == record.is_admin:
            return record
        return record.model_copy(update={"is_admin": admin})
