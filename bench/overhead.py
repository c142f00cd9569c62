"""What the HTTP API adds to a query: whoKnows over HTTP against a bare driver call of the same
Cypher, interleaved in one run.

    .venv/bin/python -m bench.overhead --api-url http://127.0.0.1:8000 [--api-url URL...] \\
        [--api-pid PID...] --neo4j-uri bolt://127.0.0.1:7687 [--calls 500] [--seed 7] [--floor]

Every API must serve the database at `--neo4j-uri`. Each round draws a contact someone knows and
times, in turn (the order rotating between rounds), one `whoKnows` POST to each API on a
kept-alive `http.client` connection (bench.queries.Client) and one auto-commit `session.run` of
`cypher/read/who_knows.cypher` with the same address, its records read to the end, on one
driver of this process: the read a request's repository makes, without the token check, the
scoring, GraphQL or HTTP. The ratio of the medians is the overhead. Two APIs (say the code
before a change and after it, on two ports) are so compared in one run, call by call; figures
go to bench/out/overhead.json, and a Markdown table is printed. With `--api-pid` (each API's
process, in the order of `--api-url`) the figures add each server's CPU time per call over the
timed calls (from /proc; nothing else may use those processes meanwhile), and the bare call's,
this process's CPU time during each call: what the machine's two cores are rationed on.

`--floor` adds the stack's own floor to the rotation: a FastAPI app with strawberry's router
and one query field answering a constant string (no token check, no middleware, no database;
strawberry's parse and validation caches, since the API parses and validates a document once),
built here and served by uvicorn in a process of its own with the options `tiegraph serve`
gives it. Every whoKnows request of the API pays at least this plus its read, so a floor that is
not well under the bare call puts 2x out of reach of this stack.
"""

import argparse
import asyncio
import json
import logging
import os
import random
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import strawberry
import uvicorn
from fastapi import FastAPI
from neo4j import READ_ACCESS, AsyncDriver
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.fastapi import GraphQLRouter

import cypher
from app.commands import server_options
from app.local.system import free_port
from bench.queries import QUERIES, Client, manager_token, percentile, sample_arguments
from graph.driver import create_driver
from tiegraph.settings import Settings

OUT = Path(__file__).parent / "out" / "overhead.json"
# The floor app's one field takes the same argument as whoKnows and answers a constant.
FLOOR_QUERY = "query($e: String!) { whoKnows(email: $e) }"
FLOOR_ANSWER = "floor"
FLOOR = "floor"  # its key in the figures
FLOOR_START_SECONDS = 30


def floor_app() -> FastAPI:
    """FastAPI and strawberry with nothing of tiegraph's: one async field, a constant answer."""

    @strawberry.type
    class Query:
        @strawberry.field
        async def who_knows(self, email: str) -> str:
            return FLOOR_ANSWER

    async def no_context() -> None:
        return None  # strawberry's default getter is sync: FastAPI runs it in a thread

    # strawberry's own caches: without them graphql-core's validation of even this document
    # is most of the request, work our API does once per document (app/graphql/parsing.py).
    schema = strawberry.Schema(query=Query, extensions=[ParserCache, ValidationCache])
    app = FastAPI()
    app.include_router(GraphQLRouter(schema, context_getter=no_context), prefix="/graphql")
    return app


@contextmanager
def floor_server() -> Iterator[tuple[str, int]]:
    """The floor app served by uvicorn in a child process, as `tiegraph serve` serves the API;
    its URL and process id while the block runs."""
    port = free_port()
    argv = [sys.executable, "-m", "bench.overhead", "--serve-floor", str(port)]
    child = subprocess.Popen(argv)  # noqa: S603 - our own module, fixed arguments
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, child)
        yield url, child.pid
    finally:
        child.terminate()
        child.wait(timeout=10)


def _wait_for(url: str, child: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + FLOOR_START_SECONDS
    while True:
        client = Client(url, "")
        try:
            floor_call(client, "someone@example.com")
            return
        except OSError:
            if child.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the floor app did not start at {url}") from None
            time.sleep(0.1)
        finally:
            client.close()


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


def floor_call(client: Client, email: str) -> float:
    """One call of the floor app's field, in milliseconds."""
    started = time.perf_counter()
    raw = client.post(FLOOR_QUERY, {"e": email})
    took = (time.perf_counter() - started) * 1000
    if json.loads(raw) != {"data": {"whoKnows": FLOOR_ANSWER}}:
        raise RuntimeError(f"the floor app answered {raw[:200]!r}")
    return took


def _summary(times: list[float]) -> dict[str, float]:
    return {"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95),
            "p99_ms": percentile(times, 99)}  # fmt: skip


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU time process `pid` has used so far (Linux's /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Target:
    """One thing timed in the turn: an API, the floor app or the bare call."""

    label: str
    call: Callable[[str], Awaitable[float]]
    pid: int | None = None  # a server's, to count its CPU per call
    times: list[float] = field(default_factory=list)
    cpu_seconds: float = 0.0


async def measure(
    apis: list[str], uri: str, calls: int, seed: int, floor: tuple[str, int] | None = None,
    pids: list[int] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Interleaved timings of whoKnows over HTTP to each of `apis` (whose processes are `pids`,
    if given), of the floor app (its URL and process) and of the bare driver call, on `calls`
    random contacts."""
    contacts = (await sample_arguments(uri))["contacts"]
    rng = random.Random(seed)
    token = await manager_token(uri)
    clients = [Client(api, token) for api in [*apis, *([floor[0]] if floor else [])]]
    driver = create_driver(Settings(neo4j_uri=uri))  # as the API's: its auth and options
    text = cypher.query("read/who_knows")

    def http(client: Client, call: Callable[[Client, str], float]) -> Callable[[str], Any]:
        async def timed(email: str) -> float:
            return call(client, email)

        return timed

    async def bare(email: str) -> float:
        started = time.process_time()
        took = await _bare(driver, text, email)
        targets[-1].cpu_seconds += time.process_time() - started
        return took

    given: list[int | None] = [*pids] if pids else [None] * len(apis)
    targets = [Target(api, http(client, _http), pid)
               for api, client, pid in zip(apis, clients, given, strict=False)]  # fmt: skip
    if floor:
        targets.append(Target(FLOOR, http(clients[-1], floor_call), floor[1]))
    targets.append(Target("bare", bare))
    try:
        for _ in range(20):  # warm every path: plans, connections, caches
            email = rng.choice(contacts)
            for target in targets:
                await target.call(email)
        targets[-1].cpu_seconds = 0.0
        await _timed_turns(targets, [rng.choice(contacts) for _ in range(calls)])
    finally:
        for client in clients:
            client.close()
        await driver.close()
    return _figures(calls, targets)


async def _timed_turns(targets: list[Target], emails: list[str]) -> None:
    servers = [t for t in targets if t.pid is not None]
    before = [process_cpu_seconds(t.pid) for t in servers if t.pid is not None]
    for n, email in enumerate(emails):
        for step in range(len(targets)):
            target = targets[(n + step) % len(targets)]
            target.times.append(await target.call(email))
    for target, used in zip(servers, before, strict=True):
        if target.pid is not None:
            target.cpu_seconds = process_cpu_seconds(target.pid) - used


def _figures(calls: int, targets: list[Target]) -> dict[str, Any]:
    summaries = {t.label: _summary(t.times) for t in targets}
    cpu = {t.label: 1000 * t.cpu_seconds / calls for t in targets if t.cpu_seconds}
    bare = summaries.pop("bare")
    ratios = {
        label: {f"ratio_{p}": s[f"{p}_ms"] / bare[f"{p}_ms"] for p in ("p50", "p95", "p99")}
        for label, s in summaries.items()
    }
    floor = summaries.pop(FLOOR, None)
    result = {"calls": calls, "http": summaries, "bare_driver": bare, "ratios": ratios,
              "cpu_ms_per_call": cpu}  # fmt: skip
    if floor:
        result["floor_app"] = floor
    return result


def main() -> None:
    """Print and save the figures (or, with --serve-floor, serve the floor app)."""
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--api-url", action="append",
                      help="an API serving the database; give several to compare them")  # fmt: skip
    args.add_argument("--api-pid", action="append", type=int,
                      help="each API's process id, in --api-url's order")  # fmt: skip
    args.add_argument("--neo4j-uri")
    args.add_argument("--calls", type=int, default=500)
    args.add_argument("--seed", type=int, default=7)
    args.add_argument("--floor", action="store_true",
                      help="time a bare FastAPI + strawberry app in the turn too")  # fmt: skip
    args.add_argument("--serve-floor", type=int, metavar="PORT", help=argparse.SUPPRESS)
    options = args.parse_args()
    if options.serve_floor:
        uvicorn.run(floor_app(), host="127.0.0.1", port=options.serve_floor,
                    **server_options(Settings()))  # fmt: skip
        return
    if not options.api_url or not options.neo4j_uri:
        args.error("--api-url and --neo4j-uri are required")
    if options.api_pid and len(options.api_pid) != len(options.api_url):
        args.error("give one --api-pid per --api-url, or none")
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    load = os.getloadavg()
    with floor_server() if options.floor else _no_floor() as floor:
        result = asyncio.run(measure(options.api_url, options.neo4j_uri, options.calls,
                                     options.seed, floor, options.api_pid))  # fmt: skip
    result.update(load_before=load, load_after=os.getloadavg())
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(table(result))


def table(result: dict[str, Any]) -> str:
    """The figures as a Markdown table, one row per thing timed."""
    rows = ["| | p50 | p95 | p99 | ratio p50 / p95 | CPU per call |", "|---|---|---|---|---|---|"]
    timed = {**result["http"], **({FLOOR: result["floor_app"]} if "floor_app" in result else {}),
             "bare": result["bare_driver"]}  # fmt: skip
    for label, s in timed.items():
        ratio = result["ratios"].get(label)
        cpu = result["cpu_ms_per_call"].get(label)
        rows.append(
            f"| {label} | {s['p50_ms']:.2f} ms | {s['p95_ms']:.2f} ms | {s['p99_ms']:.2f} ms | "
            + (f"{ratio['ratio_p50']:.1f}× / {ratio['ratio_p95']:.1f}×" if ratio else "")
            + (f" | {cpu:.2f} ms |" if cpu is not None else " | |")
        )
    return "\n".join(rows)


@contextmanager
def _no_floor() -> Iterator[None]:
    yield None


if __name__ == "__main__":
    main()
