"""The explorer is served at / beside the API: built files, the app for any screen's path, and
a clear page when it has not been built."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from app.main import create_app
from tests.integration.conftest import client
from tiegraph.settings import Settings


@pytest.fixture
async def built(settings: Settings, tmp_path: Path) -> AsyncIterator[FastAPI]:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<title>explorer</title>")
    (tmp_path / "graphiql.html").write_text("<title>bundled graphiql</title>")
    (tmp_path / "assets" / "app-1a2b.js").write_text("console.log(1)")
    (tmp_path.parent / "secret.txt").write_text("no")
    app = create_app(settings.model_copy(update={"web_dir": tmp_path}))
    async with app.router.lifespan_context(app):
        yield app


PAGE = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}  # what a browser asks for


async def test_screens_get_the_app_and_assets_are_immutable(built: FastAPI) -> None:
    async with client(built, None) as http:
        for path in ["/", "/contact/ada%40acme.example", "/risk?tier=strategic"]:
            page = await http.get(path, headers=PAGE)
            assert (page.status_code, page.text) == (200, "<title>explorer</title>"), path
        asset = await http.get("/assets/app-1a2b.js")
        assert asset.status_code == 200
        assert "immutable" in asset.headers["cache-control"]
        missing = await http.get("/assets/missing.js", headers=PAGE)
        assert (missing.status_code, missing.json()["error"]["code"]) == (404, "NOT_FOUND")
        # A path out of the build folder is no file of it: the app answers, never the file.
        assert (await http.get("/..%2Fsecret.txt", headers=PAGE)).text == "<title>explorer</title>"
        assert (await http.get("/healthz")).json() == {"status": "ok"}


async def test_an_unknown_path_asked_by_no_browser_is_the_api_404(built: FastAPI) -> None:
    async with client(built, None) as http:
        unknown = await http.get("/no/such/route")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "NOT_FOUND")


async def test_graphiql_is_the_bundled_page(built: FastAPI) -> None:
    async with client(built, None) as http:
        page = await http.get("/graphql", headers={"accept": "text/html"})
    assert page.text == "<title>bundled graphiql</title>"


async def test_a_missing_bundle_says_how_to_build_it(settings: Settings, tmp_path: Path) -> None:
    app = create_app(settings.model_copy(update={"web_dir": tmp_path / "nothing"}))
    async with app.router.lifespan_context(app), client(app, None) as http:
        page = await http.get("/account/acme.example", headers=PAGE)
        ide = await http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == ide.status_code == 503
    assert "make web" in page.text
