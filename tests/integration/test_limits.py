"""Limits answer with code LIMIT (or BAD_INPUT for a malformed page), never a 500."""

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.main import create_app
from graph.repository import GraphRepository
from ingest.pipeline import Ingestor
from tests.integration.apihelp import codes, gql, record
from tests.integration.conftest import client, token_for
from tiegraph.access import Role
from tiegraph.settings import Settings


@asynccontextmanager
async def own_app(settings: Settings, tmp_path: Path, **changes: Any) -> AsyncIterator[FastAPI]:
    """An app of the test's own, its lifespan running, with these settings changed."""
    app = create_app(settings.model_copy(update={"data_dir": tmp_path, **changes}))
    async with app.router.lifespan_context(app):
        yield app


@asynccontextmanager
async def admin_client(
    settings: Settings, tmp_path: Path, repo: GraphRepository, **limits: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """An admin client of an app with these settings changed."""
    token = await token_for(repo, Role.ADMIN, "admin@firm.test")
    async with own_app(settings, tmp_path, **limits) as app, client(app, token) as http:
        yield http


async def test_depth_aliases_and_tokens_are_limited(
    settings: Settings, tmp_path: Path, repo: GraphRepository
) -> None:
    limits = {"max_query_depth": 4, "max_aliases": 2, "max_query_tokens": 40}
    async with admin_client(settings, tmp_path, repo, **limits) as http:
        shallow = "{ accounts { edges { node { domain } } } }"
        assert "errors" not in await gql(http, shallow)
        deep = (
            "{ accounts { edges { node { contacts { edges { node { contact { email } } } } } } } }"
        )
        for _ in range(2):  # the second answer is the validation cache's (app.graphql.schema)
            body = await gql(http, deep)
            assert codes(body) == ["LIMIT"]
            assert "depth" in body["errors"][0]["message"]
        assert "errors" not in await gql(http, shallow)
        # Each twice: the second time the parse and validation caches have seen the text (and
        # the shallow one, parsed and kept, in between).
        aliased = "{ a: me { role } b: me { role } c: me { role } }"
        many = "{ " + " ".join("me { role memberEmail tokenId }" for _ in range(10)) + " }"
        for _ in range(2):
            assert codes(await gql(http, aliased)) == ["LIMIT"]
            assert codes(await gql(http, many)) == ["LIMIT"]
            assert codes(await gql(http, "{ me { role ")) == ["BAD_INPUT"]
            assert "errors" not in await gql(http, shallow)


async def test_page_size_is_limited_and_cursors_checked(api: httpx.AsyncClient) -> None:
    too_many = await gql(api, "{ accounts(first: 101) { edges { cursor } } }")
    assert codes(too_many) == ["LIMIT"]
    assert "at most 100" in too_many["errors"][0]["message"]
    assert codes(await gql(api, "{ accounts(first: 0) { edges { cursor } } }")) == ["BAD_INPUT"]
    bogus = await gql(api, '{ accounts(after: "not-ours") { edges { cursor } } }')
    assert codes(bogus) == ["BAD_INPUT"]


async def test_accounts_page_with_cursors(api: httpx.AsyncClient, ingestor: Ingestor) -> None:
    await ingestor.run([record(f"p{i}", "ann@firm.test", [f"c@acct{i}.com"], 3) for i in range(5)])
    query = """query($after: String) { accounts(first: 2, after: $after) {
      edges { cursor node { domain } } pageInfo { hasNextPage endCursor } } }"""
    seen, after, pages = [], None, 0
    while True:
        page = (await gql(api, query, after=after))["data"]["accounts"]
        seen += [e["node"]["domain"] for e in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"acct{i}.com" for i in range(5)]
    assert pages == 3


async def test_a_slow_request_times_out_with_limit(
    settings: Settings, tmp_path: Path, repo: GraphRepository
) -> None:
    # One millisecond is shorter than any round trip to Neo4j: every data request times out.
    async with admin_client(settings, tmp_path, repo, request_timeout_seconds=0.001) as http:
        body = await gql(http, '{ whoKnows(email: "joe@acme.com") { member { email } } }')
        assert codes(body) == ["LIMIT"]
        assert body["data"] is None
        rest = await http.get("/jobs/abc")
        assert rest.status_code == 429
        assert rest.json()["error"]["code"] == "LIMIT"
        assert (await http.get("/healthz")).status_code == 200


async def test_account_page_of_50_is_a_handful_of_queries(
    settings: Settings, tmp_path: Path, repo: GraphRepository, ingestor: Ingestor
) -> None:
    await ingestor.run([
        record(f"q{i}-{j}", f"m{j}@firm.test", [f"c{j}@acct{i:02d}.com"], 3)
        for i in range(50) for j in range(2)
    ])  # fmt: skip
    ran: list[str] = []
    query = """{ accounts(first: 50) { edges { node { domain contacts(first: 10) {
      edges { node { contact { email } knownBy { member { email } strength { label } } } } } } } } }"""
    # An app of its own: an observer stays as long as its app, and the `app` fixture's is shared.
    token = await token_for(repo, Role.ADMIN, "admin@firm.test")
    async with own_app(settings, tmp_path) as app, client(app, token) as api:
        app.state.repo.observe(ran.append)
        body = await gql(api, query)
    edges = body["data"]["accounts"]["edges"]
    assert len(edges) == 50
    assert all(len(e["node"]["contacts"]["edges"]) == 2 for e in edges)
    # The token, the page of accounts, every account's contacts at once, and the profile.
    assert sorted(ran) == sorted(["auth/token_by_hash", "read/accounts_page",
                                  "read/account_contacts", "profile/active"])  # fmt: skip


class _Body:
    """A request body of `chunks` chunks, produced only as the server reads it."""

    def __init__(self, chunks: int, size: int = 100_000) -> None:
        self.chunks, self.size, self.read = chunks, size, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.chunks):
            self.read += 1
            yield b"x" * self.size


async def test_a_body_without_a_valid_token_is_refused_before_it_is_read(app: FastAPI) -> None:
    for token in (None, "not-a-token"):
        async with client(app, token) as http:
            body = _Body(100)  # 10 MB
            answer = await http.post("/graphql", content=body,
                                     headers={"content-type": "application/json"})  # fmt: skip
            assert codes(answer.json()) == ["UNAUTHENTICATED"]
            upload = _Body(100)
            refused = await http.post("/ingest", content=upload, headers={
                "content-type": "multipart/form-data; boundary=b"})  # fmt: skip
            assert refused.status_code == 401
            assert refused.json()["error"]["code"] == "UNAUTHENTICATED"
            assert body.read == upload.read == 0


async def test_bodies_and_uploads_over_their_caps_are_refused(
    settings: Settings, tmp_path: Path, repo: GraphRepository
) -> None:
    caps = {"max_body_bytes": 2048, "max_upload_bytes": 4096}
    async with admin_client(settings, tmp_path, repo, **caps) as http:
        padded = {"query": "{ me { role } }", "variables": {"pad": "x" * 3000}}
        assert codes((await http.post("/graphql", json=padded)).json()) == ["LIMIT"]
        undeclared = await http.post("/graphql", content=_Body(3, 1000),
                                     headers={"content-type": "application/json"})  # fmt: skip
        assert codes(undeclared.json()) == ["LIMIT"]
        files = {"files": ("big.jsonl", b"{}\n" * 3000, "application/octet-stream")}
        refused = await http.post("/ingest", files=files)
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "LIMIT"
        assert not any((tmp_path / "uploads").glob("*/*"))
        assert (await gql(http, "{ me { role } }"))["data"]["me"]["role"] == "ADMIN"


async def test_a_big_document_is_refused_before_it_is_parsed(api: httpx.AsyncClient) -> None:
    # A comment holds no tokens: the token limit alone lets 60 KB through to the parser.
    query = "{ me { role } }\n#" + "a" * 60_000
    body = await gql(api, query)
    assert codes(body) == ["LIMIT"]
    assert "TIEGRAPH_MAX_QUERY_BYTES" in body["errors"][0]["message"]


async def test_weird_bodies_are_bad_input_in_graphql_shape(api: httpx.AsyncClient) -> None:
    weird = [b"null", b"42", b'"text"', b"[]", b"{}", b"\xff\xfe{}", b"{", b"[" * 100_000,
             b'{"query": 42}']  # fmt: skip
    for content in weird:
        answer = await api.post("/graphql", content=content,
                                headers={"content-type": "application/json"})  # fmt: skip
        assert answer.status_code == 200, content[:20]
        assert codes(answer.json()) == ["BAD_INPUT"], content[:20]


def _handshake(base_url: str, path: str) -> tuple[int, bytes]:
    """A WebSocket opening handshake as a browser sends it (graphql-ws's subprotocol); the
    status and body of the answer."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n".encode()
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


async def test_a_websocket_upgrade_is_refused_in_the_documented_shape(server: str) -> None:
    status, body = await asyncio.to_thread(_handshake, server, "/graphql")
    assert status == 400
    assert codes(json.loads(body)) == ["BAD_INPUT"]
    assert "WebSocket" in json.loads(body)["errors"][0]["message"]
    status, body = await asyncio.to_thread(_handshake, server, "/jobs/x")
    assert (status, json.loads(body)["error"]["code"]) == (400, "BAD_INPUT")


async def test_as_of_outside_the_scored_range_is_bad_input(
    ingestor: Ingestor, manager_api: httpx.AsyncClient
) -> None:
    await ingestor.run([record("a1", "ann@firm.test", ["joe@acme.com"], 5)])
    query = """query($at: DateTime) { tie(memberEmail: "ann@firm.test", contactEmail:
      "joe@acme.com", asOf: $at) { strength { score } } }"""
    for moment in ("0001-01-01T00:00:00+00:00", "1900-01-01T00:00:00+00:00"):
        body = await gql(manager_api, query, at=moment)
        assert codes(body) == ["BAD_INPUT"], moment
        assert "asOf" in body["errors"][0]["message"]


async def test_expected_errors_are_one_info_line_without_a_traceback(
    api: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    not_found = '{ tie(memberEmail: "nobody@firm.test", contactEmail: "joe@acme.com") { asOf } }'
    for query in (not_found, "{ nosuchfield }", "{ me { role } }\n#" + "a" * 60_000):
        assert codes(await gql(api, query)) != []
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert errors == []
    coded = [r.getMessage() for r in caplog.records if r.name == "app.errors"]
    assert [m.split(":")[0] for m in coded] == ["NOT_FOUND", "BAD_INPUT", "LIMIT"]
    assert all(len(m) < 300 for m in coded)
