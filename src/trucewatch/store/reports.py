"""The tables of "one event, many reports": near-duplicate articles and event clusters.

``analysis/duplicates.py`` decides what goes in them; this part of the store reads and swaps
their rows, and answers the queries over clusters (counts of events with their reports).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Select, delete, func, insert, select, update

from trucewatch.errors import NotFound
from trucewatch.groups import chunks
from trucewatch.model import Event, Fingerprint, event_from_dict
from trucewatch.store.base import StoreBase
from trucewatch.store.schema import (
    article_bands,
    article_signatures,
    articles,
    event_clusters,
    event_reports,
    events,
    sentences,
)

# Rebuilt from the articles by a rebuild from scratch, like the other derived tables.
REPORT_TABLES = (event_clusters, event_reports, article_bands, article_signatures)


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One event as a report: its clustering key, its day, and the cluster it was put in.

    Slotted: a rebuild of a large batch holds one per event of its articles."""

    event_id: str
    article_id: str
    dyad: str
    category: str
    factual: bool
    place: str
    day: dt.date | None
    loose: bool
    anchor: dt.date | None = None
    cluster_id: str = ""

    @property
    def key(self) -> tuple[str, bool]:
        """The reports that may describe one happening share this key."""
        return (self.category, self.factual)

    @property
    def subject(self) -> tuple[str, str]:
        """Between whom and where: what reports of one happening must agree on (or leave out)."""
        return (self.dyad, self.place)

    @property
    def kind(self) -> tuple[str, str, dt.date | None, bool, dt.date | None, str]:
        """What it shares with the other reports of its group (see ReportGroup)."""
        return (self.dyad, self.place, self.day, self.loose, self.anchor, self.cluster_id)

    def row(self) -> dict[str, Any]:
        """The stored row (``dataclasses.asdict`` deep-copies every value, and took a fifth of
        writing a rebuild's reports)."""
        return {name: getattr(self, name) for name in REPORT_COLUMNS}


REPORT_COLUMNS = tuple(f.name for f in dataclasses.fields(ReportRow))
# The stored reports' columns in the order of ReportRow's fields: a row read is made by
# position, as naming each value cost a late refresh some 7 s in two million rows.
_REPORTS = select(*(event_reports.c[name] for name in REPORT_COLUMNS))


class ReportGroup(NamedTuple):
    """Stored reports of one key that share their subject, day, kind of date, anchor and
    cluster, and how many there are: a busy day holds hundreds of reports of a few dozen
    subjects, and where they go depends on nothing else (analysis/duplicates.py, assign)."""

    dyad: str
    place: str
    day: dt.date
    loose: bool
    anchor: dt.date | None
    cluster_id: str
    reports: int

    @property
    def kind(self) -> tuple[str, str, dt.date, bool, dt.date | None, str]:
        """What its reports share: every field but the count."""
        return self[:6]


@dataclass(frozen=True, slots=True)
class ReportInfo:
    """What a cluster's summary needs of each of its reports."""

    event_id: str
    article_id: str
    status: str
    mode: str | None
    location_name: str | None
    location_country: str | None
    killed: int | None
    injured: int | None
    outlet: str | None
    published: dt.datetime | None


# A stored cluster as a refresh adds to it: its head place, record and tally.
StoredCluster = tuple[str, dict[str, Any], dict[str, Any]]


class ReportStore(StoreBase):
    """The duplicate and cluster part of the store."""

    # near-duplicate articles
    def article_texts(self, ids: Iterable[str]) -> dict[str, str]:
        """The text of each of these articles that is stored."""
        out: dict[str, str] = {}
        with self._errors("read articles"), self.engine.connect() as conn:
            for part in chunks(sorted(set(ids))):
                query = select(articles.c.id, articles.c.text).where(articles.c.id.in_(part))
                out.update({r.id: r.text for r in conn.execute(query)})
        return out

    def signatures(self, ids: Iterable[str]) -> dict[str, tuple[bytes, str]]:
        """The stored MinHash signature and group of each of these articles that has one."""
        out: dict[str, tuple[bytes, str]] = {}
        with self._errors("read signatures"), self.engine.connect() as conn:
            for part in chunks(sorted(set(ids))):
                query = select(article_signatures).where(article_signatures.c.article_id.in_(part))
                out.update({r.article_id: (bytes(r.signature), r.group_id) for r in conn.execute(query)})
        return out

    def group_members(self, group_ids: Iterable[str]) -> set[str]:
        """Every article in these near-duplicate groups."""
        found: set[str] = set()
        with self._errors("read signatures"), self.engine.connect() as conn:
            for part in chunks(sorted(set(group_ids))):
                query = select(article_signatures.c.article_id).where(article_signatures.c.group_id.in_(part))
                found |= {r.article_id for r in conn.execute(query)}
        return found

    def band_neighbours(self, ids: Iterable[str]) -> set[tuple[str, str]]:
        """Pairs (article, other) of these articles with others sharing an LSH band key."""
        other = article_bands.alias("other")
        pairs: set[tuple[str, str]] = set()
        with self._errors("read signatures"), self.engine.connect() as conn:
            for part in chunks(sorted(set(ids))):
                query = (
                    select(article_bands.c.article_id, other.c.article_id.label("other"))
                    .join(other, other.c.key == article_bands.c.key)
                    .where(
                        article_bands.c.article_id.in_(part)
                        & (other.c.article_id != article_bands.c.article_id)
                    )
                    .distinct()
                )
                pairs |= {(r.article_id, r.other) for r in conn.execute(query)}
        return pairs

    def replace_signatures(
        self,
        added: dict[str, Fingerprint],
        removed: Iterable[str],
        groups: dict[str, str],
    ) -> None:
        """Store new signatures with their band keys, drop those of deleted articles, and set
        groups, in one transaction."""
        gone = sorted(set(removed))
        with self._errors("update near-duplicate groups"), self.engine.begin() as conn:
            for part in chunks(gone):
                conn.execute(delete(article_bands).where(article_bands.c.article_id.in_(part)))
                conn.execute(delete(article_signatures).where(article_signatures.c.article_id.in_(part)))
            if added:
                conn.execute(
                    insert(article_signatures),
                    [
                        {"article_id": a, "signature": f.signature, "group_id": groups.get(a, a)}
                        for a, f in added.items()
                    ],
                )
                conn.execute(
                    insert(article_bands),
                    [
                        {"article_id": a, "band": i, "key": k}
                        for a, f in added.items()
                        for i, k in enumerate(f.bands)
                    ],
                )
            for article_id, group in groups.items():
                if article_id not in added:
                    conn.execute(
                        update(article_signatures)
                        .where(article_signatures.c.article_id == article_id)
                        .values(group_id=group)
                    )

    def duplicate_groups(self, min_size: int = 2) -> list[list[str]]:
        """Groups of near-duplicate articles with at least ``min_size`` members, largest first."""
        sizes = (
            select(article_signatures.c.group_id)
            .group_by(article_signatures.c.group_id)
            .having(func.count() >= min_size)
        )
        query = (
            select(article_signatures.c.group_id, article_signatures.c.article_id)
            .where(article_signatures.c.group_id.in_(sizes))
            .order_by(article_signatures.c.group_id, article_signatures.c.article_id)
        )
        groups: dict[str, list[str]] = {}
        with self._errors("read near-duplicate groups"), self.engine.connect() as conn:
            for r in conn.execute(query):
                groups.setdefault(r.group_id, []).append(r.article_id)
        return sorted(groups.values(), key=lambda g: (-len(g), g[0]))

    # event clusters
    def report_groups(self, key: tuple[str, bool], days: Iterable[dt.date]) -> list[ReportGroup]:
        """The stored reports with this key on these days, one row for each subject, day, kind of
        date and cluster, with how many reports it holds."""
        category, factual = key
        c = event_reports.c
        columns = [c[name] for name in ReportGroup._fields[:6]]  # in the group's order, the count last
        query = (
            select(*columns, func.count())
            .where((c.category == category) & (c.factual == factual))
            .group_by(*columns)
        )
        out: list[ReportGroup] = []
        with self._errors("read event reports"), self.engine.connect() as conn:
            for part in chunks(sorted(set(days))):
                out += [ReportGroup._make(r) for r in conn.execute(query.where(c.day.in_(part)))]
        return out

    def report_counts(self, key: tuple[str, bool], days: Iterable[dt.date]) -> dict[dt.date, int]:
        """How many stored reports with this key each of these days holds (days with none left
        out); from the key's index alone."""
        category, factual = key
        query = (
            select(event_reports.c.day, func.count())
            .where((event_reports.c.category == category) & (event_reports.c.factual == factual))
            .group_by(event_reports.c.day)
        )
        out: dict[dt.date, int] = {}
        with self._errors("read event reports"), self.engine.connect() as conn:
            for part in chunks(sorted(set(days))):
                out.update({day: n for day, n in conn.execute(query.where(event_reports.c.day.in_(part)))})
        return out

    def reports_of_articles(self, ids: Iterable[str]) -> list[ReportRow]:
        """The stored reports of these articles."""
        return self._reports_where(event_reports.c.article_id, ids)

    def reports_in_clusters(self, cluster_ids: Iterable[str]) -> list[ReportRow]:
        """The stored reports of these clusters."""
        return self._reports_where(event_reports.c.cluster_id, cluster_ids)

    def cluster_tallies(self, cluster_ids: Iterable[str]) -> dict[str, StoredCluster]:
        """The head place, record and tally of each of these clusters that is stored with a tally."""
        clusters = event_clusters.c
        query = select(clusters.id, clusters.place, clusters.record, clusters.tally)
        out: dict[str, StoredCluster] = {}
        with self._errors("read event clusters"), self.engine.connect() as conn:
            for part in chunks(sorted(set(cluster_ids))):
                for r in conn.execute(query.where(event_clusters.c.id.in_(part))):
                    if r.tally is not None:
                        out[r.id] = (r.place, r.record, r.tally)
        return out

    def _reports_where(self, column: Any, values: Iterable[str]) -> list[ReportRow]:
        out: list[ReportRow] = []
        with self._errors("read event reports"), self.engine.connect() as conn:
            for part in chunks(sorted(set(values))):
                out += [ReportRow(*r) for r in conn.execute(_REPORTS.where(column.in_(part)))]
        return out

    def report_infos(self, event_ids: Iterable[str]) -> list[ReportInfo]:
        """Status, place, casualties and the article's outlet and time of each event."""
        out: list[ReportInfo] = []
        query = select(  # in the order of ReportInfo's fields, which are given by position
            events.c.id.label("event_id"),
            events.c.article_id,
            events.c.status,
            events.c.mode,
            events.c.location_name,
            events.c.location_country,
            events.c.killed,
            events.c.injured,
            articles.c.outlet,
            articles.c.published,
        ).join(articles, articles.c.id == events.c.article_id)
        with self._errors("read event reports"), self.engine.connect() as conn:
            for part in chunks(sorted(set(event_ids))):
                out += [ReportInfo(*tuple(r)) for r in conn.execute(query.where(events.c.id.in_(part)))]
        return out

    def event_sentences(self, event_ids: Iterable[str]) -> dict[str, str]:
        """The sentence of each of these events."""
        query = select(events.c.id, sentences.c.text).join(
            sentences,
            (sentences.c.article_id == events.c.article_id) & (sentences.c.idx == events.c.sentence_idx),
        )
        out: dict[str, str] = {}
        with self._errors("read events"), self.engine.connect() as conn:
            for part in chunks(sorted(set(event_ids))):
                out.update({r.id: r.text for r in conn.execute(query.where(events.c.id.in_(part)))})
        return out

    def replace_reports(
        self,
        removed: Iterable[str],
        changes: Iterable[tuple[list[ReportRow], Iterable[tuple[str, dict[str, Any] | None]]]],
    ) -> None:
        """In one transaction: drop the reports of ``removed`` events, then for each of
        ``changes`` write its rows (new or re-clustered reports, replacing any stored row of the
        same event) and swap each of its clusters (id, new row; None: gone).

        ``changes`` and the clusters in it are consumed while the transaction is open, so they
        may be generators that compute a key, and summarise a few hundred clusters, at a time;
        what they read from the store is the state before this transaction, which they are
        given the changes to.
        """
        with self._errors("update event clusters"), self.engine.begin() as conn:
            for part in chunks(sorted(set(removed))):
                conn.execute(delete(event_reports).where(event_reports.c.event_id.in_(part)))
            for rows, clusters in changes:
                for some_rows in chunks(rows, 5000):
                    ids = [r.event_id for r in some_rows]
                    for part in chunks(ids):
                        conn.execute(delete(event_reports).where(event_reports.c.event_id.in_(part)))
                    conn.execute(insert(event_reports), [r.row() for r in some_rows])
                for some_clusters in chunks(clusters):
                    gone = [cid for cid, _ in some_clusters]
                    conn.execute(delete(event_clusters).where(event_clusters.c.id.in_(gone)))
                    fresh = [row for _, row in some_clusters if row is not None]
                    if fresh:
                        conn.execute(insert(event_clusters), fresh)

    def clusters(
        self, event_ids: Select[Any], limit: int | None = None, offset: int = 0
    ) -> list[dict[str, Any]]:
        """The clusters holding any of the events ``event_ids`` selects, by day, each with its
        count of independent reports (reports from articles that are not near-duplicates)."""
        independent = (
            select(func.count(func.distinct(article_signatures.c.group_id)))
            .select_from(event_reports)
            .join(article_signatures, article_signatures.c.article_id == event_reports.c.article_id)
            .where(event_reports.c.cluster_id == event_clusters.c.id)
            .scalar_subquery()
        )
        query = (
            select(event_clusters.c.record, independent.label("independent"))
            .where(event_clusters.c.id.in_(self._clusters_of(event_ids)))
            .order_by(event_clusters.c.day.is_(None), event_clusters.c.day, event_clusters.c.id)
        )
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        with self._errors("read event clusters"), self.engine.connect() as conn:
            return [{**r.record, "independent": r.independent} for r in conn.execute(query)]

    def count_clusters(self, event_ids: Select[Any]) -> int:
        """How many clusters hold any of the events ``event_ids`` selects."""
        query = (
            select(func.count())
            .select_from(event_clusters)
            .where(event_clusters.c.id.in_(self._clusters_of(event_ids)))
        )
        with self._errors("read event clusters"), self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    @staticmethod
    def cluster_members(cluster_id: str) -> Select[Any]:
        """A query of the event ids of one cluster's reports."""
        return select(event_reports.c.event_id).where(event_reports.c.cluster_id == cluster_id)

    def cluster_events(self, cluster_id: str) -> list[Event]:
        """The reports of one cluster as full event records, earliest article first."""
        query = (
            select(events.c.record)
            .join(articles, articles.c.id == events.c.article_id)
            .where(events.c.id.in_(self.cluster_members(cluster_id)))
            .order_by(articles.c.published.is_(None), articles.c.published, events.c.id)
        )
        with self._errors("read event clusters"), self.engine.connect() as conn:
            return [event_from_dict(r.record) for r in conn.execute(query)]

    def resolve_cluster(self, prefix: str) -> str:
        """The id of the one cluster whose id starts with ``prefix``."""
        query = select(event_clusters.c.id).where(event_clusters.c.id.startswith(prefix)).limit(2)
        with self._errors("read event clusters"), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        if len(rows) != 1:
            raise NotFound(
                f"no event with id {prefix!r}" if not rows else f"event id {prefix!r} is ambiguous"
            )
        return str(rows[0].id)

    @staticmethod
    def _clusters_of(event_ids: Select[Any]) -> Select[Any]:
        return select(event_reports.c.cluster_id).where(event_reports.c.event_id.in_(event_ids))
