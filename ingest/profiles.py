"""Reading and changing the scoring profile; a change queues the rescore it requires."""

import json
from pathlib import Path
from typing import Any

from arq.connections import ArqRedis
from pydantic import ValidationError

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
) -> tuple[ScoringProfile, int, str]:
    """Apply `changes` to the active profile, store it and queue a rescore.

    Returns the new profile, its version and the rescore job's id. BadInput names every field
    that does not validate; then nothing is stored.
    """
    current = await repo.scoring_profile()
    try:
        profile = current.with_changes(**changes)
    except (ValidationError, TypeError) as exc:
        message = _describe(exc) if isinstance(exc, ValidationError) else str(exc)
        raise BadInput(message, location="changes") from exc
    version = await repo.save_scoring_profile(profile)
    return profile, version, await enqueue_rescore(queue)


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
