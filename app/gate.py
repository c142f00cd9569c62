"""What a request may cost before its body is read: pure ASGI middleware.

A request that carries a body (POST and the like) to anything but a public path needs a
valid token first: one indexed lookup, and a missing or bad token is refused with nothing
read. Its body is then capped (`TIEGRAPH_MAX_BODY_BYTES`, uploads to POST /ingest
`TIEGRAPH_MAX_UPLOAD_BYTES`): a declared Content-Length over the cap is refused at once, and
a body that grows past it while read is cut off and refused (code LIMIT). The viewer found
is kept in the request's state, so the token is not looked up twice. A WebSocket handshake
is refused before anything runs: the API offers none.

The lookup is a round trip to Neo4j, as long as a small query's own. A GraphQL request whose
token was found valid before in this process does not wait for it: it runs on the viewer the
token stood for then, while the token is looked up again beside it, and its answer is held
until the lookup is done. Only when the lookup finds the same viewer does the answer leave; a
token revoked since (in any process) gets UNAUTHENTICATED in its place, and a viewer changed
since (an opt-out, the firm's domains) gets the request run again on the new viewer. A mutation
awaits the lookup before it changes anything (app/auth.py), so no effect rests on a guess.
Remembered viewers are only the guess a request starts from: every request is looked up.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth import GRAPHQL_PATH, PUBLIC_PATHS, bearer_token
from app.errors import response_for, websocket_refusal
from app.recent import Recent
from graph.tokens import TokenCheck, authenticate
from tiegraph.access import Viewer, token_hash
from tiegraph.errors import LimitExceeded
from tiegraph.settings import Settings

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UPLOADS = frozenset({"/ingest"})
# A request runs before its token's lookup is done only with a body this small (declared): the
# body is kept, to run the request again should the lookup find the viewer changed.
GUESSED_BODY_BYTES = 64 * 1024
# Tokens whose last viewer is remembered (least recently used out).
VIEWERS_KEPT = 1024


class BodyGate:
    """Checks the token, then caps the body (see the module's docstring)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        # The viewer each recently looked-up token stood for, by the token's hash.
        self.viewers: Recent[str, Viewer] = Recent(VIEWERS_KEPT)

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
            guessed = self._guess(scope)
            if guessed is None:
                await self._admit(scope, cap)
        except Exception as exc:  # every refusal, an outage included, is answered by app.errors
            await response_for(scope["path"], exc)(scope, receive, send)
            return
        if guessed is None:
            await _Capped(self.app, cap).run(scope, receive, send)
        else:
            await self._run_guessed(scope, receive, send, cap, guessed)

    def _cap(self, path: str) -> int:
        s = self.settings
        return s.max_upload_bytes if path in UPLOADS else s.max_body_bytes

    async def _admit(self, scope: Scope, cap: int) -> None:
        headers = dict(scope["headers"])
        token = bearer_token(headers.get(b"authorization", b"").decode("latin-1"))
        viewer = await authenticate(scope["app"].state.repo, token)
        self.viewers.put(token_hash(token or ""), viewer)
        scope.setdefault("state", {})["viewer"] = viewer
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > cap:
            raise _too_large(cap)

    def _guess(self, scope: Scope) -> tuple[str, str, Viewer] | None:
        """The token, its hash and the viewer it stood for, when the request may run on that
        before the token is looked up again (see the module's docstring)."""
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if scope["path"] != GRAPHQL_PATH or not declared.isdigit():
            return None
        token = bearer_token(headers.get(b"authorization", b"").decode("latin-1"))
        if token is None or int(declared) > min(GUESSED_BODY_BYTES, self._cap(scope["path"])):
            return None
        hashed = token_hash(token)
        viewer = self.viewers.get(hashed)
        return None if viewer is None else (token, hashed, viewer)

    async def _run_guessed(
        self, scope: Scope, receive: Receive, send: Send, cap: int,
        guessed: tuple[str, str, Viewer],
    ) -> None:  # fmt: skip
        token, hashed, guess = guessed
        check = TokenCheck(scope["app"].state.repo, token, guess)
        scope.setdefault("state", {}).update(viewer=guess, token_check=check)
        body, held = _Recorded(receive), _Held(send, check)
        try:
            try:
                await _Capped(self.app, cap).run(scope, body.receive, held.send)
            except Exception:
                if (await _outcome(check)) is None:  # a good token: the app's own error
                    raise
            if (refusal := await _outcome(check)) is not None:
                self.viewers.drop(hashed)
                if not held.passed:
                    await response_for(scope["path"], refusal)(scope, receive, send)
                return
            fresh = check.task.result()
            self.viewers.put(hashed, fresh)
            if not held.passed and held.dropped:  # answered on a viewer that changed since
                scope["state"].update(viewer=fresh, token_check=None)
                await _Capped(self.app, cap).run(scope, body.replay, send)
        finally:
            check.task.cancel()  # a cancelled request (its timeout) stops the lookup too


async def _outcome(check: TokenCheck) -> Exception | None:
    """What the lookup refused the token with, None when it found a viewer."""
    try:
        await check.task
    except Exception as exc:
        return exc
    return None


class _Held:
    """Sends the app's answer once the token's lookup found the viewer the request ran on (or
    the request awaited the lookup itself); drops it otherwise."""

    def __init__(self, send: Send, check: TokenCheck) -> None:
        self._send, self._check = send, check
        self.passed = self.dropped = False

    async def send(self, message: Message) -> None:
        if not (self.passed or self.dropped):
            found = await _outcome(self._check) is None
            same = found and (self._check.task.result() == self._check.guess or self._check.awaited)
            self.passed, self.dropped = same, not same
        if self.passed:
            await self._send(message)


class _Recorded:
    """The request's body as read, to be read again by a second run."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._chunks: list[bytes] = []
        self._complete = self._replayed = False

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self._chunks.append(message.get("body", b""))
            self._complete = not message.get("more_body", False)
        return message

    async def replay(self) -> Message:
        if self._replayed:
            return await self._receive()
        self._replayed = True
        body = b"".join(self._chunks)
        return {"type": "http.request", "body": body, "more_body": not self._complete}


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
