"""The scoring profile, as JSON (its shape is `scoring.profile.ScoringProfile`)."""

import strawberry
from strawberry.scalars import JSON


@strawberry.type(description="A saved profile change and the rescore it queued.")
class ProfileUpdate:
    version: int
    rescore_job_id: str | None = strawberry.field(
        description="Poll with ingestJob or GET /jobs/{id}. Null when the queue (Redis) could "
        "not be reached: the rescore is owed in the graph and the worker queues it within a "
        "minute of reaching Redis."
    )
    profile: JSON
