"""The load and fault run: `tiegraph up --demo` on loopback, under load, then killed in parts.

    .venv/bin/python -m bench.load [--clients 20] [--seconds 30] [--interactions 20000]

Everything runs in a temporary data directory with its own ports (below the ephemeral range)
and generated credentials, and is stopped at the end:

1. `tiegraph up --demo` starts Neo4j, Redis, the worker and the API, as a user's `make run`.
2. Load: `--clients` connections (threads in two processes, so the probe below is not starved
   by its own client) call `whoKnows` on random demo contacts for `--seconds`; meanwhile a
   probe calls `/healthz` every 50 ms. Errors, latencies and the API's RSS before and after.
3. Worker kill: an upload of `--interactions` emails is ingested; a third of the way in, the
   worker is killed with SIGKILL (`up` starts another; the job resumes once its lease ends).
4. Neo4j kill: the same with another upload, killing Neo4j (`up` starts it again; the job
   retries). For each, the interactions stored and their ties' email counts against the file:
   nothing may be lost or doubled.

Figures go to a table and to `bench/out/load.json`.
"""

import argparse
import json
import multiprocessing
import os
import platform
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from neo4j import GraphDatabase

from app.local.system import free_port
from bench.queries import Client, percentile
from ingest.demo import DEMO_FIRM_DOMAIN
from tiegraph.settings import Settings

OUT = Path(__file__).parent / "out" / "load.json"
WHO_KNOWS = "query($e: String!) { whoKnows(email: $e) { member { email } strength { score } } }"


class Stack:
    """`tiegraph up --demo` in a data directory of its own."""

    def __init__(self, home: Path) -> None:
        self.home, self.port = home, free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("TIEGRAPH_")}
        self.env.update({
            "TIEGRAPH_DATA_DIR": str(home), "TIEGRAPH_API_PORT": str(self.port),
            "TIEGRAPH_NEO4J_URI": f"bolt://127.0.0.1:{free_port()}",
            "TIEGRAPH_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
            "TIEGRAPH_NEO4J_HEAP": "1g", "TIEGRAPH_NEO4J_PAGECACHE": "256m",
        })  # fmt: skip
        self.log = home / "up.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.token = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app.cli", "up", "--demo"], env=self.env,
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            found = re.search(r"Bearer \.\.\.\): (tg_\S+)", self.log.read_text())
            if found and _answers(f"{self.url}/readyz"):
                self.token = found[1]
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        raise SystemExit(f"`tiegraph up` did not come up; see {self.log}")

    def child(self, command: str) -> int:
        """The pid of `up`'s child running `tiegraph COMMAND` (worker, serve)."""
        if self.process is None:
            raise LookupError(command)
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            for pid in (task / "children").read_text().split():
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                if len(argv) > 2 and argv[-2] == command.encode():  # a zombie has none
                    return int(pid)
        raise LookupError(command)

    def settings(self) -> Settings:
        """The stack's settings, its generated credentials included."""
        return Settings.model_validate({
            "data_dir": self.home, "neo4j_uri": self.env["TIEGRAPH_NEO4J_URI"],
            "redis_url": self.env["TIEGRAPH_REDIS_URL"], "firm_domains": [DEMO_FIRM_DOMAIN],
        })  # fmt: skip

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(120)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- load -------------------------------------------------------------------------------------


def _client_thread(url: str, token: str, contacts: list[str], until: float, out: list[Any]) -> None:
    client, rng = Client(url, token), random.Random()
    try:
        while time.monotonic() < until:
            started = time.perf_counter()
            try:
                body = json.loads(client.post(WHO_KNOWS, {"e": rng.choice(contacts)}))
                ok = "errors" not in body
            except (RuntimeError, OSError):
                ok = False
            out.append(((time.perf_counter() - started) * 1000, ok))
    finally:
        client.close()


def _client_process(url: str, token: str, contacts: list[str], threads: int, until: float,
                    queue: Any) -> None:  # fmt: skip
    results: list[Any] = []
    workers = [threading.Thread(target=_client_thread, args=(url, token, contacts, until, results))
               for _ in range(threads)]  # fmt: skip
    for each in workers:
        each.start()
    for each in workers:
        each.join()
    queue.put(results)


def _probe(url: str, until: float) -> list[float]:
    times: list[float] = []
    with httpx.Client(timeout=10) as http:
        while time.monotonic() < until:
            started = time.perf_counter()
            http.get(f"{url}/healthz")
            times.append((time.perf_counter() - started) * 1000)
            time.sleep(0.05)
    return times


def load(stack: Stack, contacts: list[str], clients: int, seconds: float) -> dict[str, Any]:
    """`clients` connections calling whoKnows for `seconds`, /healthz probed meanwhile."""
    api = stack.child("serve")
    rss_before = _rss_mb(api)
    until = time.monotonic() + seconds
    queue: Any = multiprocessing.get_context("fork").Queue()
    shares = [clients // 2, clients - clients // 2]
    processes = [multiprocessing.get_context("fork").Process(
        target=_client_process, args=(stack.url, stack.token, contacts, n, until, queue))
        for n in shares]  # fmt: skip
    for each in processes:
        each.start()
    health = _probe(stack.url, until)
    calls = [c for _ in processes for c in queue.get(timeout=seconds + 120)]
    for each in processes:
        each.join()
    times = [t for t, _ in calls]
    return {
        "clients": clients, "seconds": seconds, "calls": len(calls),
        "errors": sum(not ok for _, ok in calls), "per_second": len(calls) / seconds,
        "who_knows_p50_ms": percentile(times, 50), "who_knows_p99_ms": percentile(times, 99),
        "healthz_probes": len(health), "healthz_p50_ms": percentile(health, 50),
        "healthz_p99_ms": percentile(health, 99), "healthz_max_ms": max(health),
        "api_rss_mb_before": rss_before, "api_rss_mb_after": _rss_mb(api),
    }  # fmt: skip


# --- faults -----------------------------------------------------------------------------------


def _emails(path: Path, tag: str, count: int) -> Path:
    start = datetime.now(UTC) - timedelta(days=200)
    with path.open("w") as out:
        for i in range(count):
            row = {"id": f"{tag}-{i}", "kind": "email",
                   "occurredAt": (start + timedelta(minutes=7 * i)).isoformat(),
                   "from": f"m{i % 5}@{DEMO_FIRM_DOMAIN}",
                   "to": [f"c{i % 997}@{tag}.example"]}  # fmt: skip
            out.write(json.dumps(row) + "\n")
    return path


def _stored(settings: Settings, tag: str) -> tuple[int, int, int]:
    """Interactions of the run, their distinct ids, and the email count on their ties."""
    with GraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth) as driver:
        found, _, _ = driver.execute_query(
            "MATCH (i:Interaction) WHERE i.id STARTS WITH $p "
            "RETURN count(i) AS n, count(DISTINCT i.id) AS ids",
            p=f"{tag}-", database_=settings.neo4j_database,
        )  # fmt: skip
        ties, _, _ = driver.execute_query(
            "MATCH (:TeamMember)-[t:KNOWS]->(c:Contact) WHERE c.email ENDS WITH $d "
            "RETURN coalesce(sum(t.email_count), 0) AS n",
            d=f"@{tag}.example", database_=settings.neo4j_database,
        )  # fmt: skip
    return found[0]["n"], found[0]["ids"], ties[0]["n"]


def _count_or_none(settings: Settings, tag: str) -> int | None:
    try:
        return _stored(settings, tag)[0]
    except Exception:
        return None


def fault(stack: Stack, victim: str, count: int) -> dict[str, Any]:
    """Upload `count` emails, kill `victim` (worker, neo4j) a third of the way, wait for the job."""
    tag = f"fault-{victim}"
    source = _emails(stack.home / f"{tag}.jsonl", tag, count)
    headers = {"authorization": f"Bearer {stack.token}"}
    with source.open("rb") as upload:
        files = {"files": (source.name, upload)}
        job = httpx.post(f"{stack.url}/ingest", headers=headers, files=files, timeout=120)
    job_id = job.json()["job_id"]
    settings, started = stack.settings(), time.monotonic()
    while (_count_or_none(settings, tag) or 0) < count // 3:
        time.sleep(0.2)
    neo4j_pid = stack.home / "neo4j.pid"
    victim_pid = stack.child("worker") if victim == "worker" else int(neo4j_pid.read_text())
    os.kill(victim_pid, signal.SIGKILL)
    killed_at, status = time.monotonic(), "?"
    while time.monotonic() - killed_at < 600:
        try:
            answer = httpx.get(f"{stack.url}/jobs/{job_id}", headers=headers, timeout=10)
            status = answer.json()["status"]
        except (httpx.HTTPError, KeyError, ValueError):
            status = "?"
        if status in {"complete", "failed"}:
            break
        time.sleep(1)
    stored, ids, tie_emails = _stored(settings, tag)
    return {
        "victim": victim, "interactions": count, "status": status,
        "recovered_s": time.monotonic() - killed_at, "total_s": time.monotonic() - started,
        "lost": count - ids, "doubled": stored - ids, "tie_emails_off_by": tie_emails - count,
    }  # fmt: skip


def _machine() -> dict[str, Any]:
    return {"machine": platform.platform(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "load_average": os.getloadavg()}  # fmt: skip


def _contacts(settings: Settings) -> list[str]:
    with GraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth) as driver:
        found, _, _ = driver.execute_query(
            "MATCH (:TeamMember)-[:KNOWS]->(c:Contact) RETURN DISTINCT c.email AS e",
            database_=settings.neo4j_database,
        )
    return [r["e"] for r in found]


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--clients", type=int, default=20)
    args.add_argument("--seconds", type=float, default=30.0)
    args.add_argument("--interactions", type=int, default=20_000)
    parsed = args.parse_args()
    figures: dict[str, Any] = {"args": vars(parsed), "before": _machine()}
    with tempfile.TemporaryDirectory(prefix="tiegraph-load-") as tmp:
        stack = Stack(Path(tmp))
        try:
            stack.start()
            contacts = _contacts(stack.settings())
            figures["load"] = load(stack, contacts, parsed.clients, parsed.seconds)
            print(json.dumps(figures["load"], indent=2))
            figures["faults"] = [fault(stack, v, parsed.interactions) for v in ("worker", "neo4j")]
            print(json.dumps(figures["faults"], indent=2))
            lines = stack.log.read_text().splitlines()
            figures["restarts"] = [x for x in lines if "restarting" in x or "starting it" in x]
        finally:
            stack.stop()
    figures["after"] = _machine()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"written to {OUT}")


if __name__ == "__main__":
    main()
