"""What the HTTP API adds to a query: whoKnows over HTTP against a bare driver call of the same
Cypher, interleaved in one run.

    .venv/bin/python -m bench.overhead --api-url http://127.0.0.1:8000 \\
        --neo4j-uri bolt://127.0.0.1:7687 [--calls 500] [--seed 7]

The API must serve the database at `--neo4j-uri`. Each round draws a contact someone knows and
times, in turn (the order alternating between rounds), one `whoKnows` POST on a kept-alive
`http.client` connection (bench.queries.Client) and one auto-commit `session.run` of
`cypher/read/who_knows.cypher` with the same address, its records read to the end, on one
driver of this process: the read a request's repository makes, without the token check, the
scoring, GraphQL or HTTP. The ratio of the medians is the overhead; figures go to
bench/out/overhead.json.
"""

import argparse
import asyncio
import json
import random
import time
from pathlib import Path
from typing import Any

from neo4j import READ_ACCESS, AsyncDriver, AsyncGraphDatabase

import cypher
from bench.queries import QUERIES, Client, manager_token, percentile, sample_arguments

OUT = Path(__file__).parent / "out" / "overhead.json"


async def _bare(driver: AsyncDriver, text: str, email: str) -> float:
    started = time.perf_counter()
    async with driver.session(default_access_mode=READ_ACCESS) as session:
        result = await session.run(text, {"email": email})  # type: ignore[arg-type]
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


async def measure(api: str, uri: str, calls: int, seed: int) -> dict[str, Any]:
    """Interleaved HTTP and bare-driver timings of whoKnows on `calls` random contacts."""
    contacts = (await sample_arguments(uri))["contacts"]
    rng = random.Random(seed)
    client = Client(api, await manager_token(uri))
    driver = AsyncGraphDatabase.driver(uri)
    text = cypher.query("read/who_knows")
    http_ms: list[float] = []
    bare_ms: list[float] = []
    try:
        for _ in range(20):  # warm both paths: plans, connections, caches
            email = rng.choice(contacts)
            _http(client, email)
            await _bare(driver, text, email)
        for n in range(calls):
            email = rng.choice(contacts)
            if n % 2:
                http_ms.append(_http(client, email))
                bare_ms.append(await _bare(driver, text, email))
            else:
                bare_ms.append(await _bare(driver, text, email))
                http_ms.append(_http(client, email))
    finally:
        client.close()
        await driver.close()
    http, bare = _summary(http_ms), _summary(bare_ms)
    return {"calls": calls, "http": http, "bare_driver": bare,
            "ratio_p50": http["p50_ms"] / bare["p50_ms"],
            "ratio_p95": http["p95_ms"] / bare["p95_ms"]}  # fmt: skip


def main() -> None:
    """Print and save the figures."""
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--api-url", required=True)
    args.add_argument("--neo4j-uri", required=True)
    args.add_argument("--calls", type=int, default=500)
    args.add_argument("--seed", type=int, default=7)
    options = args.parse_args()
    result = asyncio.run(measure(options.api_url, options.neo4j_uri, options.calls, options.seed))
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
