"""The store: articles with their sentences and actor mentions in a SQL database.

SQLite by default, PostgreSQL for a team; the same code and schema for both. Each article is
written in one transaction, so an interrupted run never leaves half an article behind, and an
article already stored is left as it is unless it is explicitly reprocessed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, Select, create_engine, delete, event, func, insert, select, tuple_
from sqlalchemy.engine import make_url

from trucewatch.config import DEFAULT_BUSY_TIMEOUT
from trucewatch.errors import NotFound, StoreError
from trucewatch.groups import chunks
from trucewatch.ingest.feeds import FeedItem
from trucewatch.model import (
    Actor,
    Article,
    CeasefireMention,
    Event,
    Mention,
    ParsedArticle,
    Sentence,
    TextCountries,
    as_dict,
    ceasefire_mention_from_dict,
    dyad_key,
    event_from_dict,
)
from trucewatch.store import migrate
from trucewatch.store.escalation import EscalationStore
from trucewatch.store.feeds import FeedStore
from trucewatch.store.reports import REPORT_TABLES, ReportStore
from trucewatch.store.schema import (
    articles,
    ceasefire_mentions,
    ceasefires,
    claims,
    escalation_daily,
    escalation_events,
    event_actors,
    events,
    mentions,
    refresh_queue,
    sentences,
)

log = logging.getLogger(__name__)

SaveOutcome = Literal["added", "unchanged", "replaced"]


@dataclass(frozen=True)
class ArticleSummary:
    """One row of an article listing."""

    id: str
    title: str | None
    outlet: str | None
    published: dt.datetime | None
    url: str | None
    source: str
    ingested_at: dt.datetime
    sentences: int
    mentions: int


@dataclass(frozen=True)
class ArticleRef:
    """What an export cites of an article, and the countries its text points to."""

    url: str | None
    title: str | None
    outlet: str | None
    countries: TextCountries


@dataclass(frozen=True)
class ArticleInfo:
    """What analysis needs to know of a statement's article."""

    published: dt.datetime | None
    outlet: str | None
    title: str | None


@dataclass(frozen=True)
class ActorSummary:
    """An actor as seen across the stored articles."""

    key: str
    name: str
    country: str | None
    sector: str | None
    kind: str
    mentions: int
    articles: int


@dataclass(frozen=True)
class ArticleFilter:
    """Conditions on articles; unset fields do not filter."""

    outlet: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    country: str | None = None
    actor: str | None = None
    text: str | None = None
    limit: int | None = None
    offset: int = 0


EventOrder = Literal["date", "article", "category", "score", "confidence", "killed"]


@dataclass(frozen=True)
class EventFilter:
    """Conditions on events; unset fields do not filter."""

    actor: str | None = None
    country: str | None = None
    category: str | None = None
    status: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    article_id: str | None = None
    min_confidence: float | None = None
    # "date" and "article" are the reading orders; the others sort a table by that column,
    # ties by date, with ``descending`` for the other way round.
    order: EventOrder = "date"
    descending: bool = False
    limit: int | None = None
    offset: int = 0


# Rows read per query when streaming events: bounded memory, few round trips.
STREAM_PAGE = 2000


# Pages the write-ahead log grows to before SQLite copies it into the database file (its default
# is 1,000, 4 MB). Each copy waits for the disk, and a database of 1,000 articles is 62 MB:
# copying every 4 MB took a tenth of the writing (storing and rebuilding 1,000 articles: 3.9
# and 8.8 s of CPU against 3.4 and 8.3 s, and 2 to 3 s more waiting). The log stays under
# some 40 MB and is emptied when the last connection closes.
WAL_CHECKPOINT_PAGES = 10_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Write-ahead logging: readers (queries, the web app) and the writer (ingestion, a watch)
    # do not block each other, and a commit does not wait for the disk; a kill still loses at
    # most the transaction under way. The mode is kept in the file, so a read-only connection,
    # which cannot set it, reads the file as it is.
    with contextlib.suppress(sqlite3.OperationalError):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
    cursor.close()


class Store(FeedStore, ReportStore, EscalationStore):
    """A database of articles; open it with :func:`open_store`."""

    # writing
    def save(self, parsed: ParsedArticle, replace: bool = False, item: FeedItem | None = None) -> SaveOutcome:
        """Store one article in one transaction; an article already there is kept unless ``replace``.

        ``item``, the feed item the article came from, is marked seen in the same transaction.
        """
        article = parsed.article
        with self._errors(f"store article {article.id} ({article.source})"), self.engine.begin() as conn:
            [outcome] = self._save_in(conn, [parsed], replace)
            if item is not None:
                self._mark_seen(conn, item, outcome, article.id)
        return outcome

    def save_many(self, batch: Sequence[ParsedArticle], replace: bool = False) -> list[SaveOutcome]:
        """Store articles in one transaction (a batch of a large run); those already there are
        kept unless ``replace``.

        They go in in the order of their ids, whatever the order of the batch: an article row
        inserted but not yet committed makes another process inserting the same id wait, and two
        processes storing overlapping batches in opposite orders waited for each other
        (PostgreSQL ended one with "deadlock detected"). In one order, one of them goes first."""
        by_id = sorted(range(len(batch)), key=lambda i: batch[i].article.id)
        with self._errors(f"store {len(batch)} articles"), self.engine.begin() as conn:
            outcomes = self._save_in(conn, [batch[i] for i in by_id], replace)
        in_order: list[SaveOutcome] = ["unchanged"] * len(batch)
        for i, outcome in zip(by_id, outcomes, strict=True):
            in_order[i] = outcome
        return in_order

    def _save_in(self, conn: Connection, batch: Sequence[ParsedArticle], replace: bool) -> list[SaveOutcome]:
        """Store ``batch`` in the transaction ``conn``, in its order; the outcome of each article
        (an article twice in the batch is stored once).

        One statement a table for the whole batch, not one per article: on PostgreSQL each
        statement is a round trip to the server. Storing 640 parsed articles in batches of 16
        took 10.8 to 11.8 ms an article statement by statement, 8.5 to 9.0 this way (SQLite: 4
        either way)."""
        ids = [p.article.id for p in batch]
        existing: set[str] = set()
        for part in chunks(sorted(set(ids))):
            existing.update(conn.execute(select(articles.c.id).where(articles.c.id.in_(part))).scalars())
        todo: list[ParsedArticle] = []  # the first copy of each article to store
        taken: set[str] = set() if replace else set(existing)
        for parsed in batch:
            if parsed.article.id not in taken:
                taken.add(parsed.article.id)
                todo.append(parsed)
        if replace:
            for aid in sorted(existing):
                self._delete(conn, aid)
        inserted: set[str] = set()
        if todo:
            # RETURNING tells which rows went in (another process may have stored some since
            # the check above); rowcount does not on every driver (psycopg: -1)
            insert_articles = self._insert_ignoring(articles, ["id"]).returning(articles.c.id)
            rows = [_article_row(p.article, p.countries) for p in todo]
            inserted.update(conn.execute(insert_articles, rows).scalars())
        new = [p for p in todo if p.article.id in inserted]
        if new:
            self._insert_children(conn, new)
            queued = [{"article_id": p.article.id} for p in new]
            conn.execute(self._insert_ignoring(refresh_queue, ["article_id"]), queued)
        outcomes: list[SaveOutcome] = []
        for aid in ids:
            if aid not in inserted:
                outcomes.append("unchanged")
            else:
                outcomes.append("replaced" if aid in existing else "added")
                inserted.discard(aid)  # a second copy in the batch was not stored again
        return outcomes

    def _insert_children(self, conn: Connection, batch: Sequence[ParsedArticle]) -> None:
        """The sentences, mentions, events and ceasefire statements of newly stored articles."""
        sentence_rows = [
            {"article_id": p.article.id, "idx": s.index, "start": s.start, "end": s.end, "text": s.text}
            for p in batch
            for s in p.sentences
        ]
        if sentence_rows:
            conn.execute(insert(sentences), sentence_rows)
        mention_rows = [_mention_row(p.article.id, m) for p in batch for m in p.mentions]
        if mention_rows:
            conn.execute(insert(mentions), mention_rows)
        all_events = [e for p in batch for e in p.events]
        if all_events:
            conn.execute(insert(events), [_event_row(e) for e in all_events])
            participants = [row for e in all_events for row in _participant_rows(e)]
            if participants:
                conn.execute(insert(event_actors), participants)
        statements = [_ceasefire_row(c) for p in batch for c in p.ceasefires]
        if statements:
            conn.execute(insert(ceasefire_mentions), statements)

    def _delete(self, conn: Connection, article_id: str) -> None:
        ids = select(events.c.id).where(events.c.article_id == article_id)
        conn.execute(delete(event_actors).where(event_actors.c.event_id.in_(ids)))
        for table in (claims, ceasefire_mentions, events, mentions, sentences):
            conn.execute(delete(table).where(table.c.article_id == article_id))
        conn.execute(delete(articles).where(articles.c.id == article_id))

    def delete_article(self, article_id: str) -> None:
        """Remove an article and everything derived from it."""
        full = self.resolve_id(article_id)
        with self._errors(f"delete article {full}"), self.engine.begin() as conn:
            self._delete(conn, full)

    # reading
    def stored(self, ids: Iterable[str]) -> set[str]:
        """Those of these article ids that are stored: one query for many, where a long run
        asks about every input."""
        out: set[str] = set()
        with self._errors("read articles"), self.engine.connect() as conn:
            for part in chunks(sorted(set(ids))):
                out.update(conn.execute(select(articles.c.id).where(articles.c.id.in_(part))).scalars())
        return out

    def resolve_id(self, prefix: str) -> str:
        """The full id of the one article whose id starts with ``prefix``."""
        with self._errors("read articles"), self.engine.connect() as conn:
            rows = conn.execute(select(articles.c.id).where(articles.c.id.startswith(prefix)).limit(2)).all()
        if not rows:
            raise NotFound(f"no article with id {prefix!r}")
        if len(rows) > 1:
            raise NotFound(f"article id {prefix!r} is ambiguous; give more characters")
        return str(rows[0][0])

    def _filtered(self, query: Select[Any], flt: ArticleFilter) -> Select[Any]:
        if flt.outlet:
            query = query.where(func.lower(articles.c.outlet).contains(flt.outlet.lower()))
        if flt.since:
            query = query.where(articles.c.published >= dt.datetime.combine(flt.since, dt.time()))
        if flt.until:
            end = dt.datetime.combine(flt.until, dt.time()) + dt.timedelta(days=1)
            query = query.where(articles.c.published < end)
        if flt.text:
            query = query.where(func.lower(articles.c.text).contains(flt.text.lower()))
        if flt.country or flt.actor:
            sub = select(mentions.c.article_id).where(mentions.c.as_place.is_(False))
            if flt.country:
                sub = sub.where(mentions.c.country == flt.country.upper())
            if flt.actor:
                needle = flt.actor.lower()
                sub = sub.where(
                    (func.lower(mentions.c.actor_name).contains(needle)) | (mentions.c.actor_key == flt.actor)
                )
            query = query.where(articles.c.id.in_(sub))
        return query

    def articles(self, flt: ArticleFilter | None = None) -> list[ArticleSummary]:
        """Articles matching ``flt``, newest publication first (undated last)."""
        flt = flt or ArticleFilter()
        n_sent = select(func.count()).where(sentences.c.article_id == articles.c.id).scalar_subquery()
        n_ment = select(func.count()).where(mentions.c.article_id == articles.c.id).scalar_subquery()
        query: Select[Any] = select(
            articles.c.id,
            articles.c.title,
            articles.c.outlet,
            articles.c.published,
            articles.c.url,
            articles.c.source,
            articles.c.ingested_at,
            n_sent.label("sentences"),
            n_ment.label("mentions"),
        )
        query = self._filtered(query, flt).order_by(
            articles.c.published.is_(None), articles.c.published.desc(), articles.c.id
        )
        if flt.limit is not None:
            query = query.limit(flt.limit)
        if flt.offset:
            query = query.offset(flt.offset)
        with self._errors("read articles"), self.engine.connect() as conn:
            return [ArticleSummary(**row._mapping) for row in conn.execute(query)]

    def count_articles(self, flt: ArticleFilter | None = None) -> int:
        """How many articles match ``flt`` (ignoring its limit and offset)."""
        query = self._filtered(select(func.count()).select_from(articles), flt or ArticleFilter())
        with self._errors("read articles"), self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def article(self, article_id: str) -> ParsedArticle:
        """One article with its sentences and mentions; ``article_id`` may be a unique prefix."""
        full = self.resolve_id(article_id)
        with self._errors("read articles"), self.engine.connect() as conn:
            row = conn.execute(select(articles).where(articles.c.id == full)).one()
            sents = conn.execute(
                select(sentences).where(sentences.c.article_id == full).order_by(sentences.c.idx)
            ).all()
            ments = conn.execute(
                select(mentions).where(mentions.c.article_id == full).order_by(mentions.c.start)
            ).all()
            evs = conn.execute(
                select(events.c.record).where(events.c.article_id == full).order_by(events.c.start)
            ).all()
            cfs = conn.execute(
                select(ceasefire_mentions.c.record)
                .where(ceasefire_mentions.c.article_id == full)
                .order_by(ceasefire_mentions.c.id)
            ).all()
        article = Article(
            id=row.id,
            text=row.text,
            title=row.title,
            url=row.url,
            outlet=row.outlet,
            published=row.published,
            language=row.language,
            source=row.source,
        )
        return ParsedArticle(
            article,
            tuple(Sentence(s.idx, s.start, s.end, s.text) for s in sents),
            tuple(_mention_from_row(m) for m in ments),
            tuple(event_from_dict(e.record) for e in evs),
            tuple(sorted((ceasefire_mention_from_dict(c.record) for c in cfs), key=lambda c: c.start)),
            _countries(row.countries),
        )

    def article_refs(self, ids: Iterable[str]) -> dict[str, ArticleRef]:
        """What an export cites of each of these articles, with the countries its text points to."""
        query = select(
            articles.c.id, articles.c.url, articles.c.title, articles.c.outlet, articles.c.countries
        )
        out: dict[str, ArticleRef] = {}
        with self._errors("read articles"), self.engine.connect() as conn:
            for part in chunks(sorted(set(ids))):
                for r in conn.execute(query.where(articles.c.id.in_(part))):
                    out[r.id] = ArticleRef(r.url, r.title, r.outlet, _countries(r.countries))
        return out

    # ceasefire statements and the derived tables (analysis/ builds them; the store keeps them)
    def ceasefire_mentions(
        self, dyads: Iterable[str] | None = None, since: dt.date | None = None, until: dt.date | None = None
    ) -> list[tuple[CeasefireMention, ArticleInfo]]:
        """Ceasefire statements (of these dyads, or all) with their article's date and outlet.

        With ``since`` or ``until``, only those of the days from ``since`` and before ``until``
        by their own date, else their article's; those with neither come with no ``until``, as
        they sort after every dated one: what a rebuild of some of a dyad's records reads.
        """
        query = select(
            ceasefire_mentions.c.record, articles.c.published, articles.c.outlet, articles.c.title
        ).join(articles, articles.c.id == ceasefire_mentions.c.article_id)
        if dyads is not None:
            query = query.where(ceasefire_mentions.c.dyad.in_(list(dyads)))
        queries = [query]
        if since is not None or until is not None:
            # Two queries, each a range of the (dyad, date) index: one OR would scan the dyad.
            own, published = ceasefire_mentions.c.date, articles.c.published
            dated, undated = query.where(own.is_not(None)), query.where(own.is_(None))
            if since is not None:
                dated = dated.where(own >= since)
                undated = undated.where(
                    published.is_(None) | (published >= dt.datetime.combine(since, dt.time()))
                )
            if until is not None:
                dated = dated.where(own < until)
                undated = undated.where(published < dt.datetime.combine(until, dt.time()))
            queries = [dated, undated]
        with self._errors("read ceasefire statements"), self.engine.connect() as conn:
            return [
                (ceasefire_mention_from_dict(r.record), ArticleInfo(r.published, r.outlet, r.title))
                for q in queries
                for r in conn.execute(q.order_by(ceasefire_mentions.c.id))
            ]

    def ceasefire_records_by_id(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        """The stored ceasefire records with these ids."""
        wanted = sorted(set(ids))
        with self._errors("read ceasefires"), self.engine.connect() as conn:
            return [
                r.record
                for part in chunks(wanted)
                for r in conn.execute(select(ceasefires.c.record).where(ceasefires.c.id.in_(part)))
            ]

    def statement_dyads(self) -> list[str]:
        """The dyads that stored ceasefire statements name."""
        query = select(ceasefire_mentions.c.dyad).where(ceasefire_mentions.c.dyad.is_not(None)).distinct()
        with self._errors("read ceasefire statements"), self.engine.connect() as conn:
            return sorted(r.dyad for r in conn.execute(query))

    def ceasefire_spans(self, dyad: str) -> list[tuple[str, dt.date | None, dt.date | None]]:
        """The id, first and last day of each stored record of ``dyad``, oldest first: where a
        refresh finds the records that new statements can change, without reading them."""
        query = (
            select(ceasefires.c.id, ceasefires.c.start_date, ceasefires.c.end_date)
            .where(ceasefires.c.dyad == dyad)
            .order_by(ceasefires.c.start_date.is_(None), ceasefires.c.start_date, ceasefires.c.id)
        )
        with self._errors("read ceasefires"), self.engine.connect() as conn:
            return [(r.id, r.start_date, r.end_date) for r in conn.execute(query)]

    def article_infos(self, ids: Iterable[str]) -> dict[str, ArticleInfo]:
        """Publication time, outlet and title of the given articles."""
        wanted = list(set(ids))
        if not wanted:
            return {}
        query = select(articles.c.id, articles.c.published, articles.c.outlet, articles.c.title).where(
            articles.c.id.in_(wanted)
        )
        with self._errors("read articles"), self.engine.connect() as conn:
            return {r.id: ArticleInfo(r.published, r.outlet, r.title) for r in conn.execute(query)}

    def replace_ceasefires(self, replaced: set[str], records: list[dict[str, Any]]) -> None:
        """Swap, in one transaction, some ceasefire records (by id) for freshly built ones."""
        if not replaced and not records:
            return  # the refresh changed none of the dyad's records
        with self._errors("update ceasefires"), self.engine.begin() as conn:
            for part in chunks(sorted(replaced)):
                conn.execute(delete(ceasefires).where(ceasefires.c.id.in_(part)))
            if records:
                conn.execute(insert(ceasefires), records)

    def replace_derived(
        self,
        *,
        claim_records: dict[str, list[dict[str, Any]]] | None = None,
        escalation_rows: dict[tuple[str, dt.date], dict[str, Any] | None] | None = None,
        refreshed: Iterable[str] = (),
    ) -> None:
        """Swap, in one transaction, the claims of some articles and the escalation rows of some
        (dyad, day) keys for freshly built ones, and take the ``refreshed`` articles off the
        refresh queue."""
        claim_records = claim_records or {}
        escalation_rows = escalation_rows or {}
        with self._errors("update claims and escalation"), self.engine.begin() as conn:
            for part in chunks(sorted(set(refreshed))):
                conn.execute(delete(refresh_queue).where(refresh_queue.c.article_id.in_(part)))
            # a few statements for all keys, not two per key: on PostgreSQL each is a round trip
            for part in chunks(sorted(claim_records)):
                conn.execute(delete(claims).where(claims.c.article_id.in_(part)))
            for some_claims in chunks((r for records in claim_records.values() for r in records), 5000):
                conn.execute(insert(claims), some_claims)
            for some_keys in chunks(sorted(escalation_rows)):
                key = tuple_(escalation_daily.c.dyad, escalation_daily.c.day)
                conn.execute(delete(escalation_daily).where(key.in_(some_keys)))
            for some_days in chunks((r for r in escalation_rows.values() if r is not None), 5000):
                conn.execute(insert(escalation_daily), some_days)

    def clear_derived(self) -> None:
        """Empty the derived tables (before a rebuild from scratch)."""
        with self._errors("clear derived tables"), self.engine.begin() as conn:
            for table in (ceasefires, claims, escalation_daily, escalation_events, *REPORT_TABLES):
                conn.execute(delete(table))

    def pending_refresh(self, limit: int = 500) -> list[str]:
        """Articles stored whose derived rows were not rebuilt yet (a run was interrupted)."""
        query = select(refresh_queue.c.article_id).order_by(refresh_queue.c.article_id).limit(limit)
        with self._errors("read the refresh queue"), self.engine.connect() as conn:
            return [r.article_id for r in conn.execute(query)]

    def ceasefire_records(self, dyad: str | None = None) -> list[dict[str, Any]]:
        """Stored ceasefire records (of one dyad, or all), oldest first."""
        query = select(ceasefires.c.record)
        if dyad:
            query = query.where(ceasefires.c.dyad == dyad)
        query = query.order_by(ceasefires.c.start_date.is_(None), ceasefires.c.start_date, ceasefires.c.id)
        with self._errors("read ceasefires"), self.engine.connect() as conn:
            return [r.record for r in conn.execute(query)]

    def count_claims(self) -> int:
        """How many claims are stored."""
        with self._errors("read claims"), self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(claims)).scalar_one())

    def claim_records(self, dyad: str | None = None, stance: str | None = None) -> list[dict[str, Any]]:
        """Stored claims, oldest first."""
        query = select(claims.c.record)
        if dyad:
            query = query.where(claims.c.dyad == dyad)
        if stance:
            query = query.where(claims.c.stance == stance)
        query = query.order_by(claims.c.date.is_(None), claims.c.date, claims.c.id)
        with self._errors("read claims"), self.engine.connect() as conn:
            return [r.record for r in conn.execute(query)]

    def escalation_rows(self, dyad: str | None = None) -> list[dict[str, Any]]:
        """Daily escalation rows (of one dyad, or all), by dyad and day."""
        query = select(escalation_daily)
        if dyad:
            query = query.where(escalation_daily.c.dyad == dyad)
        query = query.order_by(escalation_daily.c.dyad, escalation_daily.c.day)
        with self._errors("read escalation"), self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def events_of_articles(self, ids: Iterable[str]) -> list[Event]:
        """Every event of the given articles."""
        wanted = list(set(ids))
        if not wanted:
            return []
        query = select(events.c.record).where(events.c.article_id.in_(wanted)).order_by(events.c.id)
        with self._errors("read events"), self.engine.connect() as conn:
            return [event_from_dict(r.record) for r in conn.execute(query)]

    def article_ids(self) -> list[str]:
        """The ids of every stored article."""
        with self._errors("read articles"), self.engine.connect() as conn:
            return [r.id for r in conn.execute(select(articles.c.id).order_by(articles.c.id))]

    def _event_query(self, flt: EventFilter) -> Select[Any]:
        query: Select[Any] = select(events.c.record)
        if flt.category:
            query = query.where(events.c.category == flt.category.upper())
        if flt.status:
            query = query.where(events.c.status == flt.status.lower())
        if flt.since:
            query = query.where(events.c.date >= flt.since)
        if flt.until:
            query = query.where(events.c.date <= flt.until)
        if flt.article_id:
            query = query.where(events.c.article_id == flt.article_id)
        if flt.min_confidence is not None:
            query = query.where(events.c.confidence >= flt.min_confidence)
        if flt.country or flt.actor:
            sub = select(event_actors.c.event_id)
            if flt.country:
                sub = sub.where(event_actors.c.country == flt.country.upper())
            if flt.actor:
                needle = flt.actor.lower()
                sub = sub.where(
                    func.lower(event_actors.c.actor_name).contains(needle)
                    | (event_actors.c.actor_key == flt.actor)
                )
            query = query.where(events.c.id.in_(sub))
        return query

    def event_clusters(self, flt: EventFilter | None = None) -> list[dict[str, Any]]:
        """Clusters (happenings) with any report matching ``flt``, by day; ``flt``'s limit and
        offset count clusters."""
        flt = flt or EventFilter()
        ids = self._event_query(flt).with_only_columns(events.c.id)
        return self.clusters(ids, flt.limit, flt.offset)

    def count_event_clusters(self, flt: EventFilter | None = None) -> int:
        """How many clusters have a report matching ``flt``."""
        return self.count_clusters(self._event_query(flt or EventFilter()).with_only_columns(events.c.id))

    def events(self, flt: EventFilter | None = None) -> list[Event]:
        """Events matching ``flt``, by event date (or by article) then position in the article."""
        flt = flt or EventFilter()
        query = self._event_query(flt).order_by(*_event_order(flt))
        if flt.limit is not None:
            query = query.limit(flt.limit)
        if flt.offset:
            query = query.offset(flt.offset)
        with self._errors("read events"), self.engine.connect() as conn:
            return [event_from_dict(row.record) for row in conn.execute(query)]

    def event_places(self, flt: EventFilter | None = None) -> list[dict[str, Any]]:
        """Matching events that have coordinates, counted by place and category (one map
        marker each), with the people reported killed; most events first. Counted by the
        database, so a map of every event costs one query, not a read of every event."""
        query = self._event_query(flt or EventFilter()).where(
            events.c.latitude.is_not(None), events.c.longitude.is_not(None)
        )
        query = query.with_only_columns(
            events.c.location_name.label("name"),
            events.c.location_country.label("country"),
            events.c.latitude,
            events.c.longitude,
            events.c.category,
            func.count().label("events"),
            func.coalesce(func.sum(events.c.killed), 0).label("killed"),
        ).group_by(
            events.c.location_name,
            events.c.location_country,
            events.c.latitude,
            events.c.longitude,
            events.c.category,
        )
        query = query.order_by(func.count().desc(), events.c.location_name, events.c.category)
        with self._errors("count events by place"), self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def iter_events(self, flt: EventFilter | None = None) -> Iterator[Event]:
        """All events matching ``flt``, read a page at a time so memory stays flat."""
        flt = flt or EventFilter()
        offset, remaining = flt.offset, flt.limit
        while remaining is None or remaining > 0:
            page = STREAM_PAGE if remaining is None else min(STREAM_PAGE, remaining)
            rows = self.events(dataclasses.replace(flt, limit=page, offset=offset))
            yield from rows
            if len(rows) < page:
                return
            offset += page
            remaining = None if remaining is None else remaining - page

    def count_events(self, flt: EventFilter | None = None) -> int:
        """How many events match ``flt`` (ignoring its limit and offset)."""
        sub = self._event_query(flt or EventFilter()).subquery()
        with self._errors("read events"), self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(sub)).scalar_one())

    def actors(
        self, country: str | None = None, sector: str | None = None, include_places: bool = False
    ) -> list[ActorSummary]:
        """Actors mentioned across articles, most mentioned first."""
        query = select(
            mentions.c.actor_key.label("key"),
            func.max(mentions.c.actor_name).label("name"),
            func.max(mentions.c.country).label("country"),
            func.max(mentions.c.sector).label("sector"),
            func.max(mentions.c.kind).label("kind"),
            func.count().label("mentions"),
            func.count(func.distinct(mentions.c.article_id)).label("articles"),
        ).group_by(mentions.c.actor_key)
        if not include_places:
            query = query.where(mentions.c.as_place.is_(False))
        if country:
            query = query.where(mentions.c.country == country.upper())
        if sector:
            query = query.where(mentions.c.sector == sector.upper())
        query = query.order_by(func.count().desc(), mentions.c.actor_key)
        with self._errors("read actors"), self.engine.connect() as conn:
            return [_actor_summary(row._mapping) for row in conn.execute(query)]


def _actor_summary(row: Any) -> ActorSummary:
    """One row of :meth:`Store.actors`. Unnamed groups without a country ("hostages",
    "troops") share one key per sector, so no single mention's words may stand for them all."""
    summary = ActorSummary(**row)
    if summary.key.startswith("UNK:"):
        return dataclasses.replace(summary, name=f"unnamed {summary.sector or 'actors'}, no country")
    return summary


def _article_row(article: Article, countries: TextCountries) -> dict[str, Any]:
    return {
        "countries": as_dict(countries),
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "outlet": article.outlet,
        "published": article.published,
        "language": article.language,
        "source": article.source,
        "text": article.text,
        "ingested_at": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
    }


def _countries(stored: dict[str, list[str]] | None) -> TextCountries:
    """The stored countries of a text (none for an article stored before they were kept)."""
    stored = stored or {}
    return TextCountries(tuple(stored.get("places", ())), tuple(stored.get("demonyms", ())))


def _mention_row(article_id: str, m: Mention) -> dict[str, Any]:
    a = m.actor
    return {
        "article_id": article_id,
        "start": m.start,
        "end": m.end,
        "sentence_idx": m.sentence,
        "text": m.text,
        "actor_key": a.key,
        "actor_name": a.name,
        "country": a.country,
        "sector": a.sector,
        "kind": a.kind,
        "office": a.office,
        "how": m.how,
        "as_place": m.as_place,
    }


def statement_dyad(c: CeasefireMention) -> str | None:
    """The dyad of a ceasefire statement: its first two parties' countries."""
    codes = list(dict.fromkeys(m.actor.country for m in c.parties if m.actor.country))
    return dyad_key(codes[0], codes[1]) if len(codes) >= 2 else None


def _ceasefire_row(c: CeasefireMention) -> dict[str, Any]:
    return {
        "id": c.id,
        "article_id": c.article_id,
        "phase": c.phase,
        "dyad": statement_dyad(c),
        "date": c.date.date,
        "record": as_dict(c),
    }


def _event_row(e: Event) -> dict[str, Any]:
    cas = e.casualties
    return {
        "id": e.id,
        "article_id": e.article_id,
        "category": e.category,
        "mode": e.mode,
        "status": e.status,
        "date": e.date.date,
        "date_precision": e.date.precision,
        "location_name": e.location.name if e.location else None,
        "location_country": e.location.country if e.location else None,
        "latitude": e.location.latitude if e.location else None,
        "longitude": e.location.longitude if e.location else None,
        "killed": cas.killed.value if cas and cas.killed else None,
        "injured": cas.injured.value if cas and cas.injured else None,
        "sentence_idx": e.sentence,
        "start": e.start,
        "end": e.end,
        "score": e.score,
        "quad": e.quad,
        "confidence": e.confidence,
        "record": as_dict(e),
    }


def _participant_rows(e: Event) -> list[dict[str, Any]]:
    rows = []
    for role, group in (("source", e.actors), ("target", e.targets)):
        for position, m in enumerate(group):
            rows.append(
                {
                    "event_id": e.id,
                    "role": role,
                    "position": position,
                    "actor_key": m.actor.key,
                    "actor_name": m.actor.name,
                    "country": m.actor.country,
                    "sector": m.actor.sector,
                }
            )
    return rows


def _event_order(flt: EventFilter) -> list[Any]:
    """ORDER BY terms for ``flt.order``: undated events last, then position in the article."""
    if flt.order == "article":
        return [events.c.article_id, events.c.start]
    by_date = [events.c.date.is_(None), events.c.date, events.c.article_id, events.c.start]
    if flt.order == "date":
        return by_date
    column = {
        "category": events.c.category,
        "score": events.c.score,
        "confidence": events.c.confidence,
        "killed": func.coalesce(events.c.killed, -1),
    }[flt.order]
    terms = [column, events.c.mode] if flt.order == "category" else [column]
    if flt.descending:
        return [t.desc() for t in terms] + [events.c.date.desc(), events.c.id.desc()]
    return [*terms, events.c.date, events.c.id]


def _mention_from_row(row: Any) -> Mention:
    actor = Actor(row.actor_key, row.actor_name, row.country, row.sector, row.kind, row.office)
    return Mention(row.sentence_idx, row.start, row.end, row.text, actor, row.how, bool(row.as_place))


def open_store(url: str, busy_timeout: float = DEFAULT_BUSY_TIMEOUT, migrate_schema: bool = True) -> Store:
    """Open (and create or migrate) the database at SQLAlchemy ``url``."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{parsed.database}: cannot create folder {folder}: {exc.strerror}") from exc
        kwargs["connect_args"] = {"timeout": busy_timeout}
    elif parsed.get_backend_name() == "postgresql":
        # A server restarted cuts every pooled connection; a watch or the web API holds its pool
        # for days. Pinging a connection as it is taken (one round trip) replaces a dead one
        # instead of failing the next poll or request on it.
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except Exception as exc:
        raise StoreError(f"cannot use database {url!r}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    store = Store(engine, busy_timeout)
    if migrate_schema:
        with store._errors("prepare the schema"), store.exclusive("migrate"):
            migrate.upgrade(engine)
    return store
