"""The explorer in a real browser: Debian's chromium driven by Playwright, against the real API
serving the demo firm over the suite's Neo4j and Redis.

One API server (uvicorn in a thread on a free 127.0.0.1 port) and one browser for the whole
folder; one page per test. Every request a page makes goes through a route that lets only
127.0.0.1 through and records anything else, and each test fails if there was any.
"""

import asyncio
import os
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from app.local.system import require_tool
from app.main import create_app
from app.web import DEFAULT_WEB_DIR
from graph.driver import apply_schema, create_driver
from graph.firm import init_firm
from graph.repository import GraphRepository
from graph.tokens import issue_token
from ingest.demo import DEMO_FIRM_DOMAIN, demo_records
from ingest.pipeline import Ingestor
from tests.conftest import free_port
from tiegraph.access import Role
from tiegraph.settings import Settings

# The machine is shared: the first reads of a screen may be slow, so expectations wait longer
# than Playwright's 5 s before they fail.
WAIT_MS = 20_000
expect.set_options(timeout=WAIT_MS)
# `make screens` points this at docs/screens; a plain test run keeps its pictures out of the tree.
SCREENS = Path(os.environ.get("TIEGRAPH_SCREENS", Path(tempfile.gettempdir()) / "tiegraph-screens"))
T = TypeVar("T")


@dataclass
class Explorer:
    """The running app: its URL, a token per role, and who those tokens belong to."""

    url: str
    tokens: dict[Role, str]
    members: dict[Role, str]
    blocked: list[str] = field(default_factory=list)

    def gql(self, role: Role, query: str, **variables: Any) -> dict[str, Any]:
        """What the API answers `role` (the page must show the same)."""
        response = httpx.post(f"{self.url}/graphql", json={"query": query, "variables": variables},
                              headers={"authorization": f"Bearer {self.tokens[role]}"}, timeout=60)  # fmt: skip
        body: dict[str, Any] = response.json()
        assert body.get("errors") is None, body
        data: dict[str, Any] = body["data"]
        return data


def _in_thread(make: Callable[[], Awaitable[T]]) -> T:
    # The suite's own event loop belongs to pytest-asyncio: this setup runs on its own loop.
    out: list[T] = []
    worker = threading.Thread(target=lambda: out.append(asyncio.run(make())))  # type: ignore[arg-type]
    worker.start()
    worker.join()
    assert out, "the demo setup failed (see the log above)"
    return out[0]


async def _load_demo(settings: Settings) -> dict[Role, tuple[str, str]]:
    driver = create_driver(settings)
    try:
        await driver.execute_query("MATCH (n) DETACH DELETE n", database_=settings.neo4j_database)
        await apply_schema(driver, settings.neo4j_database)
        repo = GraphRepository(driver, settings.neo4j_database)
        await init_firm(repo, [DEMO_FIRM_DOMAIN])
        await Ingestor.for_settings(repo, settings).run(demo_records())
        # The rep: the current member with the most ties at Acme, so that their pages are full;
        # the manager: the next one.
        people = await driver.execute_query(
            "MATCH (m:TeamMember)-[:KNOWS]->(c:Contact) WHERE m.left_on IS NULL "
            "AND c.email ENDS WITH '@acme.example' "
            "RETURN m.email AS email, count(c) AS ties ORDER BY ties DESC, email LIMIT 2",
            database_=settings.neo4j_database)  # fmt: skip
        rep, manager = (record["email"] for record in people.records)
        members = {Role.REP: rep, Role.MANAGER: manager, Role.ADMIN: manager}
        firm = [DEMO_FIRM_DOMAIN]
        return {r: ((await issue_token(repo, m, r, firm))[0], m) for r, m in members.items()}
    finally:
        await driver.close()


@pytest.fixture(scope="package")
def explorer(settings: Settings) -> Iterator[Explorer]:
    """The demo firm served by the real app, with the built explorer."""
    if not (DEFAULT_WEB_DIR / "index.html").is_file():
        pytest.fail("the explorer is not built: run `make web` (make test does)")
    demo = settings.model_copy(update={"firm_domains": [DEMO_FIRM_DOMAIN]})
    tokens = _in_thread(lambda: _load_demo(demo))
    port = free_port()
    config = uvicorn.Config(create_app(demo), host="127.0.0.1", port=port, log_level="warning",
                            lifespan="on")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive(), "the API stopped while starting"
        assert time.monotonic() < deadline, "the API did not start within 60 s"
        time.sleep(0.05)
    yield Explorer(url=f"http://127.0.0.1:{port}", tokens={r: t for r, (t, _) in tokens.items()},
                   members={r: m for r, (_, m) in tokens.items()})  # fmt: skip
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Debian's chromium (installed with apt-get when missing), never a downloaded one."""
    chromium = require_tool("chromium", "chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield browser
        browser.close()


def _local_only(explorer: Explorer) -> Callable[[Route], None]:
    def handle(route: Route) -> None:
        host = urlsplit(route.request.url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            explorer.blocked.append(route.request.url)
            route.abort()

    return handle


def open_page(browser: Browser, explorer: Explorer, role: Role | None) -> Page:
    """A new page, signed in as `role` (None: not signed in), that may only reach 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.route("**/*", _local_only(explorer))
    if role is not None:
        context.add_init_script(
            f"sessionStorage.setItem('tiegraph.token', '{explorer.tokens[role]}')"
        )
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    return page


@pytest.fixture
def pages(browser: Browser, explorer: Explorer) -> Iterator[Callable[[Role | None], Page]]:
    """Opens pages as a role; at the end, no page may have asked for anything off 127.0.0.1."""
    opened: list[Page] = []

    def make(role: Role | None) -> Page:
        page = open_page(browser, explorer, role)
        opened.append(page)
        return page

    before = len(explorer.blocked)
    yield make
    for page in opened:
        page.context.close()
    assert explorer.blocked[before:] == [], "requests to other hosts than 127.0.0.1"


def screenshot(page: Page, name: str) -> None:
    """Keep a picture of the screen (`make screens`: for the README, docs/screens/NAME.png)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)
