"""One driver for the whole session, the schema applied once, the graph emptied per test."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from neo4j import AsyncDriver

from app.main import create_app
from graph.driver import apply_schema, create_driver
from graph.repository import GraphRepository
from ingest.pipeline import Ingestor
from tiegraph.settings import Settings


@pytest.fixture(scope="session")
async def driver(settings: Settings) -> AsyncIterator[AsyncDriver]:
    """The session's driver, with the schema in place."""
    driver = create_driver(settings)
    await driver.verify_connectivity()
    await apply_schema(driver, settings.neo4j_database)
    yield driver
    await driver.close()


@pytest.fixture(autouse=True)
async def empty_graph(driver: AsyncDriver, settings: Settings) -> None:
    """Every test starts from an empty graph (the schema stays)."""
    await driver.execute_query("MATCH (n) DETACH DELETE n", database_=settings.neo4j_database)


@pytest.fixture
def repo(driver: AsyncDriver, settings: Settings) -> GraphRepository:
    """The repository over the session's driver."""
    return GraphRepository(driver, settings.neo4j_database)


@pytest.fixture
def ingestor(repo: GraphRepository, settings: Settings) -> Ingestor:
    """An ingestor with the test settings (firm domain `firm.test`, batches of 50)."""
    return Ingestor.for_settings(repo, settings)


@pytest.fixture
async def api(settings: Settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The real app (lifespan included) over ASGI, with uploads under the test's tmp_path."""
    app = create_app(settings.model_copy(update={"data_dir": tmp_path}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://tiegraph") as client:
            yield client
