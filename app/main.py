"""The FastAPI application: one driver per process, GraphQL at /graphql, operations endpoints."""

import asyncio
import gc
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

from arq.constants import default_queue_name
from fastapi import Depends, FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app import rest
from app.auth import authorize_rest, bearer_token
from app.errors import ERROR_RESPONSES, install_error_handlers
from app.gate import BodyGate
from app.graphql.context import Context
from app.graphql.router import Router
from app.graphql.schema import build_schema
from app.observability import CYPHER_QUERIES, INGEST_TOTALS, QUEUE_DEPTH, RequestGuard
from app.source_metrics import SOURCE_METRICS
from app.web import DEFAULT_WEB_DIR, mount_explorer
from app.worker import queue_pool
from graph.driver import apply_schema, create_driver
from graph.repository import GraphRepository
from graph.sources import list_sources
from tiegraph.settings import Settings, get_settings

# /readyz waits this long for each dependency before calling it unreachable.
READY_TIMEOUT_SECONDS = 2.0


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API, bound to `settings` (the environment's by default)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The driver keeps a pool and opens new connections as needed, so after an outage the
        # next request simply reconnects: nothing here holds on to one connection.
        driver = create_driver(settings)
        await driver.verify_connectivity()
        await apply_schema(driver, settings.neo4j_database)
        app.state.settings = settings
        app.state.repo = GraphRepository(driver, settings.neo4j_database,
                                         read_timeout=settings.request_timeout_seconds)  # fmt: skip
        app.state.repo.observe(lambda name: CYPHER_QUERIES.labels(name).inc())
        app.state.queue = await queue_pool(settings)
        # What exists now (modules, the GraphQL schema, validators, the pools) lives as long as
        # the app. Frozen, it is left out of the cyclic collector's full passes, which otherwise
        # walk all of it while a large answer is built: the slow tail of the big queries.
        # Unfrozen at shutdown, so an app's end frees it all.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            await app.state.queue.aclose()
            await driver.close()

    async def context_getter(request: Request) -> Context:
        state = request.app.state
        token = bearer_token(request.headers.get("authorization"))
        viewer = getattr(request.state, "viewer", None)  # app.gate checked it for a POST
        context = Context(repo=state.repo, settings=settings, queue=state.queue, token=token,
                          viewer=viewer)  # fmt: skip
        if viewer is None:
            # One turn of the loop lets the token lookup the Context started send its query
            # now. A new task first runs at the loop's next turn, which otherwise comes only
            # after the document is parsed and validated, so the lookup would not overlap them.
            # With the viewer known (a POST) nothing was started, and the turn would be waste.
            await asyncio.sleep(0)
        return context

    app = FastAPI(title="tiegraph", version="0.1.0", lifespan=lifespan)
    web_dir = settings.web_dir or DEFAULT_WEB_DIR
    graphql = Router(build_schema(settings), context_getter=context_getter,
                     max_query_bytes=settings.max_query_bytes, web_dir=web_dir)  # fmt: skip
    app.include_router(graphql, prefix="/graphql")
    app.include_router(rest.router, dependencies=[Depends(authorize_rest)],
                       responses=ERROR_RESPONSES)  # fmt: skip
    install_error_handlers(app)
    _operations(app)
    _describe_errors(app)
    mount_explorer(app, web_dir)  # last: it takes every GET the routes above do not
    app.add_middleware(BodyGate, settings=settings)
    app.add_middleware(
        CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
        allow_headers=["authorization", "content-type", "x-request-id"],
        expose_headers=["x-request-id"],
    )  # fmt: skip
    app.add_middleware(RequestGuard, timeout_seconds=settings.request_timeout_seconds)
    return app


def _describe_errors(app: FastAPI) -> None:
    """OpenAPI without FastAPI's 422 answers: a request it cannot validate is refused as
    BAD_INPUT 400 in the documented error shape (app.errors), which each route lists."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = FastAPI.openapi(app)  # builds and caches app.openapi_schema
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation.get("responses", {}).pop("422", None)
        for unused in ("HTTPValidationError", "ValidationError"):
            schema.get("components", {}).get("schemas", {}).pop(unused, None)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


async def _reachable(check: Awaitable[object]) -> bool:
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            await check
    except Exception:
        return False
    return True


def _operations(app: FastAPI) -> None:
    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"])
    async def readyz(request: Request) -> JSONResponse:
        """Neo4j and Redis both answer (503 and which one does not, otherwise)."""
        state = request.app.state
        checks = {
            "neo4j": await _reachable(state.repo.ping()),
            "redis": await _reachable(state.queue.ping()),
        }
        ready = all(checks.values())
        body = {"status": "ready" if ready else "unavailable", "checks": checks}
        return JSONResponse(body, status_code=200 if ready else 503)

    @app.get("/metrics", tags=["operations"], dependencies=[Depends(authorize_rest)],
             responses=ERROR_RESPONSES)  # fmt: skip
    async def metrics(request: Request) -> Response:
        """Prometheus metrics; the queue depth (Redis), the ingestion totals and the sources'
        status (Neo4j) are read at each scrape."""
        await _reachable(_queue_depth(request))  # without Redis the last depth stays
        await _reachable(_ingest_totals(request))  # without Neo4j the last figures stay
        await _reachable(_source_status(request))
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def _ingest_totals(request: Request) -> None:
    INGEST_TOTALS.refresh(await request.app.state.repo.ingest_totals())


async def _source_status(request: Request) -> None:
    SOURCE_METRICS.update(await list_sources(request.app.state.repo))


async def _queue_depth(request: Request) -> None:
    QUEUE_DEPTH.set(await request.app.state.queue.zcard(default_queue_name))
