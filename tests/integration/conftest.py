"""One driver for the whole session, the schema applied once, the graph emptied per test."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from neo4j import AsyncDriver

from app.main import create_app
from graph.driver import apply_schema, create_driver
from graph.repository import GraphRepository
from graph.tokens import issue_token
from ingest.pipeline import Ingestor
from tests.conftest import free_port
from tiegraph.access import Role
from tiegraph.firm import FirmSettings
from tiegraph.settings import Settings


@pytest.fixture(scope="session")
async def driver(settings: Settings) -> AsyncIterator[AsyncDriver]:
    """The session's driver, with the schema in place."""
    driver = create_driver(settings)
    await driver.verify_connectivity()
    await apply_schema(driver, settings.neo4j_database)
    yield driver
    await driver.close()


FIRM_DOMAINS = ("firm.test",)  # as tests/conftest.py's settings
# Empties the graph in the middle of a test, keeping its firm set up (tiegraph init).
EMPTY_BUT_THE_FIRM = "MATCH (n) WHERE NOT n:FirmSettings DETACH DELETE n"


@pytest.fixture
async def initial_driver(initial_neo4j: Settings) -> AsyncIterator[AsyncDriver]:
    """A driver of `initial_neo4j`, its graph emptied and its schema in place."""
    driver = create_driver(initial_neo4j)
    await driver.execute_query("MATCH (n) DETACH DELETE n")
    await apply_schema(driver, initial_neo4j.neo4j_database)
    yield driver
    await driver.close()


async def set_firm(repo: GraphRepository, *domains: str) -> None:
    """Set the firm up with `domains` (none: not set up), as `tiegraph init` would."""
    await repo.save_firm_settings(FirmSettings(domains=domains))


@pytest.fixture(autouse=True)
async def empty_graph(driver: AsyncDriver, settings: Settings) -> None:
    """Every test starts from an empty graph (the schema stays) whose firm is set up as
    `tiegraph init --firm-domain firm.test` does: ingestion refuses to run without it. A test
    of another firm calls `set_firm`; one of a firm not set up yet, `set_firm()`."""
    await driver.execute_query("MATCH (n) DETACH DELETE n", database_=settings.neo4j_database)
    await set_firm(GraphRepository(driver, settings.neo4j_database), *FIRM_DOMAINS)


@pytest.fixture
def repo(driver: AsyncDriver, settings: Settings) -> GraphRepository:
    """The repository over the session's driver."""
    return GraphRepository(driver, settings.neo4j_database)


@pytest.fixture
def ingestor(repo: GraphRepository, settings: Settings) -> Ingestor:
    """An ingestor with the test settings (firm domain `firm.test`, batches of 50)."""
    return Ingestor.for_settings(repo, settings)


ADMIN_EMAIL = "admin@firm.test"
MANAGER_EMAIL = "manager@firm.test"
REP_EMAIL = "rep@firm.test"


@pytest.fixture(scope="session")
async def session_app(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FastAPI]:
    """The real app with its lifespan running, built once: create_app, the schema's
    application and the lifespan's gc pass cost about 0.4 s, once per API test before."""
    app = create_app(settings.model_copy(update={"data_dir": tmp_path_factory.mktemp("app")}))
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
def app(session_app: FastAPI) -> FastAPI:
    """The session's app. What it keeps from one test to the next needs no reset:

    - the graph, tokens and scoring profile included, is emptied by `empty_graph`, and the
      app reads the token and the profile from the graph at every request (no cache);
    - the validation cache holds results that depend only on the document and the schema;
    - the metrics are the process's (prometheus_client's registry), shared by apps anyway;
    - Redis (the arq pool's queue and job results) was never reset between tests;
    - uploads land in the session's data_dir (`app.state.settings.data_dir`), each in a
      folder of its job's own id.

    A test that changes the app itself (settings, query observers) builds an app of its own.
    """
    return session_app


@asynccontextmanager
async def client(app: FastAPI, token: str | None) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client over ASGI, sending `token` as its bearer token (none when None)."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://tiegraph", headers=headers
    ) as http:
        yield http


async def token_for(repo: GraphRepository, role: Role, member: str) -> str:
    """A fresh token, created through the repository as `tiegraph token create` does."""
    token, _ = await issue_token(repo, member, role, FIRM_DOMAINS)
    return token


@pytest.fixture
async def api(app: FastAPI, repo: GraphRepository) -> AsyncIterator[httpx.AsyncClient]:
    """The real app (lifespan included) over ASGI, as an admin (may do everything)."""
    async with client(app, await token_for(repo, Role.ADMIN, ADMIN_EMAIL)) as http:
        yield http


@pytest.fixture
async def manager_api(app: FastAPI, repo: GraphRepository) -> AsyncIterator[httpx.AsyncClient]:
    """The same app as a manager."""
    async with client(app, await token_for(repo, Role.MANAGER, MANAGER_EMAIL)) as http:
        yield http


@pytest.fixture
async def rep_api(app: FastAPI, repo: GraphRepository) -> AsyncIterator[httpx.AsyncClient]:
    """The same app as the rep `rep@firm.test`."""
    async with client(app, await token_for(repo, Role.REP, REP_EMAIL)) as http:
        yield http


@pytest.fixture
async def anonymous_api(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The same app without any token."""
    async with client(app, None) as http:
        yield http


@pytest.fixture
async def server(settings: Settings, tmp_path: Path) -> AsyncIterator[str]:
    """The API served over HTTP on a free port; yields its base URL."""
    port = free_port()
    app = create_app(settings.model_copy(update={"data_dir": tmp_path}))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    instance = uvicorn.Server(config)
    task = asyncio.create_task(instance.serve())
    for _ in range(600):  # uvicorn offers no event to wait on; poll its flag for up to 30 s
        if instance.started:
            break
        await asyncio.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    await task
