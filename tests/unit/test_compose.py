"""docker-compose.yml, read as compose reads it (no Docker engine here to run it)."""

import re
from pathlib import Path
from typing import Any

import yaml

from app.cli import build_parser

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def test_nothing_is_published_beyond_this_machine() -> None:
    services = _compose()["services"]
    published = [(name, port) for name, s in services.items() for port in s.get("ports", [])]
    assert ("api", "127.0.0.1:8000:8000") in published
    assert all(port.startswith("127.0.0.1:") for _, port in published), published
    assert "ports" not in services["redis"]


def test_there_is_no_default_password() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    uses = re.findall(r"\$\{NEO4J_PASSWORD([^}]*)\}", text)
    assert uses
    assert set(uses) == {":?set NEO4J_PASSWORD"}  # compose refuses to start without it
    env = _compose()["services"]["api"]["environment"]
    assert env["TIEGRAPH_NEO4J_PASSWORD"] == "${NEO4J_PASSWORD:?set NEO4J_PASSWORD}"


def test_every_service_restarts_and_reports_its_health() -> None:
    services = _compose()["services"]
    for name, service in services.items():
        assert service.get("restart") == "unless-stopped", name
        assert service.get("healthcheck", {}).get("test"), name
    assert "/readyz" in " ".join(services["api"]["healthcheck"]["test"])
    worker_check = services["worker"]["healthcheck"]["test"]
    assert worker_check == ["CMD", "tiegraph", "worker", "--check"]
    assert build_parser().parse_args(worker_check[2:]).check is True


def test_one_image_is_built_once_for_api_and_worker() -> None:
    services = _compose()["services"]
    built = [name for name, service in services.items() if "build" in service]
    assert built == ["api"]
    assert services["api"]["image"] == services["worker"]["image"]
    assert services["worker"]["pull_policy"] == "never"
    assert services["worker"]["command"] == ["tiegraph", "worker"]


def test_it_says_how_to_make_the_first_token() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    assert "docker compose exec api tiegraph token create --member" in text
    args = build_parser().parse_args(
        ["token", "create", "--member", "a@b.example", "--role", "admin"]
    )
    assert (args.command, args.action) == ("token", "create")
