"""Two running APIs over one database, compared in the same run: latency and answers.

    .venv/bin/python -m bench.compare --neo4j-uri bolt://127.0.0.1:7797 \\
        --a http://127.0.0.1:8101 --b http://127.0.0.1:8102 [--calls 200] [--seed 7] \
        [--only attentionFeed]

For a change that must not change behaviour (a refactor), serve the code before it and after it
(two checkouts, `tiegraph serve` from each) against the same database, then run this. The calls
of `bench.queries` (same arguments, same seed) go to A and B alternately, so both see the same
machine load; each answer of B must equal A's byte for byte (scores read "now", and the two
calls of a pair are milliseconds apart). Figures go to a table and `bench/out/compare.json`.
"""

import argparse
import asyncio
import json
import logging
import os
import platform
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.queries import Client, draw_calls, manager_token, percentile, sample_arguments

OUT = Path(__file__).parent / "out" / "compare.json"


def _stats(times: list[float]) -> dict[str, float]:
    return {"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95)}


def _compare(a: Client, b: Client, calls: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Each call to A then B (B then A every other call, so neither always goes second)."""
    times: dict[str, list[float]] = {"a": [], "b": []}
    differing: list[dict[str, Any]] = []
    for index, (query, variables) in enumerate(calls):
        order = (("a", a), ("b", b)) if index % 2 == 0 else (("b", b), ("a", a))
        answers = {}
        for side, client in order:
            started = time.perf_counter()
            answers[side] = client.post(query, variables)
            times[side].append((time.perf_counter() - started) * 1000)
        if answers["a"] != answers["b"]:
            differing.append({"variables": variables, "a": answers["a"].decode()[:500],
                              "b": answers["b"].decode()[:500]})  # fmt: skip
    return {"calls": len(calls), "a": _stats(times["a"]), "b": _stats(times["b"]),
            "differing": len(differing), "examples": differing[:3]}  # fmt: skip


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    sample = await sample_arguments(args.neo4j_uri)
    token = await manager_token(args.neo4j_uri)
    a, b = Client(args.a, token), Client(args.b, token)
    results: dict[str, Any] = {}
    try:
        for name, batch in draw_calls(sample, args.calls, args.seed).items():
            if args.only and name not in args.only:
                continue
            a.post(*batch[0])  # one warm-up call each, not counted
            b.post(*batch[0])
            results[name] = _compare(a, b, batch)
            print(f"  {name}: {results[name]['differing']} differing answers")
    finally:
        a.close()
        b.close()
    return results


def _report(results: dict[str, Any], meta: dict[str, Any]) -> None:
    table = Table(title=f"A = {meta['a']}, B = {meta['b']}, {meta['calls']} calls each, alternated")
    for column in ("query", "A p50", "B p50", "A p95", "B p95", "answers differing"):
        table.add_column(column, justify="left" if column == "query" else "right")
    for name, r in results.items():
        table.add_row(name, f"{r['a']['p50_ms']:.1f}", f"{r['b']['p50_ms']:.1f}",
                      f"{r['a']['p95_ms']:.1f}", f"{r['b']['p95_ms']:.1f}",
                      f"{r['differing']} of {r['calls']}")  # fmt: skip
    Console().print(table)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    print(f"written to {OUT}")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    args.add_argument("--neo4j-uri", required=True, help="the database both APIs serve")
    args.add_argument("--a", required=True, help="the first API's URL (say, before a change)")
    args.add_argument("--b", required=True, help="the second API's URL (after it)")
    args.add_argument("--calls", type=int, default=200)
    args.add_argument("--seed", type=int, default=7)
    args.add_argument("--only", action="append", help="compare only this query (repeatable)")
    parsed = args.parse_args()
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    meta = {**vars(parsed), "machine": platform.platform(), "cpus": os.cpu_count()}
    _report(asyncio.run(_run(parsed)), meta)


if __name__ == "__main__":
    main()
