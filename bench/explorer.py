"""The explorer's benchmark: what the app ships, and how fast its pages answer in a browser.

    .venv/bin/python -m bench.explorer                       # the shipped weight only
    .venv/bin/python -m bench.explorer --api-url http://127.0.0.1:8000 --token TOKEN \\
        --domain big-account.example --search acme [--runs 10]
    .venv/bin/python -m bench.explorer --api-url http://127.0.0.1:8000 \\
        --neo4j-uri bolt://127.0.0.1:7687 [--search-calls 200]   # token and domain made here
    .venv/bin/python -m bench.explorer --api-url URL --against OTHER_URL --neo4j-uri ...

Weight: the gzipped JavaScript and CSS the app page loads (web/dist/.vite/manifest.json: the
index entry and its imports; GraphiQL is another page and not counted), against 300 KB. With an
API: in Debian's chromium (headless, Playwright), the time from navigation to the account page's
relationship map drawn, and from a keystroke's search request to its results drawn (the
120 ms typing debounce excluded, reported apart). With `--neo4j-uri` (the database behind the
API) also `search` over HTTP as bench.queries calls it (what a person types: the first 2-6
letters of an address or a domain), and the token (a manager's) and the domain (the account
with the most contacts) are made and found there when not given. Figures go to
bench/out/explorer.json.
"""

import argparse
import asyncio
import gzip
import json
import statistics
import time
from pathlib import Path
from typing import Any

from app.web import DEFAULT_WEB_DIR

OUT = Path(__file__).parent / "out" / "explorer.json"
BUDGET_KB = 300
DEBOUNCE_MS = 120  # web/src/screens/search.ts


def shipped(web_dir: Path = DEFAULT_WEB_DIR) -> dict[str, int]:
    """Gzipped bytes of each JavaScript and CSS file the app page loads."""
    manifest: dict[str, Any] = json.loads((web_dir / ".vite" / "manifest.json").read_text())
    files: set[str] = set()

    def walk(key: str) -> None:
        entry = manifest[key]
        if entry["file"] in files:
            return
        files.add(entry["file"])
        files.update(entry.get("css", []))
        for imported in entry.get("imports", []):
            walk(imported)

    walk("index.html")
    return {name: len(gzip.compress((web_dir / name).read_bytes(), 9)) for name in sorted(files)}


def _in_browser(api: str, token: str, domain: str, text: str, runs: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from app.local.system import require_tool

    account, search = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=require_tool("chromium", "chromium"),
                                    args=["--no-sandbox"])  # fmt: skip
        context = browser.new_context()
        context.add_init_script(f"sessionStorage.setItem('tiegraph.token', '{token}')")
        page = context.new_page()
        page.set_default_timeout(60_000)
        for _ in range(runs):
            started = time.perf_counter()
            page.goto(f"{api}/account/{domain}")
            page.wait_for_selector("#map[data-nodes]")
            account.append((time.perf_counter() - started) * 1000)
        page.goto(f"{api}/search")
        page.wait_for_selector("#results", state="attached")  # the screen is drawn after `me`
        for run in range(runs):
            typed = f"{text}{' ' * (run % 2)}"  # a different text each time: no cached answer
            search.append(page.evaluate(_TYPE_AND_WAIT, typed) - DEBOUNCE_MS)
        browser.close()
    return {"account_page_ms": _summary(account), "search_ms": _summary(search)}


def _account_pages(sites: dict[str, str], token: str, domain: str, runs: int) -> dict[str, Any]:
    """The account page of each site (another build's app, the same database), navigations
    alternating between them so both see the same load: ms from navigation to the map drawn."""
    from playwright.sync_api import sync_playwright

    from app.local.system import require_tool

    times: dict[str, list[float]] = {name: [] for name in sites}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=require_tool("chromium", "chromium"),
                                    args=["--no-sandbox"])  # fmt: skip
        pages = {}
        for name, api in sites.items():
            context = browser.new_context()
            context.add_init_script(f"sessionStorage.setItem('tiegraph.token', '{token}')")
            pages[name] = context.new_page()
            pages[name].set_default_timeout(60_000)
            pages[name].goto(f"{api}/account/{domain}")  # warm-up, not counted
            pages[name].wait_for_selector("#map[data-nodes]")
        for run in range(runs):
            for name in list(sites)[:: 1 if run % 2 == 0 else -1]:
                pages[name].goto("about:blank")
                started = time.perf_counter()
                pages[name].goto(f"{sites[name]}/account/{domain}")
                pages[name].wait_for_selector("#map[data-nodes]")
                times[name].append((time.perf_counter() - started) * 1000)
        browser.close()
    return {name: _summary(found) for name, found in times.items()}


# Types `text` into the search box and resolves with the ms until its results are drawn.
_TYPE_AND_WAIT = """text => new Promise(done => {
  const input = document.querySelector('#search'), results = document.querySelector('#results');
  const started = performance.now();
  new MutationObserver((_, observer) => {
    if (results.dataset.text === text) { observer.disconnect(); done(performance.now() - started); }
  }).observe(results, { attributes: true, childList: true });
  input.value = text;
  input.dispatchEvent(new Event('input'));
})"""


async def _from_database(uri: str, token: str | None, domain: str | None, calls: int,
                         api: str) -> tuple[str, str, dict[str, float]]:  # fmt: skip
    from bench.queries import _measure, draw_calls, manager_token, sample_arguments

    sample = await sample_arguments(uri)
    token = token or await manager_token(uri)
    domain = domain or sample["big"][0]
    searches = {"search": draw_calls(sample, calls, seed=7)["search"]}
    return token, domain, _measure(api, token, searches)["search"]


def _summary(values: list[float]) -> dict[str, Any]:
    ordered = sorted(values)
    return {"p50": statistics.median(ordered), "max": ordered[-1], "runs": len(ordered),
            "each_ms": [round(v) for v in values]}  # fmt: skip


def main() -> None:
    """Print and save the figures."""
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--api-url")
    args.add_argument("--token")
    args.add_argument("--domain")
    args.add_argument("--search", default="ac")
    args.add_argument("--runs", type=int, default=10)
    args.add_argument("--neo4j-uri")
    args.add_argument("--search-calls", type=int, default=200)
    args.add_argument("--against", help="another API (say, main's build) whose account page is "
                      "timed alternately with --api-url's; nothing else is measured")  # fmt: skip
    options = args.parse_args()
    weights = shipped()
    total_kb = sum(weights.values()) / 1024
    result: dict[str, Any] = {
        "files": weights, "total_gzip_kb": round(total_kb, 1), "budget_kb": BUDGET_KB,
        "within_budget": total_kb <= BUDGET_KB,
    }  # fmt: skip
    token, domain = options.token, options.domain
    if options.api_url and options.neo4j_uri:
        token, domain, over_http = asyncio.run(_from_database(
            options.neo4j_uri, token, domain, options.search_calls, options.api_url))  # fmt: skip
        result |= {"domain": domain, "search_http_ms": over_http}
    if options.api_url and options.against:
        sites = {"api": options.api_url, "against": options.against}
        result |= {"account_page_ms": _account_pages(sites, token, domain, options.runs)}
    elif options.api_url:
        result |= _in_browser(options.api_url, token, domain, options.search, options.runs)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
