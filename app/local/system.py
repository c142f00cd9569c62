"""System tools the local services need (java, mvn, redis-server), installed when we can."""

import os
import random
import shutil
import socket
import subprocess
from pathlib import Path

from tiegraph.errors import BadInput, Unavailable


def require_tool(tool: str, debian_package: str) -> str:
    """The path of `tool`; installed with apt-get when missing and we are root, else a clear
    error saying what to install."""
    found = shutil.which(tool)
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for step in (("update", "-qq"), ("install", "-y", "-qq", debian_package)):
            subprocess.run(["apt-get", *step], check=True, capture_output=True, env=env)  # noqa: S603, S607
        found = shutil.which(tool)
    if found is None:
        raise Unavailable(f"{tool} is not installed: run `sudo apt-get install {debian_package}`")
    return found


def ephemeral_ports() -> range:
    """The ports this machine hands out to outgoing connections (Linux's ip_local_port_range)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
    except (OSError, ValueError):
        return range(32768, 61000)  # Linux's default
    return range(int(low), int(high) + 1)


def check_listen_port(name: str, port: int) -> None:
    """Refuse a server port among the ephemeral ones. While the server is down, a client that
    keeps reconnecting to it (a driver's pool, a health check) can be given that very port as
    its own source port: TCP connects it to itself, and once it closes, the port sits in
    TIME_WAIT for a minute, so the restarted server fails with "address already in use"."""
    ephemeral = ephemeral_ports()
    if port in ephemeral:
        raise BadInput(
            f"{name} port {port} is in this machine's ephemeral range "
            f"({ephemeral.start}-{ephemeral.stop - 1}, net.ipv4.ip_local_port_range): a client "
            f"reconnecting while {name} is down can take it and keep {name} from restarting; "
            "choose a port below it"
        )


def free_port(candidates: range | None = None) -> int:
    """A TCP port nothing listens on now, by default below the ephemeral ports (see
    `check_listen_port`): for a throwaway server (tests, benchmarks)."""
    below = candidates or range(10_000, min(ephemeral_ports().start, 30_000))
    # A generator of its own: the module's shared one would be moved under a test that is
    # drawing from it (hypothesis fails such a test), since servers start in other threads.
    for port in random.SystemRandom().sample(below, min(200, len(below))):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise Unavailable(f"no free TCP port in {below.start}-{below.stop - 1}")


def throwaway_password(variable: str = "TIEGRAPH_NEO4J_PASSWORD") -> str:
    """A fresh password for a throwaway server, also put in this process's environment so every
    `Settings` made from now on (here and in child processes) uses it."""
    import secrets

    password = secrets.token_urlsafe(24)
    os.environ[variable] = password
    return password
