"""Watching feeds: poll each on an interval and hand every new item's article to be stored.

One poll of a feed (:meth:`Watcher.poll`):

1. a conditional GET with the ETag and Last-Modified of the last complete poll; 304 ends it;
2. the items are read (:mod:`trucewatch.ingest.feeds`); those already seen are skipped;
3. each new item's page is fetched and read with trafilatura; when the page cannot be fetched
   or holds no article, the feed's own content for the item stands in;
4. the article goes to ``store``, which stores it and marks the item seen in one transaction;
   an item that can never give an article is marked seen as rejected;
5. only when no item is left to retry are the feed's new validators saved, so that an item
   whose page failed is tried again at the next poll instead of hiding behind a 304.

A feed that is down, answers garbage or hangs costs one log line, never the watch; so does a
database that is busy or away (a PostgreSQL server down or restarting mid-poll, a SQLite file
another process holds longer than the busy timeout): the poll fails and the next one takes up
what is left. Because items are marked seen with their article and validators are saved last,
a watch killed at any moment and started again stores nothing twice and loses nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

import lxml.etree
import lxml.html

from trucewatch.errors import FetchError, InputError, StoreError
from trucewatch.ingest.clean import build_article
from trucewatch.ingest.feeds import Feed, FeedItem, FeedState, parse_feed
from trucewatch.ingest.fetch import Fetcher
from trucewatch.ingest.metadata import Metadata
from trucewatch.ingest.pages import page_article
from trucewatch.ingest.sources import ReadOptions, article_from_text
from trucewatch.model import Article

log = logging.getLogger(__name__)

# The elements of an item's HTML content that make paragraphs.
BLOCKS = ("p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6")


class FeedLog(Protocol):
    """Where feed state lives (the store implements it)."""

    def feed_state(self, url: str) -> FeedState | None:
        """The state the last complete poll of ``url`` saved."""

    def seen_items(self, url: str, keys: Collection[str]) -> set[str]:
        """Which of ``keys`` have been handled for the feed ``url``."""

    def mark_seen(self, item: FeedItem, outcome: str, article_id: str | None = None) -> None:
        """Record an item handled without an article being stored (rejected)."""

    def save_feed_state(self, state: FeedState) -> None:
        """Keep the outcome and validators of a poll."""


# Stores an item's article and marks the item seen, in one transaction; returns the outcome.
StoreItem = Callable[[Article, FeedItem], str]
# Which count of a poll each outcome of StoreItem adds to.
OUTCOME_COUNTS = {
    "added": "stored",
    "replaced": "stored",
    "unchanged": "stored_before",
    "rejected": "rejected",
}


@dataclass(frozen=True)
class PollResult:
    """What one poll of one feed did."""

    url: str
    status: str  # "ok", "not modified" or "failed"
    new: int = 0
    stored: int = 0
    known: int = 0
    stored_before: int = 0
    fallback: int = 0
    rejected: int = 0
    retry: int = 0
    problem: str | None = None

    def line(self) -> str:
        """The one log line for this poll."""
        if self.status == "not modified":
            return f"{self.url}: not modified"
        if self.status == "failed":
            return f"{self.url}: failed: {self.problem}"
        parts = [f"{self.new} new", f"{self.stored} stored", f"{self.known} already seen"]
        if self.stored_before:
            parts.append(f"{self.stored_before} stored before from elsewhere")
        if self.fallback:
            parts.append(f"{self.fallback} from the feed's own text")
        if self.rejected:
            parts.append(f"{self.rejected} rejected")
        if self.retry:
            parts.append(f"{self.retry} to retry")
        text = f"{self.url}: " + ", ".join(parts)
        return text + (f" ({self.problem})" if self.problem else "")


class _Permanent(Exception):
    """The item can never give an article (its page and its feed text are both unusable)."""


class Watcher:
    """Polls feeds with a :class:`Fetcher`, keeping state in a :class:`FeedLog`."""

    def __init__(self, fetcher: Fetcher, state: FeedLog, store: StoreItem, options: ReadOptions) -> None:
        self.fetcher = fetcher
        self.state = state
        self.store = store
        self.options = options

    def run(
        self,
        urls: Iterable[str],
        interval: float,
        once: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Iterator[PollResult]:
        """Poll every feed, then again every ``interval`` seconds (one round when ``once``)."""
        feeds = list(urls)
        while True:
            started = time.monotonic()
            for url in feeds:
                result = self.poll(url)
                log.info("%s", result.line())
                yield result
            if once:
                return
            sleep(max(0.0, interval - (time.monotonic() - started)))

    def poll(self, url: str) -> PollResult:
        """One poll of one feed; problems come back in the result, never as exceptions."""
        try:
            return self._poll(url)
        except StoreError as exc:  # its state could not be read or kept: the next poll redoes it
            return PollResult(url, "failed", problem=str(exc))

    def _poll(self, url: str) -> PollResult:
        old = self.state.feed_state(url) or FeedState(url)
        headers = {}
        if old.etag:
            headers["If-None-Match"] = old.etag
        if old.last_modified:
            headers["If-Modified-Since"] = old.last_modified
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        try:
            answer = self.fetcher.get(url, headers)
            if answer.status == 304:
                self.state.save_feed_state(FeedState(url, old.etag, old.last_modified, now, "not modified"))
                return PollResult(url, "not modified")
            feed = parse_feed(answer.content, url)
        except (FetchError, InputError) as exc:
            self.state.save_feed_state(FeedState(url, old.etag, old.last_modified, now, f"failed: {exc}"))
            return PollResult(url, "failed", problem=str(exc))
        result = self._take_items(feed)
        done = result.retry == 0
        self.state.save_feed_state(
            FeedState(
                url,
                answer.headers.get("etag") if done else old.etag,
                answer.headers.get("last-modified") if done else old.last_modified,
                now,
                result.line(),
            )
        )
        return result

    def _take_items(self, feed: Feed) -> PollResult:
        seen = self.state.seen_items(feed.url, [i.key for i in feed.items])
        counts = {"stored": 0, "stored_before": 0, "fallback": 0, "rejected": 0, "retry": 0}
        problems = [feed.warning] if feed.warning else []
        new = [i for i in feed.items if i.key not in seen]
        for item in new:
            try:
                article, from_feed = self.article(item, feed.title)
            except FetchError as exc:  # the page failed and the feed has no text for it: later
                counts["retry"] += 1
                problems.append(str(exc))
                continue
            except _Permanent as exc:
                counts["rejected"] += 1
                problems.append(str(exc))
                self.state.mark_seen(item, "rejected")
                continue
            try:
                outcome = self.store(article, item)
            except StoreError as exc:  # the database is busy or away: the item is tried next time
                counts["retry"] += 1
                problems.append(str(exc))
                continue
            counts[OUTCOME_COUNTS[outcome]] += 1
            counts["fallback"] += from_feed
        return PollResult(
            feed.url,
            "ok",
            new=len(new),
            known=len(feed.items) - len(new),
            problem="; ".join(problems[:3]) or None,
            **counts,
        )

    def article(self, item: FeedItem, outlet: str | None) -> tuple[Article, bool]:
        """The item's article from its page, else from the feed's text; True when from the feed.

        FetchError when the page failed and the feed has no usable text (worth retrying);
        _Permanent when neither can ever give an article.
        """
        fallback = Metadata(item.title, item.link, outlet, item.published)
        source = item.link or f"{item.feed}#{item.key}"
        page_problem: Exception | None = None
        if item.link:
            try:
                return page_article(self.fetcher, item.link, self.options, fallback), False
            except (FetchError, InputError) as exc:
                page_problem = exc
        if item.content:
            try:
                options = ReadOptions(fallback.overlaid(self.options.overrides), None, self.options.rules)
                if "<" in item.content and ">" in item.content:
                    return _from_feed_html(item.content, source, options), True
                return article_from_text(item.content, "text", source, options), True
            except InputError as exc:
                if isinstance(page_problem, FetchError):
                    raise page_problem from exc
                raise _Permanent(f"{source}: {exc}") from exc
        if isinstance(page_problem, FetchError):
            raise page_problem
        raise _Permanent(f"{source}: {page_problem or 'no link and no content'}")


def _from_feed_html(html: str, source: str, options: ReadOptions) -> Article:
    """An article from an item's HTML content: feeds carry fragments, so the markup is only
    stripped, a paragraph per block (trafilatura would discard a fragment as page furniture)."""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError) as exc:
        raise InputError(f"unreadable HTML in the feed ({exc})") from exc
    blocks = [el.text_content().strip() for el in root.iter(*BLOCKS)]
    text = "\n\n".join(b for b in blocks if b) or root.text_content()
    return build_article(text, options.overrides, source, options.rules)
