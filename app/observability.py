"""Operations: Prometheus metrics, JSON logs with a request id, and the per-request guard that
tags each request, times it out and logs it.

Logs never carry tokens, and at info level and above never email addresses: every record is
passed through `Redact` before it is written.
"""

import asyncio
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, ClassVar

from graphql import OperationDefinitionNode
from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from app.errors import error_response, graphql_error_body

log = logging.getLogger("tiegraph.request")
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

HTTP_REQUESTS = Counter(
    "tiegraph_http_requests_total",
    "HTTP requests by route and status",
    ["method", "route", "status"],
)
HTTP_SECONDS = Histogram("tiegraph_http_request_seconds", "HTTP request time", ["method", "route"])
GRAPHQL_OPERATIONS = Counter(
    "tiegraph_graphql_operations_total",
    "GraphQL operations by root fields and outcome (ok or the first error code)",
    ["operation", "outcome"],
)
GRAPHQL_SECONDS = Histogram(
    "tiegraph_graphql_operation_seconds", "GraphQL operation time", ["operation"]
)
CYPHER_QUERIES = Counter("tiegraph_cypher_queries_total", "Catalog queries run", ["query"])


class IngestTotals(Collector):
    """Ingestion counters read from the store at each scrape (`refresh`): every process that
    ingests (this API, the workers, the CLI) adds its runs there, so no work goes uncounted
    and no process's restart resets them."""

    FAMILIES: ClassVar[dict[str, tuple[str, str]]] = {
        "ingested": ("tiegraph_ingested_interactions", "Interactions ingested, by any process"),
        "duplicates": ("tiegraph_ingest_duplicates", "Interactions already stored, seen again"),
        "errors": ("tiegraph_ingest_errors", "Items rejected by ingestion"),
        "reference_rows": ("tiegraph_ingested_reference_rows", "Roster, account, contact and "
                           "alias rows stored"),
    }  # fmt: skip

    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def refresh(self, totals: dict[str, int]) -> None:
        """Keep the totals just read; a scrape that cannot read them shows the last ones."""
        self.values = dict(totals)

    def collect(self) -> Iterator[CounterMetricFamily]:
        """One counter per total (prometheus_client adds `_total` to each name)."""
        for key, (name, documentation) in self.FAMILIES.items():
            yield CounterMetricFamily(name, documentation, value=self.values.get(key, 0))


INGEST_TOTALS = IngestTotals()
REGISTRY.register(INGEST_TOTALS)
JOBS_ENQUEUED = Counter("tiegraph_ingest_jobs_enqueued_total", "Ingestion jobs queued via REST")
QUEUE_DEPTH = Gauge("tiegraph_queue_depth", "Jobs waiting in the arq queue (read per scrape)")

# A client's X-Request-ID is kept when it looks like an id; anything else is replaced.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# The look-behind lets a match start only where a run of address characters starts: without
# it a long run with no "@" is rescanned from each of its characters (quadratic in the text).
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_TOKEN = re.compile(r"(?i)(bearer\s+)\S+|tg_[A-Za-z0-9_-]{10,}")
# Uploads may take longer than a query: the reverse proxy bounds their size and time.
NO_TIMEOUT = frozenset({("POST", "/ingest")})


def redact(text: str) -> str:
    """`text` without bearer tokens or email addresses."""
    text = _TOKEN.sub(lambda m: (m.group(1) or "") + "[token]", text)
    return _EMAIL.sub("[email]", text)


class Redact(logging.Filter):
    """Takes tokens (always) and email addresses (at info and above) out of log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message in place; never drops a record."""
        message = record.getMessage()
        cleaned = (
            redact(message) if record.levelno >= logging.INFO else _TOKEN.sub("[token]", message)
        )
        record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and extras."""

    EXTRAS = ("method", "route", "status", "duration_ms", "operation")

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line."""
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id.get(),
        }
        entry.update({k: getattr(record, k) for k in self.EXTRAS if hasattr(record, k)})
        if record.exc_info:
            trace = self.formatException(record.exc_info)
            entry["error"] = redact(trace) if record.levelno >= logging.INFO else trace
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on stderr for the whole process (uvicorn's loggers included)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(Redact())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


def root_fields(document: Any) -> str:
    """The operation label for metrics: its sorted root field names (bounded by the schema,
    unlike client-chosen operation names)."""
    for definition in getattr(document, "definitions", ()):
        if isinstance(definition, OperationDefinitionNode):
            names = sorted({s.name.value for s in definition.selection_set.selections
                            if hasattr(s, "name")})  # fmt: skip
            return ",".join(names)[:200] or "empty"
    return "invalid"


class GraphQLMetrics(SchemaExtension):
    """Counts and times every GraphQL operation by its root fields and outcome."""

    def on_operation(self) -> Iterator[None]:
        """Time the operation; label it once it is done."""
        started = time.perf_counter()
        yield
        operation = root_fields(self.execution_context.graphql_document)
        errors = getattr(self.execution_context.result, "errors", None) or []
        outcome = (errors[0].extensions or {}).get("code", "INTERNAL") if errors else "ok"
        GRAPHQL_OPERATIONS.labels(operation, outcome).inc()
        GRAPHQL_SECONDS.labels(operation).observe(time.perf_counter() - started)


class RequestGuard:
    """Pure ASGI middleware around every HTTP request: a request id (X-Request-ID, echoed), the
    request timeout (code LIMIT instead of a hung or 500 response; cancelling the await also
    drops the Neo4j call in flight), an access log line and the HTTP metrics."""

    def __init__(self, app: ASGIApp, timeout_seconds: float) -> None:
        self.app = app
        self.timeout = timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request (non-HTTP scopes pass straight through)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        state = {"status": 500, "started": False}

        async def tagged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                state.update(status=message["status"], started=True)
                message["headers"] = [*message.get("headers", []),
                                      (b"x-request-id", rid.encode())]  # fmt: skip
            await send(message)

        began = time.perf_counter()
        try:
            await self._run(scope, receive, tagged_send, state)
        finally:
            self._record(scope, int(state["status"]), time.perf_counter() - began)
            request_id.reset(token)

    async def _run(self, scope: Scope, receive: Receive, send: Send, state: dict[str, Any]) -> None:
        if (scope["method"], scope["path"]) in NO_TIMEOUT:
            await self.app(scope, receive, send)
            return
        try:
            async with asyncio.timeout(self.timeout):
                await self.app(scope, receive, send)
        except TimeoutError:
            log.warning("request timed out after %.1f s", self.timeout)
            if state["started"]:
                return  # too late to answer differently; the client sees a cut response
            message = "the request took longer than the request timeout"
            if scope["path"] == "/graphql":
                await _send_json(send, 200, graphql_error_body("LIMIT", message))
            else:
                await error_response("LIMIT", message)(scope, _no_body, send)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route = _route_label(scope)
        HTTP_REQUESTS.labels(scope["method"], route, str(status)).inc()
        HTTP_SECONDS.labels(scope["method"], route).observe(seconds)
        log.info("%s %s %s", scope["method"], route, status, extra={
            "method": scope["method"], "route": route, "status": status,
            "duration_ms": round(seconds * 1000, 1),
        })  # fmt: skip


def _route_label(scope: Scope) -> str:
    """The matched route's template (bounded, unlike raw paths), or "unmatched". A route
    mounted under a prefix with an empty path of its own (GraphQL) matched the whole path."""
    route = scope.get("route")
    if route is None:
        # Starlette's own routes (FastAPI's /docs and /openapi.json) leave their endpoint, not
        # themselves, in the scope.
        endpoint = scope.get("endpoint")
        app = scope.get("app")
        routes = getattr(app, "routes", ()) if endpoint is not None else ()
        route = next((r for r in routes if getattr(r, "endpoint", None) is endpoint), None)
        if route is None:
            return "unmatched"
    return getattr(route, "path", "") or str(scope["path"])


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send_json(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
