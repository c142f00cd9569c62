"""Real services for the suite: Neo4j and Redis, never mocks.

Neo4j: `TIEGRAPH_NEO4J_URI` when set (its database is wiped between tests!), else a
testcontainers `neo4j:5.26` when a Docker engine answers, else the project's own launcher on a
free port in a temporary directory, starting while the tests that need no services run (they
run first). Redis: `TIEGRAPH_REDIS_URL` when set, else a local redis-server on a free port.
"""

import os
import secrets
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from pydantic import SecretStr

from app.local.neo4j_server import ensure_installed, local_neo4j
from app.local.processes import ManagedProcess
from app.local.redis_server import local_redis
from app.local.system import free_port
from tiegraph.settings import Settings

__all__ = ["free_port"]  # the suite's one way to pick a port


# The suite's local servers ask for these, as a user's local servers ask for theirs
# (`TIEGRAPH_DATA_DIR/credentials.json`): nothing else on the machine can use them.
NEO4J_PASSWORD = secrets.token_urlsafe(24)
REDIS_PASSWORD = secrets.token_urlsafe(24)


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


# Fixtures whose tests need the services; `pytest_collection_modifyitems` runs those tests last.
SERVICES = frozenset({"neo4j_settings", "redis_url", "spare_neo4j"})


def stop_throwaway(neo4j: ManagedProcess) -> None:
    """Stop a Neo4j whose store nobody opens again, without its orderly shutdown: that
    checkpoints a store about to be deleted and then sits out two of Bolt's 5 s waits."""
    neo4j.stop(timeout=0)  # SIGTERM, then SIGKILL at once; returns when the process is gone


def _needs_services(item: pytest.Item) -> bool:
    return bool(SERVICES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that need neither Neo4j nor Redis (the unit tests) first: the launcher's Neo4js
    start while they run (`launcher_neo4js`). Each group keeps its order."""
    items.sort(key=_needs_services)


def _launch(home: Path, heap: str, pagecache: str, classpath: str) -> tuple[ManagedProcess, int]:
    """A launcher Neo4j under `home`, started, and its port (free when the start begins)."""
    port = free_port()
    process = local_neo4j(home, port, heap=heap, pagecache=pagecache, classpath=classpath,
                          password=NEO4J_PASSWORD)  # fmt: skip
    process.start()
    return process, port


Launched = Future[tuple[ManagedProcess, int]]


@pytest.fixture(scope="session", autouse=True)
def launcher_neo4js(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Launched]]:
    """The launcher's Neo4js this session's tests ask for, by fixture: `neo4j_settings`'s
    (unless `TIEGRAPH_NEO4J_URI` or Docker provides one) and `spare_neo4j`'s, started one
    after the other in a thread from the session's first test on.

    A start, 8-15 s of JVM and store set-up, used to hold up the test that needed it; now the
    unit tests run meanwhile, on the other core.
    """
    wanted = {name for item in request.session.items for name in item.fixturenames}
    sizes: dict[str, tuple[str, str]] = {}  # fixture: heap, page cache
    if "neo4j_settings" in wanted and not (
        os.environ.get("TIEGRAPH_NEO4J_URI") or docker_answers()
    ):
        sizes["neo4j_settings"] = ("1g", "256m")
    if "spare_neo4j" in wanted:
        sizes["spare_neo4j"] = ("512m", "64m")
    classpath = ensure_installed() if sizes else ""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="neo4j-start") as pool:
        launched = {
            fixture: pool.submit(_launch, tmp_path_factory.mktemp(fixture), *size, classpath)
            for fixture, size in sizes.items()
        }
        try:
            yield launched
        finally:
            for each in launched.values():
                if each.exception() is None:  # waits; a start that failed left no process
                    stop_throwaway(each.result()[0])


@pytest.fixture(scope="session")
def neo4j_settings(launcher_neo4js: dict[str, Launched]) -> Iterator[dict[str, object]]:
    """Connection settings of the Neo4j the suite runs against."""
    if uri := os.environ.get("TIEGRAPH_NEO4J_URI"):
        yield {"neo4j_uri": uri}
    elif launched := launcher_neo4js.get("neo4j_settings"):
        _, port = launched.result()  # raises what made the start fail, if it did
        yield {"neo4j_uri": f"bolt://127.0.0.1:{port}", "neo4j_password": SecretStr(NEO4J_PASSWORD)}
    else:
        from testcontainers.community.neo4j import Neo4jContainer

        with Neo4jContainer("neo4j:5.26", password="tiegraph-test") as container:
            yield {
                "neo4j_uri": container.get_connection_url(),
                "neo4j_password": SecretStr("tiegraph-test"),
            }


@pytest.fixture(scope="session")
def spare_neo4j(launcher_neo4js: dict[str, Launched]) -> tuple[ManagedProcess, int]:
    """A launcher Neo4j (512 MB heap) besides the suite's, with an empty store, and its port:
    for a test that stops and starts it (test_outage). It asks for `NEO4J_PASSWORD`. Stopped at the session's end at the
    latest; whoever is done with it sooner may `stop_throwaway` it."""
    return launcher_neo4js["spare_neo4j"].result()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Redis the suite's jobs go through."""
    if url := os.environ.get("TIEGRAPH_REDIS_URL"):
        yield url
        return
    port = free_port()
    process = local_redis(Path(tmp_path_factory.mktemp("redis")), port, REDIS_PASSWORD)
    process.start()
    try:
        yield f"redis://:{REDIS_PASSWORD}@127.0.0.1:{port}/0"
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
