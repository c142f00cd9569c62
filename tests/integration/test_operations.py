"""/readyz, /metrics, request ids and CORS."""

from pathlib import Path

import httpx

from app.main import create_app
from tests.integration.apihelp import gql
from tests.integration.conftest import client
from tiegraph.settings import Settings


async def test_readyz_checks_neo4j_and_redis(anonymous_api: httpx.AsyncClient) -> None:
    ready = await anonymous_api.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"neo4j": True, "redis": True}}


async def test_metrics_count_operations_queries_and_queue(
    api: httpx.AsyncClient, rep_api: httpx.AsyncClient
) -> None:
    await gql(api, "{ me { role } }")
    await gql(api, "{ scoringProfile }")
    text = (await rep_api.get("/metrics")).text
    assert 'tiegraph_graphql_operations_total{operation="me",outcome="ok"}' in text
    assert 'tiegraph_graphql_operation_seconds_count{operation="scoringProfile"}' in text
    assert 'tiegraph_cypher_queries_total{query="auth/token_by_hash"}' in text
    assert "tiegraph_queue_depth " in text
    assert 'tiegraph_http_requests_total{method="POST",route="/graphql",status="200"}' in text
    assert "tiegraph_ingested_interactions_total" in text


async def test_every_response_carries_a_request_id(anonymous_api: httpx.AsyncClient) -> None:
    given = await anonymous_api.get("/healthz", headers={"x-request-id": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = await anonymous_api.get("/healthz", headers={"x-request-id": "not ok\x7f"})
    assert len(made.headers["x-request-id"]) == 32
    assert made.headers["x-request-id"] != "not ok"


async def test_cors_allows_only_configured_origins(settings: Settings, tmp_path: Path) -> None:
    app = create_app(settings.model_copy(
        update={"data_dir": tmp_path, "cors_origins": ["https://app.example"]}))  # fmt: skip
    async with app.router.lifespan_context(app), client(app, None) as http:
        preflight = {"access-control-request-method": "POST",
                     "access-control-request-headers": "authorization,content-type"}  # fmt: skip
        allowed = await http.options(
            "/graphql", headers={"origin": "https://app.example", **preflight}
        )
        assert allowed.headers["access-control-allow-origin"] == "https://app.example"
        other = await http.options(
            "/graphql", headers={"origin": "https://evil.example", **preflight}
        )
        assert "access-control-allow-origin" not in other.headers
