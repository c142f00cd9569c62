"""strawberry's FastAPI router with tiegraph's answer to a body that is no GraphQL request, and
the explorer's bundled GraphiQL page (strawberry's own loads its scripts from a CDN, so it stays
blank without internet).

strawberry answers such bodies in plain text, or with a 500 when the JSON is `null`, a
number, invalid UTF-8 or nested past Python's recursion limit. Here each is a BadInput (or a
LimitExceeded for an oversized document), which app.errors turns into GraphQL's error shape
with its code, before anything is parsed as GraphQL.
"""

import json
from pathlib import Path
from typing import Any

from cross_web import HTTPException
from fastapi import Request
from fastapi.responses import HTMLResponse
from strawberry.fastapi import GraphQLRouter

from app.web import graphiql_page
from tiegraph.errors import BadInput, LimitExceeded


class Router(GraphQLRouter[Any, None]):
    """A GraphQLRouter that checks the request body and bounds the document's size."""

    def __init__(self, *args: Any, max_query_bytes: int, web_dir: Path, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_query_bytes = max_query_bytes
        self._web_dir = web_dir

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        """The explorer's bundled GraphiQL, not strawberry's CDN-loaded one."""
        return graphiql_page(self._web_dir)

    def decode_json(self, data: str | bytes) -> object:
        """The body as a JSON object with at most `max_query_bytes` of document."""
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            body = json.loads(text)
        except UnicodeDecodeError as exc:
            raise BadInput("the body is not UTF-8", location="body") from exc
        except json.JSONDecodeError as exc:
            raise BadInput(f"not JSON ({exc.msg} at {exc.pos})", location="body") from exc
        except RecursionError as exc:
            raise BadInput("JSON nested too deeply", location="body") from exc
        if not isinstance(body, dict):
            raise BadInput("a JSON object with a query", location="body")
        self._check_size(body.get("query"))
        return body

    def _check_size(self, query: object) -> None:
        # Bounded before parsing: a big document costs its parse, its validation and the log
        # line of its errors, whatever the token-count limit says once it is parsed.
        if isinstance(query, str) and len(query.encode()) > self.max_query_bytes:
            raise LimitExceeded(
                f"the document is over {self.max_query_bytes} bytes "
                "(TIEGRAPH_MAX_QUERY_BYTES); send variables, not literals"
            )

    async def run(self, *args: Any, **kwargs: Any) -> Any:
        """strawberry's run, its plain-text HTTP errors raised as BadInput."""
        try:
            return await super().run(*args, **kwargs)
        except HTTPException as exc:
            raise BadInput(exc.reason, location="request") from exc
