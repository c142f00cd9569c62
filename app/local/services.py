"""Start the local Neo4j and Redis when the settings point at this machine and none answers."""

import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from app.local.neo4j_server import ensure_installed, local_neo4j
from app.local.processes import ManagedProcess
from app.local.redis_server import local_redis
from tiegraph.settings import Settings


def port_open(host: str, port: int) -> bool:
    """True when something accepts TCP connections at host:port."""
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def neo4j_process(
    settings: Settings, say: Callable[[str], None] = lambda _: None
) -> ManagedProcess:
    """The local Neo4j `tiegraph db` manages, installed on first use."""
    classpath = ensure_installed(say)
    return local_neo4j(
        settings.data_dir, settings.neo4j_port, settings.neo4j_heap, settings.neo4j_pagecache,
        classpath, settings.neo4j_password.get_secret_value(),
    )  # fmt: skip


def redis_is_local(settings: Settings) -> bool:
    """True when `TIEGRAPH_REDIS_URL` names a Redis on this machine."""
    return settings.redis_is_local


def redis_port(settings: Settings) -> int:
    """The port of `TIEGRAPH_REDIS_URL` (6379 when none is given)."""
    return urlsplit(settings.redis_url).port or 6379


def redis_process(settings: Settings) -> ManagedProcess:
    """The local Redis tiegraph runs when none answers at `TIEGRAPH_REDIS_URL`."""
    return local_redis(settings.data_dir, redis_port(settings), settings.redis_password)
