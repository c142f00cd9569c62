"""The query benchmark: random calls of each GraphQL query over HTTP, p50/p95/p99.

    .venv/bin/python -m bench.queries [--interactions 1000000 ...] [--calls 200]
    .venv/bin/python -m bench.queries --api-url http://127.0.0.1:8000 --neo4j-uri bolt://...

Without `--api-url` it starts a throwaway Neo4j (heap 4g, page cache 2g) and Redis in a
temporary directory, generates the firm of `bench.generate` (same size flags) and starts the
API (`tiegraph serve`) against them; everything is stopped at the end. With `--api-url` the
running API is measured, and `--neo4j-uri` (the database behind it) is read to pick the
arguments. Calls run one after another (a rep's latency, not throughput), each argument drawn
at random with a fixed seed from people and accounts that exist. Figures go to a table and to
`bench/out/queries.json`.
"""

import argparse
import asyncio
import http.client
import json
import logging
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from rich.console import Console
from rich.table import Table

from app.local.neo4j_server import ensure_installed, local_neo4j
from app.local.redis_server import local_redis
from app.local.system import free_port, throwaway_password
from bench.generate import FIRM, generate, parser, shape_of
from graph.driver import create_driver
from graph.repository import GraphRepository
from graph.tokens import issue_token
from tiegraph.access import Role
from tiegraph.settings import Settings

OUT = Path(__file__).parent / "out" / "queries.json"
Call = tuple[str, dict[str, Any]]

QUERIES = {
    "whoKnows": "query($e: String!) { whoKnows(email: $e) { member { email } share "
    "strength { score label } } }",
    "warmIntroRoutes": "query($r: String!, $e: String, $d: String) { warmIntroRoutes("
    "requesterEmail: $r, targetEmail: $e, targetDomain: $d) { strength hops { score label "
    "from { email } to { email } } } }",
    "accountHealth": "query($d: String!) { accountHealth(domain: $d) { valueAtRisk "
    "coverage { met gaps } singleThreaded { by } cold { level } "
    "champions { contact { email } } } }",
    "influenceMap": "query($d: String!) { influenceMap(domain: $d) { nodes { contact { email } "
    "pagerank betweenness } edges { weight } } }",
    "influencePath": "query($a: String!, $b: String!) { influencePath(fromEmail: $a, "
    "toEmail: $b) { strength people { email } } }",
    "singleThreadedAccounts": "query($min: Float, $after: String) { singleThreadedAccounts("
    "first: 10, minAnnualValue: $min, after: $after) { edges { cursor node { domain "
    "valueAtRisk secondThread { member { email } } } } pageInfo { hasNextPage endCursor } } }",
    "departureImpact": "query($m: String!) { departureImpact(memberEmail: $m) { valueAtRisk "
    "contacts { contact { email } successor { member { email } } } accounts { domain becomes } } }",
    "search": "query($t: String!) { search(text: $t, first: 10) { kind person { email name } "
    "account { domain name } } }",
    "attentionFeed": "query($m: String, $t: Boolean!) { attentionFeed(memberEmail: $m, "
    "team: $t, first: 20) { kind severity reason } }",
}


async def sample_arguments(uri: str) -> dict[str, list[Any]]:
    """People, accounts and contact pairs that exist, to draw arguments from."""
    driver = create_driver(Settings(neo4j_uri=uri, firm_domains=[FIRM]))
    queries = {
        "members": "MATCH (m:TeamMember) WHERE m.left_on IS NULL RETURN m.email AS v LIMIT 1000",
        "contacts": "MATCH (c:Contact) WHERE EXISTS { (:TeamMember)-[:KNOWS]->(c) } "
        "RETURN c.email AS v LIMIT 5000",
        "accounts": "MATCH (a:Account) RETURN a.domain AS v LIMIT 5000",
        "big": "MATCH (a:Account)<-[:WORKS_AT]-(c:Contact) WITH a, count(c) AS n "
        "ORDER BY n DESC LIMIT 20 RETURN a.domain AS v",
        # influencePath answers within one account (BAD_INPUT otherwise), and cc'd contacts
        # can be tied across companies: only pairs that share an account.
        "pairs": "MATCH (x:Contact)-[:ASSOCIATED_WITH]->(y:Contact) "
        "WHERE EXISTS { (x)-[:WORKS_AT]->(:Account)<-[:WORKS_AT]-(y) } "
        "RETURN [x.email, y.email] AS v LIMIT 5000",
    }
    try:
        found = {}
        for name, text in queries.items():
            found[name] = [r["v"] for r in (await driver.execute_query(text)).records]
        return found
    finally:
        await driver.close()


def draw_calls(sample: dict[str, list[Any]], count: int, seed: int) -> dict[str, list[Call]]:
    rng = random.Random(seed)
    pick: Callable[[str], Any] = lambda name: rng.choice(sample[name])  # noqa: E731
    makers: dict[str, Callable[[], dict[str, Any]]] = {
        "whoKnows": lambda: {"e": pick("contacts")},
        "warmIntroRoutes": lambda: (
            {"r": pick("members"), "e": pick("contacts")}
            if rng.random() < 0.8
            else {"r": pick("members"), "d": pick("accounts")}
        ),
        "accountHealth": lambda: {"d": pick("accounts")},
        "influenceMap": lambda: {"d": pick("big") if rng.random() < 0.5 else pick("accounts")},
        "influencePath": lambda: dict(zip(("a", "b"), pick("pairs"), strict=True)),
        "singleThreadedAccounts": lambda: {"min": rng.choice([None, 100_000.0, 1_000_000.0])},
        "departureImpact": lambda: {"m": pick("members")},
        "attentionFeed": lambda: (
            {"m": pick("members"), "t": False} if rng.random() < 0.9 else {"m": None, "t": True}
        ),
        # What a person types: the first letters of an address or of a domain.
        "search": lambda: {"t": pick(rng.choice(["contacts", "accounts"]))[: rng.randint(2, 6)]},
    }
    return {name: [(QUERIES[name], make()) for _ in range(count)] for name, make in makers.items()}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(round(p / 100 * (len(ordered) - 1)), len(ordered) - 1)]


async def manager_token(uri: str) -> str:
    """A manager's token (managers may call every query measured here), made in the database
    behind the API the way `tiegraph token create` makes one."""
    settings = Settings(neo4j_uri=uri, firm_domains=[FIRM])
    driver = create_driver(settings)
    try:
        repo = GraphRepository(driver, settings.neo4j_database)
        token, _ = await issue_token(repo, f"bench@{FIRM}", Role.MANAGER, [FIRM])
        return token
    finally:
        await driver.close()


class Client:
    """One kept-alive HTTP/1.1 connection from the standard library. httpx's AsyncClient cost
    2.2 ms p50 and 4 ms p95 of its own per call here (GET /healthz: 2.56 ms through it, 0.65 ms
    through http.client, 0.39 ms from a raw socket), which the figures would have counted as
    the API's."""

    def __init__(self, api: str, token: str) -> None:
        url = urlsplit(api)
        self._connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80,
                                                      timeout=120)  # fmt: skip
        self._headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}

    def post(self, query: str, variables: dict[str, Any]) -> bytes:
        """POST one GraphQL operation; the raw response body."""
        body = json.dumps({"query": query, "variables": variables}).encode()
        try:
            self._connection.request("POST", "/graphql", body=body, headers=self._headers)
            response = self._connection.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # The server closes a connection idle past its keep-alive timeout (uvicorn: 5 s),
            # as between two slow calls of bench.compare's other API: open a new one.
            self._connection.close()
            self._connection.request("POST", "/graphql", body=body, headers=self._headers)
            response = self._connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {data[:200]!r}")
        return data

    def close(self) -> None:
        self._connection.close()


def _measure(api: str, token: str, calls: dict[str, list[Call]]) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    client = Client(api, token)
    try:
        for name, batch in calls.items():
            client.post(*batch[0])
            times, errors = [], 0
            for query, variables in batch:
                started = time.perf_counter()
                raw = client.post(query, variables)
                times.append((time.perf_counter() - started) * 1000)
                found = json.loads(raw).get("errors")
                errors += bool(found) and found[0].get("extensions", {}).get("code") != "NOT_FOUND"
            results[name] = {
                "calls": len(times),
                "errors": errors,
                "p50_ms": percentile(times, 50),
                "p95_ms": percentile(times, 95),
                "p99_ms": percentile(times, 99),
                "max_ms": max(times),
            }
            print(f"  {name}: p95 {results[name]['p95_ms']:.1f} ms")
    finally:
        client.close()
    return results


def _report(results: dict[str, dict[str, float]], meta: dict[str, Any]) -> None:
    table = Table(title=f"GraphQL over HTTP, {meta['calls']} calls each")
    for column in ("query", "calls", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms"):
        table.add_column(column, justify="left" if column == "query" else "right")
    for name, r in results.items():
        table.add_row(
            name,
            str(int(r["calls"])),
            str(int(r["errors"])),
            f"{r['p50_ms']:.1f}",
            f"{r['p95_ms']:.1f}",
            f"{r['p99_ms']:.1f}",
            f"{r['max_ms']:.1f}",
        )
    Console().print(table)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    print(f"written to {OUT}")


def _serve(uri: str, redis: str, port: int, home: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TIEGRAPH_NEO4J_URI": uri,
        "TIEGRAPH_REDIS_URL": redis,
        "TIEGRAPH_FIRM_DOMAINS": FIRM,
        "TIEGRAPH_DATA_DIR": str(home),
    }
    binary = Path(sys.executable).with_name("tiegraph")
    log = (home / "api.log").open("wb")
    api = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
        [str(binary), "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    for _ in range(120):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return api
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    api.terminate()
    raise RuntimeError(f"the API did not start; see {home / 'api.log'}")


async def _run(api: str, uri: str, args: argparse.Namespace, meta: dict[str, Any]) -> None:
    sample = await sample_arguments(uri)
    print(f"measuring {args.calls} calls of {len(QUERIES)} queries against {api}")
    token = await manager_token(uri)
    results = _measure(api, token, draw_calls(sample, args.calls, args.seed))
    _report(results, meta)


def main() -> None:
    args = parser()
    args.add_argument("--calls", type=int, default=200)
    args.add_argument("--api-url")
    args.add_argument("--neo4j-uri")
    parsed = args.parse_args()
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    meta = {
        "calls": parsed.calls,
        "shape": vars(parsed),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    if parsed.api_url:
        if not parsed.neo4j_uri:
            raise SystemExit("--api-url needs --neo4j-uri (the database behind it)")
        asyncio.run(_run(parsed.api_url, parsed.neo4j_uri, parsed, meta))
        return
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        neo4j_port, redis_port, api_port = free_port(), free_port(), free_port()
        neo4j = local_neo4j(home / "neo4j", neo4j_port, "4g", "2g", ensure_installed(),
                            password=throwaway_password())  # fmt: skip
        redis_password = throwaway_password("TIEGRAPH_BENCH_REDIS_PASSWORD")
        redis = local_redis(home / "redis", redis_port, redis_password)
        uri = f"bolt://127.0.0.1:{neo4j_port}"
        redis_url = f"redis://:{redis_password}@127.0.0.1:{redis_port}/0"
        neo4j.start()
        redis.start()
        api = None
        try:
            meta["generate_s"] = asyncio.run(generate(uri, shape_of(parsed)))
            api = _serve(uri, redis_url, api_port, home)
            asyncio.run(_run(f"http://127.0.0.1:{api_port}", uri, parsed, meta))
        finally:
            if api is not None:
                api.terminate()
                api.wait(timeout=30)
            redis.stop()
            neo4j.stop()


if __name__ == "__main__":
    main()
