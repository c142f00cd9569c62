"""A Neo4j outage under a running API: UNAVAILABLE and 503, then recovery without a restart.

Uses a throwaway Neo4j of its own (`spare_neo4j`): the suite's is shared by every other test."""

import asyncio
from pathlib import Path

from app.local.processes import ManagedProcess
from app.main import create_app
from graph.driver import create_driver
from graph.repository import GraphRepository
from graph.tokens import issue_token
from tests.conftest import stop_throwaway
from tests.integration.apihelp import codes, gql
from tests.integration.conftest import client
from tiegraph.access import Role
from tiegraph.settings import Settings

ME = "{ me { role } }"


async def test_neo4j_outage_gives_unavailable_and_recovers(
    settings: Settings, tmp_path: Path, spare_neo4j: tuple[ManagedProcess, int]
) -> None:
    neo4j, port = spare_neo4j  # running: it started early in the session
    try:
        own = settings.model_copy(update={"neo4j_uri": f"bolt://127.0.0.1:{port}",
                                          "data_dir": tmp_path})  # fmt: skip
        app = create_app(own)
        async with app.router.lifespan_context(app):
            driver = create_driver(own)
            token, _ = await issue_token(GraphRepository(driver, own.neo4j_database), "a@firm.test",
                                         Role.ADMIN, own.firm_domains)  # fmt: skip
            await driver.close()
            async with client(app, token) as http:
                assert (await gql(http, ME))["data"]["me"]["role"] == "ADMIN"

                # The outage: Neo4j killed, as a crash takes it (an orderly stop would add
                # 10 s of Bolt's idle shutdown waits and show the API nothing else).
                neo4j.stop(timeout=0)
                assert codes(await gql(http, ME)) == ["UNAVAILABLE"]
                ready = await http.get("/readyz")
                assert ready.status_code == 503
                assert ready.json()["checks"] == {"neo4j": False, "redis": True}

                neo4j.start()  # same store (recovered), same port: the token is still there
                for _ in range(60):
                    if (await http.get("/readyz")).status_code == 200:
                        break
                    await asyncio.sleep(1)
                assert (await gql(http, ME))["data"]["me"]["role"] == "ADMIN"
    finally:
        stop_throwaway(neo4j)
