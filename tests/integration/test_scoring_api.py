"""The scoring model through the API: tie() with evidence and asOf, the profile, the rescore."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from arq.connections import ArqRedis
from fastapi import FastAPI

from app.worker import create_worker
from graph.repository import GraphRepository
from tests.conftest import free_port
from tiegraph.settings import Settings

NOW = datetime.now(UTC).replace(microsecond=0)


async def gql(api: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    body: dict[str, Any] = (
        await api.post("/graphql", json={"query": query, "variables": variables})
    ).json()
    assert "errors" not in body, body
    return body["data"]


INGEST = "mutation($i: [InteractionInput!]!) { ingestInteractions(interactions: $i) { ingested } }"
TIE = """query($asOf: DateTime) { tie(memberEmail: "ann@firm.test", contactEmail: "joe@acme.com", asOf: $asOf) {
  asOf strength { score label trend components { name value explanation }
  evidence { interactionCount lastTwoWayAt medianReply counts { kind count } recentCounts { kind count } } } } }"""


def weekly_meetings(weeks: int, last_days_ago: int) -> list[dict[str, Any]]:
    return [{"id": f"w{w}", "kind": "MEETING", "from": "ann@firm.test", "to": ["joe@acme.com"],
             "occurredAt": (NOW - timedelta(days=last_days_ago + 7 * w)).isoformat()}
            for w in range(weeks)]  # fmt: skip


async def test_tie_explains_itself_and_reads_true_as_of_the_past(api: httpx.AsyncClient) -> None:
    await gql(api, INGEST, i=weekly_meetings(104, last_days_ago=5))
    now = (await gql(api, TIE))["tie"]
    strength = now["strength"]
    assert strength["label"] == "STRONG"
    assert {c["name"] for c in strength["components"]} >= {"weight", "freshness", "reciprocity"}
    assert strength["evidence"]["interactionCount"] == 104
    assert strength["evidence"]["recentCounts"] == [{"kind": "meeting", "count": 13}]
    # A year ago the tie had half its history: still strong, but built from 52 meetings only.
    year_ago = (NOW - timedelta(days=365)).isoformat()
    then = (await gql(api, TIE, asOf=year_ago))["tie"]["strength"]
    assert then["evidence"]["interactionCount"] == 52
    assert then["score"] <= strength["score"]


async def test_a_profile_change_rescoring_every_tie(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    emails = [{"id": f"e{i}", "kind": "EMAIL", "from": "joe@acme.com", "to": ["ann@firm.test"],
               "occurredAt": (NOW - timedelta(days=3 + 10 * i)).isoformat()} for i in range(12)]  # fmt: skip
    await gql(api, INGEST, i=emails)
    before = (await gql(api, TIE))["tie"]["strength"]["score"]
    query = (
        "mutation($c: JSON!) { updateScoringProfile(changes: $c) { version rescoreJobId profile } }"
    )
    update = await gql(
        api, query, c={"channel_weights": {"email": 8, "meeting": 6, "call": 5, "note": 1}}
    )
    result = update["updateScoringProfile"]
    assert result["version"] == 1
    assert result["profile"]["channel_weights"]["email"] == 8
    worker = create_worker(settings, burst=True, handle_signals=False, poll_delay=0.1)
    await worker.main()
    await worker.close()
    job_id = result["rescoreJobId"]
    job = await gql(api, f'{{ ingestJob(id: "{job_id}") {{ status read tiesWritten }} }}')
    assert job["ingestJob"] == {"status": "COMPLETE", "read": 12, "tiesWritten": 1}
    after = (await gql(api, TIE))["tie"]["strength"]["score"]
    assert after > before
    assert (await gql(api, "{ scoringProfile }"))["scoringProfile"]["channel_weights"]["email"] == 8


async def test_a_profile_change_with_redis_down_still_gets_its_rescore(
    app: FastAPI, api: httpx.AsyncClient, settings: Settings, repo: GraphRepository
) -> None:
    emails = [{"id": f"e{i}", "kind": "EMAIL", "from": "joe@acme.com", "to": ["ann@firm.test"],
               "occurredAt": (NOW - timedelta(days=3 + 10 * i)).isoformat()} for i in range(12)]  # fmt: skip
    await gql(api, INGEST, i=emails)
    before = (await gql(api, TIE))["tie"]["strength"]["score"]
    live_queue = app.state.queue
    app.state.queue = ArqRedis(host="127.0.0.1", port=free_port())  # a Redis nobody runs
    try:
        query = "mutation($c: JSON!) { updateScoringProfile(changes: $c) { version rescoreJobId } }"
        weights = {"channel_weights": {"email": 8, "meeting": 6, "call": 5, "note": 1}}
        update = (await gql(api, query, c=weights))["updateScoringProfile"]
    finally:
        await app.state.queue.aclose()
        app.state.queue = live_queue
    assert update == {"version": 1, "rescoreJobId": None}
    assert await repo.owed_rescore() is not None  # saved, and the rescore it needs is owed
    # Redis is back: a worker queues the owed rescore at its start, runs it, clears the mark.
    worker = create_worker(settings, burst=True, handle_signals=False, poll_delay=0.1)
    await worker.main()
    await worker.close()
    assert await repo.owed_rescore() is None
    assert (await gql(api, TIE))["tie"]["strength"]["score"] > before


async def test_a_bad_profile_change_names_the_field(api: httpx.AsyncClient) -> None:
    query = "mutation($c: JSON!) { updateScoringProfile(changes: $c) { version } }"
    body = (
        await api.post(
            "/graphql",
            json={"query": query, "variables": {"c": {"channel_weights": {"email": 42}}}},
        )
    ).json()
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_INPUT"
    assert "channel_weights" in error["message"]
    assert (await gql(api, "{ scoringProfile }"))["scoringProfile"]["channel_weights"]["email"] == 2
