"""A local Redis (Debian's redis-server) for arq, where no other Redis is configured."""

import os
from pathlib import Path

from app.local.processes import ManagedProcess
from app.local.system import require_tool


def _config(workdir: Path, password: str | None) -> Path:
    """The server's config file: its password, where no other user can read it (a
    `--requirepass` argument would be in the command line, which anyone can read)."""
    path = workdir / "redis.conf"
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(f"requirepass {password}\n" if password else "")
    return path


def local_redis(home: Path, port: int, password: str | None = None) -> ManagedProcess:
    """The managed process for a Redis whose append-only file lives under `home/redis`; with a
    password, every client must AUTH with it."""
    binary = require_tool("redis-server", "redis-server")
    workdir = home.resolve()
    data = workdir / "redis"
    data.mkdir(parents=True, exist_ok=True)
    # Append-only, so queued jobs survive a restart of Redis itself; the process title is kept
    # so `ManagedProcess` can recognise the server by its command line.
    argv = (binary, str(_config(data, password)), "--port", str(port), "--bind", "127.0.0.1",
            "--dir", str(data), "--appendonly", "yes", "--save", "", "--daemonize", "no",
            "--set-proc-title", "no")  # fmt: skip
    return ManagedProcess(
        name="redis",
        argv=argv,
        workdir=workdir,
        ready_marker="Ready to accept connections",
        signature=str(data),
        port=port,
    )
