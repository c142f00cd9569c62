"""/readyz, /metrics, request ids and CORS."""

from datetime import timedelta
from pathlib import Path

import httpx

from app.main import create_app
from graph.repository import GraphRepository
from ingest.pipeline import Ingestor
from ingest.results import ParseIssue
from tests.integration.apihelp import NOW, gql, record
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


def _sample(text: str, name: str) -> float:
    """The value of an unlabelled sample in Prometheus text."""
    line = next(line for line in text.splitlines() if line.startswith(f"{name} "))
    return float(line.split()[1])


async def test_ingestion_counters_count_every_process(
    repo: GraphRepository, settings: Settings, api: httpx.AsyncClient, rep_api: httpx.AsyncClient
) -> None:
    # What the CLI and a worker do: an Ingestor of their own, outside the API process's code.
    elsewhere = Ingestor.for_settings(repo, settings)
    await elsewhere.run([record("c1", "ann@firm.test", ["joe@acme.com"], 2),
                         record("c2", "ann@firm.test", ["sue@acme.com"], 1),
                         ParseIssue("mail.jsonl:3", "not valid JSON")])  # fmt: skip
    await elsewhere.run([record("c1", "ann@firm.test", ["joe@acme.com"], 2)])  # a duplicate
    mutation = """mutation($i: [InteractionInput!]!) { ingestInteractions(interactions: $i)
      { ingested } }"""
    at = (NOW - timedelta(days=1)).isoformat()
    await gql(api, mutation, i=[{"id": "g1", "kind": "EMAIL", "occurredAt": at,
                                "from": "ann@firm.test", "to": ["joe@acme.com"]}])  # fmt: skip
    text = (await rep_api.get("/metrics")).text
    assert _sample(text, "tiegraph_ingested_interactions_total") == 3
    assert _sample(text, "tiegraph_ingest_duplicates_total") == 1
    assert _sample(text, "tiegraph_ingest_errors_total") == 1


async def test_api_descriptions_are_counted_under_their_routes(
    anonymous_api: httpx.AsyncClient, rep_api: httpx.AsyncClient
) -> None:
    for path in ("/openapi.json", "/docs"):
        assert (await anonymous_api.get(path)).status_code == 200
    text = (await rep_api.get("/metrics")).text
    assert 'tiegraph_http_requests_total{method="GET",route="/openapi.json",status="200"}' in text
    assert 'tiegraph_http_requests_total{method="GET",route="/docs",status="200"}' in text


async def test_openapi_describes_the_bearer_token_and_the_error_shape(
    anonymous_api: httpx.AsyncClient,
) -> None:
    spec = (await anonymous_api.get("/openapi.json")).json()
    scheme = spec["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    error = {"$ref": "#/components/schemas/ErrorBody"}
    for path, method in (("/ingest", "post"), ("/jobs/{job_id}", "get"), ("/metrics", "get")):
        operation = spec["paths"][path][method]
        assert operation["security"] == [{"bearer": []}], path
        responses = operation["responses"]
        assert "422" not in responses, path  # refused as BAD_INPUT 400, in the error shape
        for status in ("400", "401", "403", "404", "429", "503"):
            assert responses[status]["content"]["application/json"]["schema"] == error, status
    assert "security" not in spec["paths"]["/healthz"]["get"]
    body = spec["components"]["schemas"]["ErrorBody"]
    assert body["properties"]["error"] == {"$ref": "#/components/schemas/ErrorDetail"}


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
