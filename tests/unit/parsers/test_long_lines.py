"""A zip of a megabyte can hold a line of hundreds: reading it must cost what the line limit
costs, not the line. Each case runs the real reader (`iter_path`, as ingestion and the worker
call it) in a fresh interpreter and compares its peak RSS with the peak it had before reading.
The archives are generated here (they compress to almost nothing), never committed."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

LINE_BYTES = 120 * 1024 * 1024
# Bounded reading holds a line up to its limit (1 MiB) plus a read chunk; whole-line reading
# held the line at least once (120 MiB) and, joined and decoded, twice.
ALLOWED_GROWTH_BYTES = 24 * 1024 * 1024

HEADERS = b"From: ann@firm.test\r\nTo: joe@acme.com\r\nDate: Mon, 2 Mar 2026 09:00:00 +0000\r\n"
READ = """
import resource, sys
from pathlib import Path
from ingest.sources import iter_path
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
items = [str(item) for item in iter_path(Path(sys.argv[1]))]
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_kib": after - before, "items": items}))
""".replace("import resource", "import json, resource")


def _zip_with_long_line(path: Path, member: str, head: bytes, tail: bytes) -> Path:
    """`head`, a line of LINE_BYTES, then `tail`, streamed into one deflated member."""
    block = b"x" * (1 << 20)
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open(member, "w", force_zip64=True) as out,
    ):
        out.write(head)
        for _ in range(LINE_BYTES // len(block)):
            out.write(block)
        out.write(b"\n" + tail)
    return path


def _read_in_a_fresh_process(path: Path) -> tuple[int, list[str]]:
    done = subprocess.run([sys.executable, "-c", READ, str(path)], capture_output=True,
                          text=True, check=True, timeout=600)  # fmt: skip
    answer = json.loads(done.stdout)
    return int(answer["growth_kib"]) * 1024, list(answer["items"])


@pytest.mark.parametrize(
    ("member", "head", "tail", "expected"),
    [
        ("long.eml", HEADERS + b"Subject: ", b"Message-ID: <1@x>\r\n\r\nbody\r\n",
         "export.zip!long.eml:4: headers: a line longer than 1048576 bytes"),
        ("long.mbox", b"From ann@firm.test Mon Mar  2 09:00:00 2026\n" + HEADERS + b"Subject: ",
         b"\n",
         "export.zip!long.mbox#message-1: headers: longer than 1048576 bytes"),
        ("long.jsonl", b'{"id": "', b"",
         "export.zip!long.jsonl:1: longer than 1048576 bytes"),
    ],
)  # fmt: skip
def test_a_huge_line_in_a_zip_costs_the_limit_not_the_line(
    tmp_path: Path, member: str, head: bytes, tail: bytes, expected: str
) -> None:
    archive = _zip_with_long_line(tmp_path / "export.zip", member, head, tail)
    assert archive.stat().st_size < LINE_BYTES // 100  # the point: a small upload
    growth, items = _read_in_a_fresh_process(archive)
    assert items == [expected]
    assert growth < ALLOWED_GROWTH_BYTES, f"peak RSS grew {growth / 2**20:.0f} MiB"
