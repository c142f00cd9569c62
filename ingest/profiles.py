"""Reading and changing the scoring profile; a change queues the rescore it requires."""

import json
from pathlib import Path
from typing import Any

from arq.connections import ArqRedis
from pydantic import ValidationError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from graph.repository import GraphRepository
from ingest.jobs import enqueue_rescore
from scoring.profile import ScoringProfile
from tiegraph.errors import BadInput


def _describe(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in item['loc']) or 'profile'}: {item['msg']}"
        for item in error.errors()
    )


async def update_profile(
    repo: GraphRepository, queue: ArqRedis, changes: dict[str, Any]
) -> tuple[ScoringProfile, int, str | None]:
    """Apply `changes` to the active profile, store it and queue a rescore.

    Returns the new profile, its version and the rescore job's id, None when Redis cannot be
    reached: the saved profile carries an owed-rescore mark either way, which the worker
    queues (`queue_owed_rescore`) once it reaches Redis. BadInput names every field that does
    not validate; then nothing is stored.
    """
    current = await repo.scoring_profile()
    try:
        profile = current.with_changes(**changes)
    except (ValidationError, TypeError) as exc:
        message = _describe(exc) if isinstance(exc, ValidationError) else str(exc)
        raise BadInput(message, location="changes") from exc
    version, rescore_id = await repo.save_scoring_profile(profile)
    try:
        job: str | None = await enqueue_rescore(queue, rescore_id)
    except (RedisConnectionError, RedisTimeoutError, OSError):
        job = None  # owed in the graph: the worker queues it
    return profile, version, job


async def queue_owed_rescore(repo: GraphRepository, queue: ArqRedis) -> str | None:
    """Queue the rescore the active profile is owed, if any; returns its job id."""
    rescore_id = await repo.owed_rescore()
    return None if rescore_id is None else await enqueue_rescore(queue, rescore_id)


def profile_from_file(path: Path, base: ScoringProfile) -> ScoringProfile:
    """`base` with the fields a JSON file gives (a whole profile, or only some fields).
    BadInput names the file and every field that does not validate."""
    try:
        changes = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadInput(str(exc), location=str(path)) from exc
    if not isinstance(changes, dict):
        raise BadInput("a profile is a JSON object of fields", location=str(path))
    try:
        return base.with_changes(**changes)
    except ValidationError as exc:
        raise BadInput(_describe(exc), location=str(path)) from exc


def changed_fields(current: ScoringProfile, proposed: ScoringProfile) -> dict[str, Any]:
    """The fields `proposed` changes, as `update_profile` takes them."""
    old, new = current.model_dump(mode="json"), proposed.model_dump(mode="json")
    return {name: value for name, value in new.items() if old[name] != value}
