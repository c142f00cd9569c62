"""Where an IMAP initial sync's time goes, without Neo4j: header fetches alone.

    python -m bench.imap_fetch [--messages 50000]

The same Dovecot and folder as `bench/imap_sync.py`. Each pass reads every message's header
fields in one session and splits its time into waiting for and reading the FETCH responses
(imaplib), imapclient's parse of them, and our header parse (`parse_message_bytes`), beside
the CPU seconds Dovecot's imap process spent meanwhile. Passes: UID lists of 2,000 per FETCH
(what the sync sent) with Dovecot's header cache cold, then warm; UID ranges of 2,000 and of
10,000; one FETCH of the whole folder. "Cold" passes start from a Dovecot whose folder index
holds no header cache (its `dovecot.index.cache` removed while stopped).
"""

import argparse
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from imapclient import IMAPClient
from imapclient.response_parser import parse_fetch_response
from rich.console import Console

from bench.imap_sync import PASSWORD, USER, WARMUP_MESSAGES, _index, _prepare
from bench.mailbox import OUT_DIR, ensure_mailbox
from ingest.imap import HEADERS_ITEM
from ingest.parsers.email import parse_message_bytes
from tests.conftest import free_port
from tests.integration.mailservers import Dovecot

RESULTS = OUT_DIR / "imap_fetch.json"
TICKS = os.sysconf("SC_CLK_TCK")


def _imap_cpu(server: Dovecot) -> float:
    """CPU seconds (user + system) of Dovecot's `imap` processes, by /proc/<pid>/stat."""
    group = server._proc.pid if server._proc else -1  # the fixture's own child
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :]
        fields = rest.split()
        if name == "imap" and int(fields[2]) == group:
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def _ranges(uids: list[int], size: int) -> list[bytes]:
    return [f"{uids[i]}:{uids[min(i + size, len(uids)) - 1]}".encode()
            for i in range(0, len(uids), size)]  # fmt: skip


def _lists(uids: list[int], size: int) -> list[bytes]:
    return [b",".join(str(u).encode() for u in uids[i : i + size])
            for i in range(0, len(uids), size)]  # fmt: skip


def _pass(server: Dovecot, sets: Callable[[list[int]], list[bytes]]) -> dict[str, Any]:
    wait = imapclient_parse = ours = 0.0
    messages = 0
    cpu = _imap_cpu(server)
    start = time.perf_counter()
    with server.client(USER) as client:
        client.select_folder("INBOX", readonly=True)
        uids = sorted(client.search(["ALL"]))
        for message_set in sets(uids):
            clock = time.perf_counter()
            raw = _fetch_raw(client, message_set)
            clock, wait = time.perf_counter(), wait + time.perf_counter() - clock
            answer = parse_fetch_response(raw, True, True)
            clock, imapclient_parse = (time.perf_counter(),
                                       imapclient_parse + time.perf_counter() - clock)  # fmt: skip
            for uid, data in answer.items():
                block = next(v for k, v in data.items() if k.startswith(b"BODY["))
                parse_message_bytes(block, f"INBOX#{uid}")
            ours += time.perf_counter() - clock
            messages += len(answer)
        server_cpu = _imap_cpu(server) - cpu
    seconds = time.perf_counter() - start
    return {"messages": messages, "seconds": round(seconds, 2),
            "messages_per_s": round(messages / seconds), "fetch_wait_s": round(wait, 2),
            "imapclient_parse_s": round(imapclient_parse, 2), "our_parse_s": round(ours, 2),
            "dovecot_cpu_s": round(server_cpu, 2)}  # fmt: skip


def _fetch_raw(client: IMAPClient, message_set: bytes) -> list[Any]:
    """FETCH's untagged responses as imaplib read them, before imapclient parses them."""
    imap = client._imap  # private: to time the wire apart from imapclient's parse
    tag = imap._command("UID", "FETCH", message_set, b"(" + HEADERS_ITEM + b")")
    typ, data = imap._command_complete("FETCH", tag)
    assert typ == "OK", data  # noqa: S101 - a benchmark
    return list(imap._untagged_response(typ, data, "FETCH")[1])


def _cold(server: Dovecot) -> None:
    server.stop()
    for cache in (server.root / "mail" / USER).glob("dovecot.index.cache*"):
        cache.unlink()
    server.start()


def _run(messages: int, say: Console) -> dict[str, Any]:
    source = ensure_mailbox(messages + WARMUP_MESSAGES)
    root = Path(tempfile.mkdtemp(prefix="tiegraph-bench-dovecot-"))
    server = Dovecot(root, free_port(), {USER: PASSWORD})
    passes: dict[str, Any] = {}
    try:
        _prepare(root, source, messages)
        server.start()
        _index(server)
        plan: list[tuple[str, bool, Callable[[list[int]], list[bytes]]]] = [
            ("lists_2000_cold", True, lambda u: _lists(u, 2000)),
            ("lists_2000_warm", False, lambda u: _lists(u, 2000)),
            ("ranges_2000_cold", True, lambda u: _ranges(u, 2000)),
            ("ranges_2000_warm", False, lambda u: _ranges(u, 2000)),
            ("ranges_10000_warm", False, lambda u: _ranges(u, 10000)),
            ("whole_folder_cold", True, lambda u: _ranges(u, len(u))),
        ]
        for name, cold, sets in plan:
            if cold:
                _cold(server)
            passes[name] = {**_pass(server, sets), "load": os.getloadavg()[0]}
            say.print(name, passes[name])
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    return passes


def main(argv: list[str] | None = None) -> None:
    """Command line: run the passes, print them and keep them in bench/out."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=50_000)
    args = parser.parse_args(argv)
    say = Console(stderr=True)
    load_before = os.getloadavg()
    passes = _run(args.messages, say)
    summary = {"date": datetime.now(UTC).isoformat(timespec="seconds"),
               "load_average_before": load_before, "load_average": os.getloadavg(),
               "messages": args.messages, "passes": passes}  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2))
    Console().print_json(json.dumps(summary))


if __name__ == "__main__":
    main()
