"""What keeps a running server safe: the write token, the body size limit, response headers.

A newsroom runs trucewatch on its own machine, bound to 127.0.0.1, where only that machine can
reach it. Bound to any other address, anyone on the network could post articles, so writes
then need the token from the configuration, and the app refuses to start without one.
"""

from __future__ import annotations

import ipaddress
import json
import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trucewatch.config import MIN_TOKEN_LENGTH
from trucewatch.errors import ConfigError

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})

# The dashboard's own scripts and Plotly only, nothing from elsewhere; Plotly sets inline
# styles on what it draws, hence 'unsafe-inline' for styles (not for scripts).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


def is_loopback(host: str) -> bool:
    """True when ``host`` (an address or name the server binds to) is reachable only locally."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


def checked_token(token: str | None, host: str) -> str | None:
    """The token writes will need, after refusing settings that would leave a server open."""
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise ConfigError(f"api_token must be at least {MIN_TOKEN_LENGTH} characters long")
    if token is None and not is_loopback(host):
        raise ConfigError(
            f"refusing to serve on {host} without an API token: set api_token in trucewatch.toml "
            "or TRUCEWATCH_API_TOKEN, or bind to 127.0.0.1"
        )
    return token


_bearer = HTTPBearer(auto_error=False, description="The api_token of the server's configuration.")


def guard_write(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    """FastAPI dependency of every write.

    A browser page from another site may not write (403): a server on 127.0.0.1 without a token
    would otherwise take articles from any web page its user opens, since a plain-text POST
    needs no preflight. Then the configured token, when there is one, must come as
    ``Authorization: Bearer TOKEN`` (401 when missing, 403 when wrong).
    """
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        raise HTTPException(403, f"writes from another site ({origin}) are refused")
    expected: str | None = request.app.state.api_token
    if expected is None:
        return
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise HTTPException(
            401,
            "this server needs its API token for writes: send Authorization: Bearer TOKEN",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not secrets.compare_digest(credentials.credentials.encode(), expected.encode()):
        raise HTTPException(403, "the API token is not valid")


class BodyLimit:
    """ASGI middleware refusing request bodies over ``max_bytes`` with 413, whether the client
    announces the size (Content-Length) or streams it in chunks."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _message(self) -> str:
        return f"request body over the limit of {self.max_bytes} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            status = 413 if declared.isdigit() else 400
            message = self._message() if status == 413 else "Content-Length is not a number"
            await _send_json(send, status, message)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # An HTTPException passes through FastAPI's body parsing to the error handlers.
                    raise HTTPException(413, self._message())
            return message

        await self.app(scope, limited, send)


async def _send_json(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + SECURITY_HEADERS})
    await send({"type": "http.response.body", "body": body})


class LoopbackHostsOnly:
    """ASGI middleware for a server bound to loopback: a request must name a loopback host.

    Otherwise a web page whose name an attacker points at 127.0.0.1 (DNS rebinding) could
    read the dashboard and its data from the user's own browser as if it were its own site.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
            try:
                name = urlsplit(f"//{host}").hostname or ""
            except ValueError:
                name = ""
            if not is_loopback(name):
                await _send_json(send, 400, f"this server answers to 127.0.0.1 and localhost, not {host!r}")
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """ASGI middleware adding the headers of SECURITY_HEADERS to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)
