"""What the HTTP API adds to a query: whoKnows over HTTP against a bare driver call of the same
Cypher, interleaved in one run.

    .venv/bin/python -m bench.overhead --api-url http://127.0.0.1:8000 [--api-url URL...] \\
        --neo4j-uri bolt://127.0.0.1:7687 [--calls 500] [--seed 7]

Every API must serve the database at `--neo4j-uri`. Each round draws a contact someone knows and
times, in turn (the order rotating between rounds), one `whoKnows` POST to each API on a
kept-alive `http.client` connection (bench.queries.Client) and one auto-commit `session.run` of
`cypher/read/who_knows.cypher` with the same address, its records read to the end, on one
driver of this process: the read a request's repository makes, without the token check, the
scoring, GraphQL or HTTP. The ratio of the medians is the overhead. Two APIs (say the code
before a change and after it, on two ports) are so compared in one run, call by call; figures
go to bench/out/overhead.json.
"""

import argparse
import asyncio
import json
import logging
import os
import random
import time
from pathlib import Path
from typing import Any

from neo4j import READ_ACCESS, AsyncDriver

import cypher
from bench.queries import QUERIES, Client, manager_token, percentile, sample_arguments
from graph.driver import create_driver
from tiegraph.settings import Settings

OUT = Path(__file__).parent / "out" / "overhead.json"


async def _bare(driver: AsyncDriver, text: str, email: str) -> float:
    started = time.perf_counter()
    async with driver.session(default_access_mode=READ_ACCESS) as session:
        result = await session.run(text, {"email": email, "hidden": []})  # type: ignore[arg-type]
        [record async for record in result]
    return (time.perf_counter() - started) * 1000


def _http(client: Client, email: str) -> float:
    started = time.perf_counter()
    raw = client.post(QUERIES["whoKnows"], {"e": email})
    took = (time.perf_counter() - started) * 1000
    if json.loads(raw).get("errors"):
        raise RuntimeError(f"whoKnows({email}) failed: {raw[:200]!r}")
    return took


def _summary(times: list[float]) -> dict[str, float]:
    return {"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95),
            "p99_ms": percentile(times, 99)}  # fmt: skip


async def measure(apis: list[str], uri: str, calls: int, seed: int) -> dict[str, Any]:
    """Interleaved timings of whoKnows over HTTP to each of `apis` and on the bare driver, on
    `calls` random contacts."""
    contacts = (await sample_arguments(uri))["contacts"]
    rng = random.Random(seed)
    token = await manager_token(uri)
    clients = [Client(api, token) for api in apis]
    driver = create_driver(Settings(neo4j_uri=uri))  # as the API's: its auth and options
    text = cypher.query("read/who_knows")
    times: list[list[float]] = [[] for _ in range(len(apis) + 1)]  # the bare call's last

    async def timed(which: int, email: str) -> float:
        if which == len(apis):
            return await _bare(driver, text, email)
        return _http(clients[which], email)

    try:
        for _ in range(20):  # warm every path: plans, connections, caches
            email = rng.choice(contacts)
            for which in range(len(times)):
                await timed(which, email)
        for n in range(calls):
            email = rng.choice(contacts)
            for step in range(len(times)):
                which = (n + step) % len(times)
                times[which].append(await timed(which, email))
    finally:
        for client in clients:
            client.close()
        await driver.close()
    bare = _summary(times[-1])
    http = {api: _summary(took) for api, took in zip(apis, times, strict=False)}
    ratios = {
        api: {f"ratio_{p}": s[f"{p}_ms"] / bare[f"{p}_ms"] for p in ("p50", "p95", "p99")}
        for api, s in http.items()
    }
    return {"calls": calls, "http": http, "bare_driver": bare, "ratios": ratios}


def main() -> None:
    """Print and save the figures."""
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--api-url", action="append", required=True,
                      help="an API serving the database; give several to compare them")  # fmt: skip
    args.add_argument("--neo4j-uri", required=True)
    args.add_argument("--calls", type=int, default=500)
    args.add_argument("--seed", type=int, default=7)
    options = args.parse_args()
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    load = os.getloadavg()
    result = asyncio.run(measure(options.api_url, options.neo4j_uri, options.calls, options.seed))
    result.update(load_before=load, load_after=os.getloadavg())
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
