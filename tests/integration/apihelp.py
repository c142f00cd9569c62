"""Helpers for API tests: GraphQL calls and a small seeded firm."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from ingest.pipeline import Ingestor
from tiegraph.domain import InteractionKind, InteractionRecord, Participant, ParticipantRole

NOW = datetime.now(UTC)


async def gql(api: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    """POST a GraphQL operation; GraphQL answers 200 even for errors."""
    response = await api.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def codes(body: dict[str, Any]) -> list[str]:
    """The `code` extension of every error in a GraphQL response."""
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]


def record(ident: str, sender: str, to: list[str], days_ago: float,
           kind: InteractionKind = InteractionKind.EMAIL, subject: str = "Hello") -> InteractionRecord:  # fmt: skip
    """One interaction from `sender` to `to`, `days_ago` days back."""
    people = [Participant(email=sender, role=ParticipantRole.FROM)]
    people += [Participant(email=t, role=ParticipantRole.TO) for t in to]
    return InteractionRecord(
        external_id=ident, kind=kind, occurred_at=NOW - timedelta(days=days_ago),
        subject=subject, participants=tuple(people), source="test",
    )  # fmt: skip


async def seed_firm(ingestor: Ingestor) -> None:
    """ann@ and rep@firm.test both know joe@acme.com; sue@acme.com meets ann and joe."""
    await ingestor.run([
        record("a1", "ann@firm.test", ["joe@acme.com"], 5),
        record("a2", "joe@acme.com", ["ann@firm.test"], 4),
        record("r1", "rep@firm.test", ["joe@acme.com"], 3),
        record("r2", "joe@acme.com", ["rep@firm.test"], 2),
        record("m1", "ann@firm.test", ["joe@acme.com", "sue@acme.com"], 1, InteractionKind.MEETING),
    ])  # fmt: skip
