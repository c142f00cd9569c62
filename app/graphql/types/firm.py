"""The firm's settings and the capture controls (tiegraph/firm.py, ingest/capture.py)."""

from enum import Enum
from typing import Self

import strawberry

from tiegraph import firm


@strawberry.enum(description="What a capture exclusion names.")
class CaptureTarget(Enum):
    MEMBER = "member"
    ADDRESS = "address"
    DOMAIN = "domain"


@strawberry.type(description="The firm's domains and capture controls, as stored in the graph.")
class FirmSettings:
    domains: list[str] = strawberry.field(description="Whose people are team members.")
    excluded_sources: list[str] = strawberry.field(
        description="Members whose mailboxes and calendars are not read."
    )
    excluded_domains: list[str]
    excluded_address_count: int = strawberry.field(
        description="Excluded addresses are kept as SHA-256 only, so only their number is shown."
    )
    store_subjects: bool
    opted_out: list[str] = strawberry.field(
        description="Members whose ties are left out of other people's answers."
    )

    @classmethod
    def from_domain(cls, settings: firm.FirmSettings) -> Self:
        return cls(
            domains=list(settings.domains), excluded_sources=list(settings.excluded_sources),
            excluded_domains=list(settings.excluded_domains),
            excluded_address_count=len(settings.excluded_hashes),
            store_subjects=settings.store_subjects, opted_out=list(settings.opted_out),
        )  # fmt: skip
