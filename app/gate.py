"""What a request may cost before its body is read: pure ASGI middleware.

A request that carries a body (POST and the like) to anything but a public path needs a
valid token first: one indexed lookup, and a missing or bad token is refused with nothing
read. Its body is then capped (`TIEGRAPH_MAX_BODY_BYTES`, uploads to POST /ingest
`TIEGRAPH_MAX_UPLOAD_BYTES`): a declared Content-Length over the cap is refused at once, and
a body that grows past it while read is cut off and refused (code LIMIT). The viewer found
is kept in the request's state, so the token is not looked up twice. A WebSocket handshake
is refused before anything runs: the API offers none.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth import PUBLIC_PATHS, bearer_token
from app.errors import response_for, websocket_refusal
from graph.tokens import authenticate
from tiegraph.errors import LimitExceeded
from tiegraph.settings import Settings

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UPLOADS = frozenset({"/ingest"})


class BodyGate:
    """Checks the token, then caps the body (see the module's docstring)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on once its token is valid and while its body is in bounds."""
        if scope["type"] == "websocket":
            await _refuse_websocket(scope, receive, send)
            return
        if not _gated(scope):
            await self.app(scope, receive, send)
            return
        cap = self._cap(scope["path"])
        try:
            await self._admit(scope, cap)
        except Exception as exc:  # every refusal, an outage included, is answered by app.errors
            await response_for(scope["path"], exc)(scope, receive, send)
            return
        await _Capped(self.app, cap).run(scope, receive, send)

    def _cap(self, path: str) -> int:
        s = self.settings
        return s.max_upload_bytes if path in UPLOADS else s.max_body_bytes

    async def _admit(self, scope: Scope, cap: int) -> None:
        headers = dict(scope["headers"])
        token = bearer_token(headers.get(b"authorization", b"").decode("latin-1"))
        viewer = await authenticate(scope["app"].state.repo, token)
        scope.setdefault("state", {})["viewer"] = viewer
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > cap:
            raise _too_large(cap)


async def _refuse_websocket(scope: Scope, receive: Receive, send: Send) -> None:
    # With the server's denial-response extension (uvicorn has it) the refusal is an HTTP
    # answer in the documented shape; without it, a policy-violation close is all ASGI allows.
    if "websocket.http.response" in scope.get("extensions", {}):
        await websocket_refusal(scope["path"])(scope, receive, send)
    else:
        await send({"type": "websocket.close", "code": 1008})


def _gated(scope: Scope) -> bool:
    return (
        scope["type"] == "http"
        and scope["method"] in BODY_METHODS
        and scope["path"] not in PUBLIC_PATHS
    )


def _too_large(cap: int) -> LimitExceeded:
    return LimitExceeded(f"the body is over {cap} bytes")


class _Capped:
    """Runs the app with a body reader that stops at `cap` bytes; past it, whatever the app
    makes of the cut body is dropped and the request is refused with LIMIT instead."""

    def __init__(self, app: ASGIApp, cap: int) -> None:
        self.app, self.cap = app, cap
        self.read, self.over, self.started = 0, False, False

    async def run(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def counted() -> Message:
            message = await receive()
            self.read += len(message.get("body", b""))
            if self.read > self.cap:
                self.over = True
                raise _too_large(self.cap)
            return message

        async def guarded(message: Message) -> None:
            if self.over:
                return  # the app's answer to a cut body: replaced below
            self.started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not self.over:
                raise
        if self.over and not self.started:
            await response_for(scope["path"], _too_large(self.cap))(scope, receive, send)
