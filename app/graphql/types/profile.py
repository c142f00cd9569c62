"""The scoring profile, as JSON (its shape is `scoring.profile.ScoringProfile`)."""

import strawberry
from strawberry.scalars import JSON


@strawberry.type(description="A saved profile change and the rescore it queued.")
class ProfileUpdate:
    version: int
    rescore_job_id: str = strawberry.field(description="Poll with ingestJob or GET /jobs/{id}.")
    profile: JSON
