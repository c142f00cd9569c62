"""Signing in, the menu by role, search as you type and the bundled GraphiQL."""

from collections.abc import Callable

from playwright.sync_api import Page, expect

from bench.explorer import BUDGET_KB, shipped
from tests.browser.conftest import Explorer, screenshot
from tiegraph.access import Role

Pages = Callable[[Role | None], Page]


def test_sign_in_with_a_token_and_the_menu_follows_me(pages: Pages, explorer: Explorer) -> None:
    page = pages(None)
    page.goto(explorer.url + "/")
    screenshot(page, "sign-in")
    page.fill("#token", explorer.tokens[Role.REP])
    page.click("button[type=submit]")
    expect(page.locator("nav .who")).to_have_text(f"{explorer.members[Role.REP]} · rep")
    assert page.locator("nav a").all_inner_texts() == ["Search", "Feed", "GraphiQL"]
    assert "tg_" not in page.url  # the token never goes into a URL
    manager = pages(Role.MANAGER)
    manager.goto(explorer.url + "/")
    expect(manager.locator("nav .who")).to_contain_text("manager")
    assert manager.locator("nav a").all_inner_texts() == [
        "Search", "Feed", "Risk board", "Departures", "GraphiQL"]  # fmt: skip


def test_a_bad_token_is_refused_with_the_reason(pages: Pages, explorer: Explorer) -> None:
    page = pages(None)
    page.goto(explorer.url + "/")
    page.fill("#token", "tg_not-a-token")
    page.click("button[type=submit]")
    expect(page.locator(".error")).to_contain_text("That token did not work")


def test_search_as_you_type_shows_what_the_api_finds(pages: Pages, explorer: Explorer) -> None:
    page = pages(Role.REP)
    page.goto(explorer.url + "/search")
    page.type("#search", "acme", delay=30)
    expect(page.locator("#results")).to_have_attribute("data-text", "acme")
    found = explorer.gql(Role.REP, "{ search(text: \"acme\", first: 20) { kind person { email } "
                         "account { domain } } }")["search"]  # fmt: skip
    assert len(found) > 1
    kinds = page.locator("#results li").evaluate_all("items => items.map(i => i.dataset.kind)")
    assert kinds == [hit["kind"] for hit in found]
    links = page.locator("#results li a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert links[0] == "/account/acme.example"
    screenshot(page, "search")


def test_graphiql_is_bundled_and_signed_in(pages: Pages, explorer: Explorer) -> None:
    page = pages(Role.REP)
    page.goto(explorer.url + "/graphql")
    expect(page.locator(".graphiql-container")).to_be_visible()
    page.get_by_text("Headers", exact=True).click()
    expect(page.locator(".graphiql-editor-tool")).to_contain_text(explorer.tokens[Role.REP])


def test_the_shipped_app_weighs_at_most_300_kb_gzipped() -> None:
    weights = shipped()
    assert any(name.endswith(".js") for name in weights)
    assert sum(weights.values()) <= BUDGET_KB * 1024, weights
