"""The one place that maps errors to API codes: GraphQL `extensions.code` and HTTP statuses."""

import logging
from collections.abc import Iterator

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from graphql.error import GraphQLError
from neo4j.exceptions import ServiceUnavailable, SessionExpired
from strawberry.extensions import SchemaExtension

from tiegraph.errors import TiegraphError, Unavailable

log = logging.getLogger(__name__)

HTTP_STATUS = {"BAD_INPUT": 400, "NOT_FOUND": 404, "UNAVAILABLE": 503, "INTERNAL": 500}


def install_error_handlers(app: FastAPI) -> None:
    """REST errors as `{"error": {"code", "message"}}` with the status their code maps to."""

    async def domain_error(_: Request, exc: Exception) -> JSONResponse:
        domain = as_domain_error(exc)
        code = domain.code if domain else "INTERNAL"
        message = str(domain) if domain else "Unexpected error."
        if domain is None:
            log.error("unexpected error", exc_info=exc)
        body = {"error": {"code": code, "message": message}}
        return JSONResponse(body, status_code=HTTP_STATUS.get(code, 500))

    for kind in (TiegraphError, ServiceUnavailable, SessionExpired):
        app.add_exception_handler(kind, domain_error)


def as_domain_error(exc: BaseException | None) -> TiegraphError | None:
    """The domain error an exception stands for, or None for a bug."""
    if isinstance(exc, TiegraphError):
        return exc
    if isinstance(exc, ServiceUnavailable | SessionExpired):
        return Unavailable("the graph database is unavailable; try again shortly")
    return None


def _coded(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if original is None:  # syntax and validation errors: the query itself is wrong
        code, message = "BAD_INPUT", error.message
    elif (domain := as_domain_error(original)) is not None:
        code, message = domain.code, str(domain)
    else:
        log.error("unexpected error in %s", error.path, exc_info=original)
        code, message = "INTERNAL", "Unexpected error."
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
