"""Feed state in the database: validators of each feed's last poll, and the items already seen.

Keeping it in the database rather than in a file means it commits with the articles: an item is
marked seen in the same transaction that stores its article (see ``Store.save``), so a watch
killed at any moment restarts exactly where it stopped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import Connection, select, update

from trucewatch.groups import chunks
from trucewatch.ingest.feeds import FeedItem, FeedState, feed_id
from trucewatch.store.base import StoreBase
from trucewatch.store.schema import feed_items, feeds


class FeedStore(StoreBase):
    """The feed-state part of the store (implements ``ingest.watch.FeedLog``)."""

    def feed_state(self, url: str) -> FeedState | None:
        """What the last poll of ``url`` saved, or None for a feed never polled."""
        query = select(feeds).where(feeds.c.id == feed_id(url))
        with self._errors("read feed state"), self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return FeedState(row.url, row.etag, row.last_modified, row.checked_at, row.status)

    def save_feed_state(self, state: FeedState) -> None:
        """Keep the validators and outcome of a poll."""
        values = {
            "url": state.url,
            "etag": state.etag,
            "last_modified": state.last_modified,
            "checked_at": state.checked_at,
            "status": state.status,
        }
        key = feed_id(state.url)
        with self._errors("save feed state"), self.engine.begin() as conn:
            conn.execute(self._insert_ignoring(feeds, ["id"]), [{"id": key, **values}])
            conn.execute(update(feeds).where(feeds.c.id == key).values(**values))

    def seen_items(self, url: str, keys: Collection[str]) -> set[str]:
        """Which of ``keys`` were already handled for the feed ``url``."""
        found: set[str] = set()
        with self._errors("read feed items"), self.engine.connect() as conn:
            for part in chunks(list(keys)):
                query = select(feed_items.c.item_key).where(
                    (feed_items.c.feed_id == feed_id(url)) & feed_items.c.item_key.in_(part)
                )
                found |= {r.item_key for r in conn.execute(query)}
        return found

    def mark_seen(self, item: FeedItem, outcome: str, article_id: str | None = None) -> None:
        """Record an item as handled (used alone for items that give no article)."""
        with self._errors("save feed items"), self.engine.begin() as conn:
            self._mark_seen(conn, item, outcome, article_id)

    def _mark_seen(self, conn: Connection, item: FeedItem, outcome: str, article_id: str | None) -> None:
        row = {
            "feed_id": feed_id(item.feed),
            "item_key": item.key,
            "link": item.link,
            "article_id": article_id,
            "outcome": outcome,
            "seen_at": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        }
        conn.execute(self._insert_ignoring(feed_items, ["feed_id", "item_key"]), [row])
