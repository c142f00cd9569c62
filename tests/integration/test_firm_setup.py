"""Setting the firm up once (`tiegraph init`): every way in to ingestion refuses before it, and
when TIEGRAPH_FIRM_DOMAINS contradicts it; afterwards a fresh process without the variable
classifies the firm's people as members."""

from pathlib import Path
from typing import Any, LiteralString

import httpx
import pytest
from neo4j import GraphDatabase

from graph.repository import GraphRepository
from tests.clirun import Run, run_cli, set_env
from tests.integration.apihelp import codes, gql
from tests.integration.conftest import set_firm
from tiegraph.settings import Settings

MAIL = '{"id": "m1", "kind": "email", "occurredAt": "2026-03-01T09:30:00Z", ' \
       '"from": "ann@firm.test", "to": ["joe@acme.com"]}\n'  # fmt: skip
INGEST = """mutation { ingestInteractions(interactions: [{id: "g1", kind: EMAIL,
  occurredAt: "2026-03-01T09:30:00Z", from: "ann@firm.test", to: ["joe@acme.com"]}]) { ingested } }"""
PEOPLE = "MATCH (p:Person) RETURN p.email AS email, labels(p) AS labels ORDER BY email"


@pytest.fixture
def shell(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The suite's Neo4j in the environment, without TIEGRAPH_FIRM_DOMAINS; a mail file."""
    set_env(monkeypatch, neo4j_uri=settings.neo4j_uri, data_dir=str(tmp_path / "data"),
            redis_url=settings.redis_url,
            neo4j_password=settings.neo4j_password.get_secret_value())  # fmt: skip
    monkeypatch.setenv("COLUMNS", "200")
    mail = tmp_path / "mail.jsonl"
    mail.write_text(MAIL)
    return mail


def _error(run: Run) -> str:
    """The one line a refused command prints."""
    assert run.code == 1, run
    assert "Traceback" not in run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    return lines[0].removeprefix("error: ")


def _read(settings: Settings, cypher: LiteralString) -> list[dict[str, Any]]:
    """A query of the suite's Neo4j from a test that runs the CLI (no event loop of its own)."""
    with GraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth) as driver:
        records, _, _ = driver.execute_query(cypher, database_=settings.neo4j_database)
        return [r.data() for r in records]


def _people(settings: Settings) -> list[tuple[str, list[str]]]:
    return [(r["email"], sorted(r["labels"])) for r in _read(settings, PEOPLE)]


def _interactions(settings: Settings) -> int:
    return int(_read(settings, "MATCH (i:Interaction) RETURN count(i) AS n")[0]["n"])


def _domains(settings: Settings) -> list[str]:
    return [
        d for r in _read(settings, "MATCH (f:FirmSettings) RETURN f.domains AS d") for d in r["d"]
    ]


def _no_firm(settings: Settings) -> None:
    _read(settings, "MATCH (f:FirmSettings) DELETE f")


def test_ingest_is_refused_before_init_and_says_what_to_do(
    capsys: pytest.CaptureFixture[str], shell: Path, settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    _no_firm(settings)  # a graph nobody has set up yet
    for told in (None, "firm.test"):  # with the variable or without: init first
        if told:
            monkeypatch.setenv("TIEGRAPH_FIRM_DOMAINS", told)
        message = _error(run_cli(capsys, "ingest", str(shell)))
        assert "the firm's domains are not set up: run `tiegraph init --firm-domain" in message
    assert _error(run_cli(capsys, "ingest", "--queue", str(shell))).startswith(
        "the firm's domains are not set up"
    )
    assert _interactions(settings) == 0
    assert _people(settings) == []


def test_ingest_is_refused_when_the_variable_disagrees(
    capsys: pytest.CaptureFixture[str], shell: Path, settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("TIEGRAPH_FIRM_DOMAINS", "other.test")
    message = _error(run_cli(capsys, "ingest", str(shell)))
    assert message.startswith("TIEGRAPH_FIRM_DOMAINS is other.test but the graph's firm is "
                              "firm.test")  # fmt: skip
    assert _interactions(settings) == 0
    monkeypatch.setenv("TIEGRAPH_FIRM_DOMAINS", "firm.test")  # agreeing is fine
    assert run_cli(capsys, "ingest", str(shell)).code == 0
    assert _interactions(settings) == 1


def test_after_init_a_fresh_process_without_the_variable_knows_the_firm(
    capsys: pytest.CaptureFixture[str], shell: Path, settings: Settings
) -> None:
    _no_firm(settings)
    run = run_cli(capsys, "init", "--firm-domain", "Firm.Test", "eu.firm.test")
    assert run.code == 0, run.err
    assert "Firm domains stored: firm.test, eu.firm.test." in run.err
    assert run_cli(capsys, "ingest", str(shell)).code == 0  # another process, no variable
    assert _people(settings) == [("ann@firm.test", ["Person", "TeamMember"]),
                                   ("joe@acme.com", ["Contact", "Person"])]  # fmt: skip
    again = run_cli(capsys, "init", "--firm-domain", "firm.test", "eu.firm.test")
    assert (again.code, again.err.strip()) == (0, "The firm is already firm.test, eu.firm.test.")


def test_changing_the_domains_needs_a_flag_and_force_once_people_are_stored(
    capsys: pytest.CaptureFixture[str], shell: Path, settings: Settings
) -> None:
    assert "pass --change" in _error(run_cli(capsys, "init", "--firm-domain", "new.test"))
    assert run_cli(capsys, "ingest", str(shell)).code == 0
    refused = _error(run_cli(capsys, "init", "--change", "--firm-domain", "new.test"))
    assert "1 interactions were classified under firm.test" in refused
    assert "--force" in refused
    assert _domains(settings) == ["firm.test"]
    run = run_cli(capsys, "init", "--change", "--force", "--firm-domain", "new.test")
    assert run.code == 0, run.err
    assert "keep the classification they had" in run.err
    assert _domains(settings) == ["new.test"]


def test_a_bad_domain_is_bad_input(
    capsys: pytest.CaptureFixture[str], shell: Path, settings: Settings
) -> None:
    assert _error(run_cli(capsys, "init", "--firm-domain", "not a domain")).startswith(
        "--firm-domain: 'not a domain' is not a domain"
    )
    assert run_cli(capsys, "init").code == 2  # argparse: --firm-domain is required


async def test_the_api_refuses_ingestion_before_init(
    api: httpx.AsyncClient, repo: GraphRepository
) -> None:
    await set_firm(repo)
    body = await gql(api, INGEST)
    assert codes(body) == ["SETUP_REQUIRED"]
    assert "tiegraph init --firm-domain" in body["errors"][0]["message"]
    upload = await api.post("/ingest", files={"files": ("mail.jsonl", MAIL.encode())})
    assert upload.status_code == 409
    assert upload.json()["error"]["code"] == "SETUP_REQUIRED"
    assert await repo.interaction_count() == 0
    await set_firm(repo, "firm.test")
    assert (await gql(api, INGEST))["data"]["ingestInteractions"]["ingested"] == 1


async def test_admins_read_the_firm_settings(
    api: httpx.AsyncClient, rep_api: httpx.AsyncClient
) -> None:
    query = "{ firmSettings { domains storeSubjects optedOut excludedAddressCount } }"
    assert (await gql(api, query))["data"]["firmSettings"] == {
        "domains": ["firm.test"], "storeSubjects": True, "optedOut": [], "excludedAddressCount": 0
    }  # fmt: skip
    assert codes(await gql(rep_api, query)) == ["FORBIDDEN"]


def test_the_demo_sets_up_its_firm_on_a_first_run_only(
    capsys: pytest.CaptureFixture[str], shell: Path, settings: Settings
) -> None:
    refused = _error(run_cli(capsys, "demo"))  # firm.test's graph is not the demo's
    assert refused.startswith("this graph's firm is firm.test; the demo is northwind.example's")
    assert _interactions(settings) == 0
    _no_firm(settings)
    assert run_cli(capsys, "demo").code == 0
    assert _domains(settings) == ["northwind.example"]
