"""Errors leave the app in one shape: ``{"error": message}`` with the right status for the API
and downloads, the same message on an HTML page for the dashboard.

Library errors map to statuses here, once: an unknown id is 404, a value the library cannot use
is 422, a database that cannot be reached is 503. Anything else is a bug: it is logged with its
traceback and the client gets a plain 500 without internals.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from trucewatch.errors import ConfigError, InputError, NotFound, StoreError
from trucewatch.web.templating import templates

log = logging.getLogger(__name__)

STATUS_OF: list[tuple[type[Exception], int]] = [
    (NotFound, 404),
    (ConfigError, 422),
    (InputError, 422),
    (StoreError, 503),
]
# Paths whose clients are programs: they get JSON errors; everything else is a page.
MACHINE_PREFIXES = ("/api", "/download", "/geo", "/vendor", "/static", "/openapi")


def error_response(request: Request, status: int, message: str, **extra: Any) -> Response:
    """The error as JSON for programs, as a page for people."""
    headers = extra.pop("headers", None)
    if request.url.path.startswith(MACHINE_PREFIXES):
        return JSONResponse({"error": message, **extra}, status_code=status, headers=headers)
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "message": message, "details": extra.get("details", [])},
        status_code=status,
        headers=headers,
    )


def _describe(errors: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    details = [
        {"location": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "invalid")}
        for e in errors
    ]
    summary = "; ".join(f"{d['location']}: {d['message']}" for d in details[:5])
    return f"invalid request: {summary}", details


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into the shape above."""

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return error_response(request, exc.status_code, str(exc.detail), headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        message, details = _describe(list(exc.errors()))
        return error_response(request, 422, message, details=details)

    for kind, status in STATUS_OF:

        async def library_error(request: Request, exc: Exception, status: int = status) -> Response:
            return error_response(request, status, str(exc))

        app.add_exception_handler(kind, library_error)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return error_response(request, 500, "internal server error")
