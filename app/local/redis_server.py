"""A local Redis (Debian's redis-server) for arq, where no other Redis is configured."""

from pathlib import Path

from app.local.processes import ManagedProcess
from app.local.system import require_tool


def local_redis(home: Path, port: int) -> ManagedProcess:
    """The managed process for a Redis whose append-only file lives under `home/redis`."""
    binary = require_tool("redis-server", "redis-server")
    workdir = home.resolve()
    data = workdir / "redis"
    data.mkdir(parents=True, exist_ok=True)
    # Append-only, so queued jobs survive a restart of Redis itself; the process title is kept
    # so `ManagedProcess` can recognise the server by its command line.
    argv = (binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data),
            "--appendonly", "yes", "--save", "", "--daemonize", "no",
            "--set-proc-title", "no")  # fmt: skip
    return ManagedProcess(
        name="redis",
        argv=argv,
        workdir=workdir,
        ready_marker="Ready to accept connections",
        signature=str(data),
    )
