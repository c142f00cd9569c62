"""What erasure leaves on disk in the local Neo4j: its transaction logs keep only what
recovery needs (the launcher's retention), so once the log holding an erased address is rotated
and a checkpoint has run, the address is gone from them (without the launcher's retention,
Neo4j keeps days of logs). Store and index files are counted too
(freed records keep their bytes until reused): the README says so, with these figures."""

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from app.local.neo4j_server import ensure_installed, local_neo4j
from app.local.processes import ManagedProcess
from graph.driver import apply_schema, create_driver
from graph.repository import GraphRepository
from ingest.erasure import erase_contact
from ingest.pipeline import Ingestor
from tests.conftest import NEO4J_PASSWORD, free_port, stop_throwaway
from tests.integration.apihelp import record
from tests.integration.conftest import set_firm
from tiegraph.settings import Settings


@pytest.fixture
def own_neo4j(tmp_path: Path, settings: Settings) -> Iterator[tuple[ManagedProcess, Settings]]:
    """A launcher Neo4j of this test's own, whose files the test reads."""
    port = free_port()
    neo4j = local_neo4j(tmp_path, port, "512m", "64m", ensure_installed(), NEO4J_PASSWORD)
    neo4j.start()
    own = settings.model_copy(update={"neo4j_uri": f"bolt://127.0.0.1:{port}",
                                      "neo4j_password": SecretStr(NEO4J_PASSWORD)})  # fmt: skip
    try:
        yield neo4j, own
    finally:
        stop_throwaway(neo4j)


def _occurrences(root: Path, needle: bytes) -> dict[str, int]:
    """How often `needle` appears in the files under `root`, by folder."""
    found: dict[str, int] = {}
    for path in root.rglob("*"):
        if path.is_file() and (count := path.read_bytes().count(needle)):
            folder = str(path.parent.relative_to(root))
            found[folder] = found.get(folder, 0) + count
    return found


async def test_an_erased_address_leaves_the_transaction_logs_after_rotation_and_checkpoint(
    own_neo4j: tuple[ManagedProcess, Settings], tmp_path: Path
) -> None:
    neo4j, settings = own_neo4j
    secret = f"erase.me.{secrets.token_hex(6)}@acme.com"
    driver = create_driver(settings)
    try:
        await apply_schema(driver, settings.neo4j_database)
        repo = GraphRepository(driver, settings.neo4j_database)
        await set_firm(repo, *settings.firm_domains)
        ingestor = Ingestor.for_settings(repo, settings)
        await ingestor.run([record(f"s{i}", "ann@firm.test", [secret], 10 + i) for i in range(5)])
        store = tmp_path / "neo4j" / "data"
        assert _occurrences(store / "transactions", secret.encode())
        await erase_contact(repo, secret, tuple(settings.firm_domains))
        # Other work goes on: past the 1 MiB at which the launcher rotates the log.
        filler = [record(f"f{i}", "bob@firm.test", [f"c{i % 500}@other{i % 40}.com"], 1 + i % 300)
                  for i in range(6000)]  # fmt: skip
        await ingestor.run(filler)
    finally:
        await driver.close()
    # A checkpoint (every 15 minutes, and at an orderly stop: Community has no
    # db.checkpoint()) deletes the logs it no longer needs.
    neo4j.stop()
    left = _occurrences(store / "transactions", secret.encode())
    everywhere = _occurrences(store, secret.encode())
    print(f"after erase, rotation and checkpoint: {everywhere}")  # the README's figures
    assert left == {}
