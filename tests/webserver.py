"""A real HTTP server on 127.0.0.1 for the feed and page tests, with routes a test writes.

A route answers a fixed page, a feed with ETag and Last-Modified (and 304 to a conditional
GET that matches), a redirect, a status, or a body that never finishes. Every request is
logged (path, headers, time) so tests can check what trucewatch asked for and when.
"""

from __future__ import annotations

import email.utils
import html
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    """How the server answers one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None
    trickle: bool = False  # send a byte now and then, never finishing
    delay: float = 0.0


@dataclass
class Hit:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    at: float


@dataclass
class Server:
    """The running server: its base URL, its routes and the requests it saw."""

    base: str
    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base + path

    def requests(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: Any) -> None:
            pass

        def do_GET(self) -> None:
            server.hits.append(
                Hit(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
            )
            route = server.routes.get(self.path)
            if route is None:
                self._send(404, b"not found", "text/plain")
                return
            if route.delay:
                time.sleep(route.delay)
            if route.location:
                self.send_response(route.status if route.status in (301, 302, 307, 308) else 302)
                self.send_header("Location", route.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if route.trickle:
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", "100000")
                self.end_headers()
                while not server.stop.is_set():
                    try:
                        self.wfile.write(b" ")
                        self.wfile.flush()
                    except OSError:
                        return
                    time.sleep(0.1)
                return
            if "If-None-Match" in self.headers:  # it takes precedence (RFC 9110)
                fresh = route.etag is not None and self.headers["If-None-Match"] == route.etag
            else:
                fresh = (
                    route.last_modified is not None
                    and self.headers.get("If-Modified-Since") == route.last_modified
                )
            if fresh:
                self.send_response(304)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            extra = {}
            if route.etag:
                extra["ETag"] = route.etag
            if route.last_modified:
                extra["Last-Modified"] = route.last_modified
            self._send(route.status, route.body, route.content_type, extra)

        def _send(
            self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


def serve() -> Iterator[Server]:
    """Start a server on a free port of 127.0.0.1 (a generator for a pytest fixture)."""
    state = Server("")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stop.set()
        httpd.shutdown()
        httpd.server_close()


def http_date(moment: float) -> str:
    """An HTTP date (for Last-Modified)."""
    return email.utils.formatdate(moment, usegmt=True)


def article_page(title: str, text: str, published: str, site: str = "Test Herald") -> bytes:
    """An article page with the metadata trafilatura reads: title, site name, publication time."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())
    return (
        "<!doctype html><html><head>"
        f"<title>{html.escape(title)} | {site}</title>"
        f'<meta property="og:title" content="{html.escape(title)}">'
        f'<meta property="og:site_name" content="{site}">'
        f'<meta property="article:published_time" content="{published}">'
        "</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{html.escape(title)}</h1>{paragraphs}</article>"
        "<footer>Copyright Test Herald</footer></body></html>"
    ).encode()


def rss(title: str, items: list[dict[str, str]]) -> bytes:
    """An RSS 2.0 feed; each item: guid, link, title, pubDate, and optional description."""
    parts = []
    for item in items:
        description = item.get("description")
        parts.append(
            "<item>"
            f"<guid>{html.escape(item['guid'])}</guid><link>{html.escape(item['link'])}</link>"
            f"<title>{html.escape(item['title'])}</title><pubDate>{item['pubDate']}</pubDate>"
            + (f"<description>{html.escape(description)}</description>" if description else "")
            + "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{html.escape(title)}</title><link>http://example.org/</link>"
        f"<description>test feed</description>{''.join(parts)}</channel></rss>"
    ).encode()
