"""The rules one ingestion run applies: who is ours (settings) and how ties score (profile)."""

from pydantic import BaseModel, ConfigDict

from scoring.profile import DEFAULT_PROFILE, ScoringProfile


class IngestPolicy(BaseModel):
    """Firm domains from `TIEGRAPH_FIRM_DOMAINS`; the scoring profile stored in the graph."""

    model_config = ConfigDict(frozen=True)

    firm_domains: tuple[str, ...] = ()
    profile: ScoringProfile = DEFAULT_PROFILE

    @property
    def firm_domain_set(self) -> frozenset[str]:
        """The firm's domains as a set, for membership tests."""
        return frozenset(self.firm_domains)
