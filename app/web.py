"""The explorer: the web app built from web/ (`make web`), served at `/` beside the API.

Every path that is not an API route answers with a built file when one matches, else, for a
browser asking for a page, with the app's index.html, so that a link such as
/contact/ada@acme.example opens the right screen (the app routes in the browser). Any other
client gets the API's documented 404 error: an unknown API path is not a screen. GraphiQL is a
second page of the same build, served at GET /graphql, so neither needs anything from a CDN.
"""

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.exceptions import HTTPException

log = logging.getLogger(__name__)

DEFAULT_WEB_DIR = Path(__file__).resolve().parents[1] / "web" / "dist"
INDEX = "index.html"
GRAPHIQL = "graphiql.html"
ASSETS = "assets/"  # Vite's output folder for scripts, styles and images

NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>tiegraph: explorer not built</title>
<h1>The explorer is not built</h1>
<p>No {index} in <code>{web_dir}</code>. Build it with <code>make web</code> (it runs
<code>npm ci</code> and <code>npm run build</code> in <code>web/</code>; Node 20 or later), or
point <code>TIEGRAPH_WEB_DIR</code> at a built copy. The API itself works: GraphQL is at
<code>/graphql</code>.</p>
"""


def not_built(web_dir: Path) -> HTMLResponse:
    """The page shown instead of the app when its bundle is missing (503: retry after a build)."""
    return HTMLResponse(NOT_BUILT.format(index=INDEX, web_dir=web_dir), status_code=503)


def built_file(web_dir: Path, path: str) -> Path | None:
    """The built file `path` names, or None; never a file outside `web_dir`."""
    root = web_dir.resolve()
    candidate = (root / path).resolve()
    if candidate != root and root in candidate.parents and candidate.is_file():
        return candidate
    return None


def graphiql_page(web_dir: Path) -> HTMLResponse:
    """The bundled GraphiQL page (the not-built page when the bundle is missing)."""
    page = web_dir / GRAPHIQL
    if not page.is_file():
        return not_built(web_dir)
    return HTMLResponse(page.read_text(encoding="utf-8"))


def mount_explorer(app: FastAPI, web_dir: Path) -> None:
    """Serve the explorer at `/`. Register last: it answers every GET no other route takes."""
    if not (web_dir / INDEX).is_file():
        log.warning("the explorer is not built (no %s in %s): run `make web`", INDEX, web_dir)

    @app.get("/{path:path}", include_in_schema=False)
    async def explorer(path: str, request: Request) -> Response:
        found = built_file(web_dir, path)
        if found is not None:
            # Vite names assets by content hash, so they never change under the same name.
            immutable = path.startswith(ASSETS)
            headers = {"cache-control": "public, max-age=31536000, immutable"} if immutable else {}
            return FileResponse(found, headers=headers)
        if path.startswith(ASSETS) or "text/html" not in request.headers.get("accept", ""):
            raise HTTPException(404)  # a missing file or API path, not a screen of the app
        index = web_dir / INDEX
        if not index.is_file():
            return not_built(web_dir)
        return FileResponse(index, headers={"cache-control": "no-cache"})
