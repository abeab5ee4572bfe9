"""RSS and Atom feeds: the list of feeds to watch, and each feed's items, read with feedparser.

An item is known by a key derived from its guid (else its link, else its title and date), so a
feed that reorders or trims its items, or is polled again after a restart, never yields the
same item twice. What has been seen, and the feed's ETag and Last-Modified, are kept by the
store (see :class:`FeedState`); this module only reads.
"""

from __future__ import annotations

import calendar
import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser

from trucewatch.errors import InputError


@dataclass(frozen=True)
class FeedState:
    """What the last poll of a feed left: its validators for a conditional GET, when, and how it went."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    checked_at: datetime | None = None
    status: str | None = None


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: where its page is, and what the feed itself says of it.

    ``content`` is the entry's full content when the feed carries it, else its summary; it
    stands in for the page when the page cannot be fetched or read.
    """

    feed: str
    key: str
    link: str | None
    title: str | None
    published: datetime | None
    content: str | None


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title (the outlet) and items, oldest first."""

    url: str
    title: str | None
    items: tuple[FeedItem, ...]
    warning: str | None = None


def feed_id(url: str) -> str:
    """The key of a feed in the store: 16 hex characters of its URL's hash."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def read_feed_list(path: Path) -> list[str]:
    """The feed URLs of a file, one a line; blank lines and ``#`` comments are skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the feed list: {exc.strerror or exc}") from exc
    urls = [line.split("#", 1)[0].strip() for line in lines]
    urls = [u for u in urls if u]
    bad = [u for u in urls if not u.startswith(("http://", "https://"))]
    if bad:
        raise InputError(f"{path}: not an http(s) URL: {bad[0]}")
    if not urls:
        raise InputError(f"{path}: no feed URLs (one a line)")
    return list(dict.fromkeys(urls))


def parse_feed(data: bytes, url: str) -> Feed:
    """The items of an RSS or Atom document, or InputError when it is not one.

    feedparser reads much broken XML anyway; a document it can read nothing from is an error,
    one it read despite a problem comes back with a ``warning``.
    """
    parsed = feedparser.parse(data, sanitize_html=False)
    problem = parsed.get("bozo_exception")
    if not parsed.entries and (problem is not None or not parsed.get("version")):
        if data.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
            raise InputError("not an RSS or Atom feed (an HTML page)")
        raise InputError(
            f"malformed XML ({_describe(problem)})" if problem is not None else "not an RSS or Atom feed"
        )
    title = parsed.feed.get("title") or None
    items = [_item(url, entry) for entry in parsed.entries]
    items.sort(key=lambda i: (i.published is None, i.published or datetime.min))
    return Feed(url, title, tuple(items), _describe(problem) if problem is not None else None)


def _describe(problem: Any) -> str:
    text = str(problem).strip() or type(problem).__name__
    return text.splitlines()[0][:200]


def _item(feed: str, entry: Any) -> FeedItem:
    link = entry.get("link") or None
    title = entry.get("title") or None
    published = _moment(entry.get("published_parsed") or entry.get("updated_parsed"))
    identity = entry.get("id") or link or f"{title}|{published}"
    contents = entry.get("content") or []
    content = (contents[0].get("value") if contents else None) or entry.get("summary") or None
    return FeedItem(
        feed=feed,
        key=hashlib.sha256(str(identity).encode("utf-8")).hexdigest()[:16],
        link=link,
        title=title,
        published=published,
        content=content,
    )


def _moment(value: time.struct_time | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), UTC).replace(tzinfo=None)
