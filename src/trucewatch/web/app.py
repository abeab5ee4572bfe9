"""The application factory: one FastAPI app serving the REST API, the dashboard, its static
files, Plotly's JavaScript and the map's country outlines, all from this machine.

Request flow, outermost first: security headers, the Host check (loopback servers), the body
size limit, gzip, then the routes (``api_routes`` under /api, ``downloads`` under /download,
``pages`` for the rest), with the error handlers of ``errors`` shaping every failure.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from trucewatch import __version__
from trucewatch.api import Trucewatch
from trucewatch.config import Settings
from trucewatch.errors import DataFileError
from trucewatch.web import api_routes, downloads, errors, pages
from trucewatch.web.geo import TOPOJSON_NAME, world_topojson
from trucewatch.web.security import BodyLimit, LoopbackHostsOnly, SecurityHeaders, checked_token, is_loopback
from trucewatch.web.workspace import Workspace

STATIC = Path(__file__).with_name("static")
# Plotly's and the outlines' files change only with the installed packages: let browsers keep them.
LONG_CACHE = {"Cache-Control": "public, max-age=86400"}

DESCRIPTION = """\
Sourced records of who did what to whom in wars and ceasefires, read from news articles.

Every list is paged (`limit` and `offset`, with a hard maximum page size) and every error is
JSON: `{"error": "what went wrong"}` with 404 for an unknown id, 422 for a bad parameter, 413
for a body over the server's limit, and 401 or 403 for a write without the right token.
"""


def plotly_js() -> Path:
    """Plotly's JavaScript as the installed ``plotly`` package ships it (never a CDN)."""
    path = Path(str(resources.files("plotly").joinpath("package_data", "plotly.min.js")))
    if not path.is_file():
        raise DataFileError(f"{path}: Plotly's JavaScript is missing from the plotly package")
    return path


def create_app(source: Settings | Callable[[], Trucewatch], *, host: str = "127.0.0.1") -> FastAPI:
    """The web app over the workspace that ``source`` opens: Settings (the database and the web
    settings: ``api_token``, ``max_body_bytes``), or a function returning an open Trucewatch,
    whose settings are then read when the app starts.

    ``host`` is the address the server will bind to: beyond loopback the configuration must
    hold an API token (ConfigError otherwise), and writes must carry it wherever one is set.
    """
    if isinstance(source, Settings):
        settings = source
        holder = Workspace(lambda: Trucewatch(settings))
    else:
        holder = Workspace(source)
        settings = holder.get().settings
    token = checked_token(settings.api_token, host)
    script = plotly_js()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        holder.close()

    app = FastAPI(
        title="trucewatch",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        # FastAPI's documentation pages load their scripts from a CDN; the OpenAPI document
        # itself (/openapi.json) is served, and any OpenAPI viewer reads it.
        docs_url=None,
        redoc_url=None,
    )
    app.state.workspace = holder
    app.state.api_token = token
    app.state.max_body_bytes = settings.max_body_bytes

    errors.install(app)
    app.include_router(api_routes.router)
    app.include_router(downloads.router)

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_script() -> FileResponse:
        return FileResponse(script, media_type="text/javascript", headers=LONG_CACHE)

    @app.get(f"/geo/{TOPOJSON_NAME}", include_in_schema=False)
    def outlines() -> Response:
        return Response(world_topojson(), media_type="application/json", headers=LONG_CACHE)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(pages.router)

    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    if is_loopback(host):
        app.add_middleware(LoopbackHostsOnly)
    app.add_middleware(SecurityHeaders)
    return app
