"""Closed sets of words the API returns as enums, so clients can switch on them safely."""

from enum import Enum

import strawberry


@strawberry.enum(description="How senior a contact's title reads; UNKNOWN without a title.")
class SeniorityLevel(Enum):
    """How senior a contact's title reads (tiegraph.reference), UNKNOWN with no title."""

    EXECUTIVE = "executive"
    VP = "vp"
    DIRECTOR = "director"
    MANAGER = "manager"
    INDIVIDUAL = "individual"
    UNKNOWN = "unknown"


def seniority(value: str | None) -> SeniorityLevel | None:
    """The level of a stored seniority word (None stays None)."""
    return None if value is None else SeniorityLevel(value)


@strawberry.enum(description="Where an ingestion or rescore job stands.")
class JobStatus(Enum):
    """Where an ingestion or rescore job stands."""

    QUEUED = "queued"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    FAILED = "failed"
