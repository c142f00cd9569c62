"""Real services for the suite: Neo4j and Redis, never mocks.

Neo4j: `TIEGRAPH_NEO4J_URI` when set (its database is wiped between tests!), else a
testcontainers `neo4j:5.26` when a Docker engine answers, else the project's own launcher on a
free port in a temporary directory. Redis: `TIEGRAPH_REDIS_URL` when set, else a local
redis-server on a free port.
"""

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from tiegraph.localdb import ensure_installed, local_neo4j
from tiegraph.localredis import local_redis
from tiegraph.processes import ManagedProcess
from tiegraph.settings import Settings


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def docker_answers() -> bool:
    """True when a Docker engine responds (users' machines), False here and in CI."""
    if not os.environ.get("DOCKER_HOST") and not Path("/var/run/docker.sock").exists():
        return False
    import docker

    try:
        client = docker.from_env(timeout=3)
    except docker.errors.DockerException:
        return False
    try:
        return bool(client.ping())
    except docker.errors.DockerException:
        return False
    finally:
        client.close()


def stop_throwaway(neo4j: ManagedProcess) -> None:
    """Stop a Neo4j whose store nobody opens again, without its orderly shutdown: that
    checkpoints a store about to be deleted and then sits out two of Bolt's 5 s waits."""
    neo4j.stop(timeout=0)  # SIGTERM, then SIGKILL at once; returns when the process is gone


@pytest.fixture(scope="session")
def neo4j_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """Connection settings of the Neo4j the suite runs against."""
    if uri := os.environ.get("TIEGRAPH_NEO4J_URI"):
        yield {"neo4j_uri": uri}
    elif docker_answers():
        from testcontainers.community.neo4j import Neo4jContainer

        with Neo4jContainer("neo4j:5.26", password="tiegraph-test") as container:
            yield {
                "neo4j_uri": container.get_connection_url(),
                "neo4j_password": SecretStr("tiegraph-test"),
            }
    else:
        home = tmp_path_factory.mktemp("neo4j")
        port = free_port()
        process = local_neo4j(home, port, heap="1g", pagecache="256m", classpath=ensure_installed())
        process.start()
        try:
            yield {"neo4j_uri": f"bolt://127.0.0.1:{port}"}
        finally:
            stop_throwaway(process)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Redis the suite's jobs go through."""
    if url := os.environ.get("TIEGRAPH_REDIS_URL"):
        yield url
        return
    port = free_port()
    process = local_redis(Path(tmp_path_factory.mktemp("redis")), port)
    process.start()
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.stop()


@pytest.fixture(scope="session")
def settings(neo4j_settings: dict[str, object], redis_url: str) -> Settings:
    """Settings for the test services, with `firm.test` as the firm's domain."""
    return Settings.model_validate(
        {
            **neo4j_settings,
            "redis_url": redis_url,
            "firm_domains": ["firm.test"],
            "ingest_batch_size": 50,
            # The machine is shared and slow at times: tests that time out on purpose say so.
            "request_timeout_seconds": 60,
        }
    )
