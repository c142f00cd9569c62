"""The one place that maps errors to API codes: GraphQL `extensions.code` and HTTP statuses."""

import json
import logging
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from graphql.error import GraphQLError
from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired, TransientError
from pydantic import BaseModel
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from starlette.exceptions import HTTPException
from strawberry.extensions import SchemaExtension

from tiegraph.errors import BadInput, LimitExceeded, TiegraphError, Unavailable

log = logging.getLogger(__name__)

HTTP_STATUS = {
    "BAD_INPUT": 400, "UNAUTHENTICATED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404,
    "LIMIT": 429, "UNAVAILABLE": 503, "INTERNAL": 500, "SETUP_REQUIRED": 409,
}  # fmt: skip
# Outages of Neo4j or Redis: the request may succeed later, nothing is wrong with it.
OUTAGES = (ServiceUnavailable, SessionExpired, RedisConnectionError, RedisTimeoutError)
# Codes for the HTTP statuses of FastAPI's and Starlette's own refusals.
HTTP_CODES = {401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 413: "LIMIT",
              429: "LIMIT"}  # fmt: skip
# What a client did wrong, not the service: logged at info, without a traceback.
EXPECTED = frozenset({"BAD_INPUT", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "LIMIT",
                      "SETUP_REQUIRED"})  # fmt: skip
GRAPHQL_PATH = "/graphql"
# strawberry's limiters report plain validation or syntax errors; these messages mark them.
LIMIT_MESSAGES = (
    "exceeds maximum operation depth",
    "aliases found. Allowed",
    "tokens. Parsing aborted",
)


class ErrorDetail(BaseModel):
    """What went wrong: a stable code (the table in the README) and a message for people."""

    code: str
    message: str


class ErrorBody(BaseModel):
    """Every REST error's body."""

    error: ErrorDetail


_MEANINGS = {
    "BAD_INPUT": "the request or an argument is wrong; the message names it",
    "UNAUTHENTICATED": "no, unknown or revoked token",
    "FORBIDDEN": "the token's role may not do this",
    "NOT_FOUND": "no such job (or path)",
    "LIMIT": "a size or time limit was exceeded",
    "UNAVAILABLE": "Neo4j or Redis cannot be reached; retry",
}
# The error answers a token-checked REST route may give, for the OpenAPI description.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    HTTP_STATUS[code]: {"model": ErrorBody, "description": f"{code}: {meaning}"}
    for code, meaning in _MEANINGS.items()
}


def install_error_handlers(app: FastAPI) -> None:
    """REST errors as `{"error": {"code", "message"}}` with the status their code maps to."""

    async def domain_error(request: Request, exc: Exception) -> Response:
        return response_for(request.url.path, exc)

    async def invalid_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for it
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return response_for(request.url.path, BadInput(first.get("msg", "invalid"), location=where))

    async def http_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)  # noqa: S101 - registered for it
        code = HTTP_CODES.get(exc.status_code, "BAD_INPUT" if exc.status_code < 500 else "INTERNAL")
        body = {"error": {"code": code, "message": str(exc.detail)}}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    for kind in (TiegraphError, Neo4jError, *OUTAGES):
        app.add_exception_handler(kind, domain_error)
    # FastAPI's and Starlette's own refusals (a missing form field, an unknown path, a wrong
    # method) in the same shape, keeping their status.
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(HTTPException, http_error)


def response_for(path: str, exc: BaseException) -> Response:
    """The answer to `exc` raised outside a GraphQL operation (a body that is not one, say):
    GraphQL's error shape on /graphql, the REST one elsewhere."""
    domain = as_domain_error(exc)
    code = domain.code if domain else "INTERNAL"
    message = str(domain) if domain else "Unexpected error."
    log_error(code, message, exc)
    if path == GRAPHQL_PATH:
        return graphql_error_response(code, message)
    return error_response(code, message)


def websocket_refusal(path: str) -> Response:
    """The answer to a WebSocket handshake: the API offers none (no GraphQL subscriptions), so
    BAD_INPUT in the path's error shape, with status 400 (a handshake answered 200 would read
    as accepted)."""
    message = "WebSockets are not offered (no subscriptions); POST operations to /graphql"
    response = response_for(path, BadInput(message, location="request"))
    response.status_code = 400
    return response


def graphql_error_response(code: str, message: str) -> Response:
    """A GraphQL answer holding one error: status 200, as for errors inside an operation."""
    return Response(graphql_error_body(code, message), media_type="application/json")


def graphql_error_body(code: str, message: str) -> bytes:
    """`graphql_error_response`'s body, for middleware that sends raw ASGI messages."""
    error = {"message": message, "extensions": {"code": code}}
    return json.dumps({"data": None, "errors": [error]}).encode()


def log_error(code: str, message: str, exc: BaseException | None) -> None:
    """Expected errors at info without a traceback (a client's mistake costs one short line),
    anything else at error with it."""
    if code in EXPECTED:
        log.info("%s: %s", code, message)
    else:
        log.error("%s: %s", code, message, exc_info=exc)


def error_response(code: str, message: str) -> JSONResponse:
    """The REST error body for `code`, with its HTTP status."""
    headers = {"WWW-Authenticate": "Bearer"} if code == "UNAUTHENTICATED" else None
    body = {"error": {"code": code, "message": message}}
    return JSONResponse(body, status_code=HTTP_STATUS.get(code, 500), headers=headers)


def as_domain_error(exc: BaseException | None) -> TiegraphError | None:
    """The domain error an exception stands for, or None for a bug."""
    if isinstance(exc, TiegraphError):
        return exc
    if isinstance(exc, ServiceUnavailable | SessionExpired):
        return Unavailable("the graph database is unavailable; try again shortly")
    if isinstance(exc, RedisConnectionError | RedisTimeoutError):
        return Unavailable("the job queue (Redis) is unavailable; try again shortly")
    if isinstance(exc, Neo4jError):
        return _neo4j_error(exc)
    if isinstance(exc, TimeoutError):
        return LimitExceeded("the request took longer than the request timeout")
    return None


def code_of(error: GraphQLError) -> tuple[str, str]:
    """The code and client-facing message of a GraphQL error."""
    original = error.original_error
    if original is None:  # syntax and validation errors: the query itself is wrong
        limited = any(m in error.message for m in LIMIT_MESSAGES)
        return ("LIMIT" if limited else "BAD_INPUT"), error.message
    if (domain := as_domain_error(original)) is not None:
        return domain.code, str(domain)
    return "INTERNAL", "Unexpected error."


def log_graphql_errors(errors: list[GraphQLError]) -> None:
    """Log an operation's errors by their code: the message only (never the document), with
    the traceback for unexpected ones."""
    for error in errors:
        code, message = code_of(error)
        shown = message if code != "INTERNAL" else f"{error.message} at {error.path}"
        log_error(code, shown, error.original_error)


def _neo4j_error(exc: Neo4jError) -> TiegraphError | None:
    code = exc.code or ""
    if "TransactionTimedOut" in code:
        return LimitExceeded("the request took longer than the request timeout")
    if "OutOfMemory" in code or "MemoryLimit" in code:
        return LimitExceeded(
            "the question needs more memory than the database allows one transaction; ask "
            "about less at a time"
        )
    if isinstance(exc, TransientError):  # deadlocks, leader switches: nothing was wrong
        return Unavailable("the graph database could not answer just now; try again shortly")
    return None


def _coded(error: GraphQLError) -> GraphQLError:
    code, message = code_of(error)
    return GraphQLError(
        message, nodes=error.nodes, source=error.source, positions=error.positions,
        path=error.path, extensions={**(error.extensions or {}), "code": code},
    )  # fmt: skip


class ErrorCodes(SchemaExtension):
    """Gives every GraphQL error a stable `code` and masks unexpected ones."""

    def on_operation(self) -> Iterator[None]:
        """Rewrite the errors of the finished operation."""
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [_coded(e) for e in errors]
