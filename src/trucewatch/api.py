"""The Python API: what the CLI, the web app and a notebook user call.

>>> import trucewatch
>>> tw = trucewatch.open("conflict.db")            # a path, a database URL, or None for the default
>>> report = tw.ingest(["examples/articles"])      # files, folders, JSON Lines
>>> report.added, report.rejected
>>> [a.title for a in tw.articles(outlet="Levant Ledger")]
>>> import pandas as pd; pd.DataFrame(trucewatch.records(tw.actors()))

Every capability lands here first; the command line only parses arguments and prints.

What parses (``pipeline``, ``batch``: spaCy, Dask, pyarrow) is imported by the methods that
parse, not at the top of this module: every command imports it, and a command that only reads
the database (``events``, ``ceasefires``, ``serve``) would otherwise spend most of its start-up
importing what it never runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, TypeVar, cast

from trucewatch.analysis.ceasefires import FROM_START, build_records
from trucewatch.analysis.ceasefires import windows as ceasefire_windows
from trucewatch.analysis.claims import article_claims, with_responses
from trucewatch.analysis.escalation import WINDOW, hourly, series
from trucewatch.analysis.report import html_brief, markdown_brief
from trucewatch.analysis.sides import event_dyads
from trucewatch.analysis.update import Changes, rebuild, refresh, touched
from trucewatch.config import Settings, load_settings
from trucewatch.errors import ConfigError, InputError, NotFound, StoreError
from trucewatch.evaluation.acled import AcledReport
from trucewatch.evaluation.acled import evaluate_acled as acled_evaluation
from trucewatch.evaluation.seeds import DocOutput, SeedReport
from trucewatch.evaluation.seeds import evaluate_seeds as seeds_evaluation
from trucewatch.events.grammar import grammar
from trucewatch.exports import write_events, write_records
from trucewatch.groups import chunks
from trucewatch.ingest import Metadata, ReadOptions, article_from_text, load_boilerplate, read_sources
from trucewatch.ingest.clean import build_article
from trucewatch.ingest.feeds import FeedItem
from trucewatch.ingest.fetch import Fetcher, FetchOptions
from trucewatch.ingest.jsonl import parse_line
from trucewatch.ingest.pages import page_articles
from trucewatch.ingest.sources import read_bytes
from trucewatch.ingest.watch import PollResult, Watcher
from trucewatch.model import (
    Article,
    CeasefireMention,
    Event,
    Fingerprint,
    ParsedArticle,
    Rejection,
    TextCountries,
    as_dict,
    dyad_key,
)
from trucewatch.store import (
    ActorSummary,
    ArticleFilter,
    ArticleInfo,
    ArticleRef,
    ArticleSummary,
    EventFilter,
    EventOrder,
    SaveOutcome,
    Store,
    open_store,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class IngestReport:
    """What an ingestion run did: ids added, already stored, replaced, and inputs rejected."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing was rejected."""
        return not self.rejected

    @property
    def seen(self) -> int:
        """Inputs handled, stored or not."""
        return len(self.added) + len(self.unchanged) + len(self.replaced) + len(self.rejected)

    def note(self, outcome: SaveOutcome | Rejection, article_id: str | None = None) -> None:
        """Count one result."""
        if isinstance(outcome, Rejection):
            self.rejected.append(outcome)
        elif article_id is not None:
            {"added": self.added, "unchanged": self.unchanged, "replaced": self.replaced}[outcome].append(
                article_id
            )


Progress = Callable[[IngestReport], None]

# When a long run rebuilds the derived tables: after at least REFRESH_EVERY new articles, and
# no more than REFRESH_SHARE of the time (a rebuild reads the stored data around what it
# touches, which grows with how busy a dyad or day is), but after REFRESH_MOST at the latest.
# A backlog spread over years touches nearly every day in each thousand articles, so a rebuild
# costs more as the database grows: at 1,000 the cap, not the share, set the pace beyond some
# 10,000 articles, and the rebuilds took half the writing process's time.
# The share is kept on the cost the next rebuild is expected to have, not the last one's: a
# rebuild covering more articles costs more, but far less than in proportion, since their days
# and records overlap. Onto 100,000 stored articles 64 articles took 23.4 s, 1,293 took 87.6 s
# and 6,915 took 136.3 s, a cost growing as the number of articles to the power 0.35 to 0.44;
# REFRESH_GROWTH errs above that, towards rebuilding less often. Waiting four times the last
# rebuild's cost instead let rebuilds take 48% of a 2,921-article run onto that database.
REFRESH_EVERY = 64
REFRESH_SHARE = 0.2
REFRESH_GROWTH = 0.5
REFRESH_MOST = 10_000
# Inputs whose ids are looked up at once (to skip those stored), and parsed articles stored in
# one transaction: a query and a transaction per article took a sixth of the writing
# process's time in a run with two workers.
CHECK_AT_ONCE = 64
SAVE_AT_ONCE = 16


@dataclass
class _Pending:
    """What stored articles touch, gathered until the derived rows are rebuilt for them."""

    dyads: Changes = field(default_factory=dict)
    articles: set[str] = field(default_factory=set)
    keys: set[tuple[str, dt.date]] = field(default_factory=set)
    fingerprints: dict[str, Fingerprint] = field(default_factory=dict)  # some 1.4 KB an article
    since: float = field(default_factory=time.monotonic)
    cost: float = 0.0  # seconds the last rebuild took,
    covered: int = 0  # for this many articles
    input_read: bool = False

    def reading(self, items: Iterable[T]) -> Iterator[T]:
        """``items`` as they come, noting when the last has been read (see ``due``)."""
        yield from items
        self.input_read = True

    def add(self, parsed: Iterable[ParsedArticle]) -> None:
        dyads, articles, keys, fingerprints = touched(parsed)
        for dyad, changes in dyads.items():
            self.dyads.setdefault(dyad, set()).update(changes)
        self.articles |= articles
        self.keys |= keys
        self.fingerprints |= fingerprints

    def due(self) -> bool:
        """Whether to rebuild now (see REFRESH_EVERY).

        Once the whole input is read, what is left to store is the lead parsed ahead of the
        writer, which comes in quickly: only the cap still calls for a rebuild, and the rest
        waits for the one at the end. Rebuilding by share there ran two or three rebuilds back
        to back as a 100,000-article run ended, minutes of one core for what one rebuild does.
        """
        if len(self.articles) >= REFRESH_MOST:
            return True
        waited = time.monotonic() - self.since
        return (
            not self.input_read
            and len(self.articles) >= REFRESH_EVERY
            and waited * REFRESH_SHARE >= self.expected_cost() * (1 - REFRESH_SHARE)
        )

    def expected_cost(self) -> float:
        """Seconds a rebuild of the gathered articles should take, scaled from the last one's
        (see REFRESH_GROWTH); none before the first."""
        if not self.covered:
            return 0.0
        return self.cost * (len(self.articles) / self.covered) ** REFRESH_GROWTH

    def flush(self, store: Store) -> None:
        """Rebuild what the gathered articles touch (each article leaves the refresh queue).

        The gathered set is cleared only after the rebuild succeeds: when ``refresh`` raises
        (a database busy or gone), the articles stay gathered, so that ``watch`` can try them
        again after its next poll. Clearing them in a ``finally`` would lose that retry."""
        if self.articles:
            started = time.monotonic()
            refresh(store, self.dyads, self.articles, self.keys, self.fingerprints)
            self.cost, self.covered = time.monotonic() - started, len(self.articles)
            log.info("derived rows rebuilt for %d articles in %.1f s", len(self.articles), self.cost)
        self.dyads, self.articles, self.keys, self.fingerprints = {}, set(), set(), {}
        self.since = time.monotonic()


class _ArticleRefs:
    """The articles of an export's events, read a page of events at a time, one query a page:
    an export streams, and must neither hold every article of the database nor query once per
    article. The page before stays too, for a writer that reads an event ahead (the ACLED rows
    take an article's events together, then look the article up)."""

    PAGE = 1000

    def __init__(self, store: Store) -> None:
        self.store = store
        self._held: dict[str, ArticleRef] = {}

    def through(self, events: Iterable[Event]) -> Iterator[Event]:
        """``events`` as they come, the articles of each page read before it is handed on."""
        before: dict[str, ArticleRef] = {}
        for page in chunks(events, self.PAGE):
            current = self.store.article_refs({e.article_id for e in page})
            self._held = {**before, **current}
            before = current
            yield from page

    def get(self, article_id: str, /) -> ArticleRef | None:
        return self._held.get(article_id)


class Trucewatch:
    """A workspace over one database: ingest articles, then query what was found."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store: Store = open_store(settings.db_url, settings.busy_timeout)
        self._rules = load_boilerplate(settings.boilerplate_files)

    def close(self) -> None:
        """Release the database."""
        self.store.close()

    def __enter__(self) -> Trucewatch:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ingestion
    def read_options(
        self,
        published: dt.datetime | None = None,
        outlet: str | None = None,
        url: str | None = None,
        encoding: str | None = None,
    ) -> ReadOptions:
        """How inputs will be read: metadata flags override what the files say."""
        return ReadOptions(Metadata(url=url, outlet=outlet, published=published), encoding, self._rules)

    def ingest(
        self,
        paths: Iterable[str | Path],
        *,
        published: dt.datetime | None = None,
        outlet: str | None = None,
        url: str | None = None,
        encoding: str | None = None,
        fmt: str | None = None,
        workers: int = 1,
        replace: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Read, parse and store every article in ``paths`` (files, folders, JSON Lines, ``-``).

        Bad inputs are reported in the returned report and the others are still stored.
        ``replace`` reprocesses articles already stored (after a lexicon update, say).
        """
        options = self.read_options(published, outlet, url, encoding)
        items = read_sources((str(p) for p in paths), options, fmt)
        return self._ingest_items(items, workers, replace, progress)

    def ingest_text(
        self,
        text: str,
        fmt: str = "text",
        *,
        title: str | None = None,
        published: dt.datetime | None = None,
        outlet: str | None = None,
        url: str | None = None,
        replace: bool = False,
    ) -> IngestReport:
        """Parse and store one article given as text (plain, markdown or html)."""
        options = ReadOptions(Metadata(title, url, outlet, published), None, self._rules)
        report = IngestReport()
        try:
            article = article_from_text(text, fmt, "<text>", options)
        except InputError as exc:
            report.note(Rejection("<text>", str(exc)))
            return report
        return self._ingest_items(iter([article]), 1, replace, None, report)

    def _ingest_items(
        self,
        items: Iterator[Article | Rejection],
        workers: int,
        replace: bool,
        progress: Progress | None,
        report: IngestReport | None = None,
    ) -> IngestReport:
        report = report or IngestReport()
        self.finish_pending()
        pending = _Pending()
        rejected_early: list[Rejection] = []

        def articles_only() -> Iterator[Article]:
            for some in chunks(pending.reading(items), CHECK_AT_ONCE):
                stored = set() if replace else self.store.stored(a.id for a in some if isinstance(a, Article))
                for item in some:
                    if isinstance(item, Rejection):
                        rejected_early.append(item)
                    elif item.id in stored:
                        report.note("unchanged", item.id)
                    else:
                        yield item

        from trucewatch.pipeline import process  # see the module's docstring

        held: list[ParsedArticle] = []
        for result in process(articles_only(), self.settings, workers):
            while rejected_early:
                report.note(rejected_early.pop(0))
            if isinstance(result, Rejection):
                report.note(result)
            else:
                held.append(result)
                if len(held) >= SAVE_AT_ONCE:
                    self._store(held, replace, report, pending)
                    held = []
                    if pending.due():
                        pending.flush(self.store)
            if progress:
                progress(report)
        self._store(held, replace, report, pending)
        pending.flush(self.store)
        for rejection in rejected_early:
            report.note(rejection)
        if progress:
            progress(report)
        return report

    def _store(
        self, batch: list[ParsedArticle], replace: bool, report: IngestReport, pending: _Pending
    ) -> None:
        """Store articles in one transaction, noting what each touches, and what the version it
        replaces touched."""
        if not batch:
            return
        ids = [p.article.id for p in batch]
        old = {i: self.store.article(i) for i in self.store.stored(ids)} if replace else {}
        for parsed, outcome in zip(batch, self.store.save_many(batch, replace=replace), strict=True):
            report.note(outcome, parsed.article.id)
            if outcome != "unchanged":
                before = old.get(parsed.article.id)
                pending.add([parsed, *([before] if before else [])])

    def finish_pending(self) -> None:
        """Rebuild the derived rows of articles that an interrupted run stored but did not get to."""
        while ids := self.store.pending_refresh(limit=REFRESH_MOST):  # a long run's batch at most
            pending = _Pending()
            pending.add(self.store.article(i) for i in self.store.stored(ids))
            pending.articles |= set(ids)
            # The statements of a version these articles replaced are gone: rebuild their
            # dyads' records from the start rather than from where the new ones fall.
            pending.dyads = {dyad: {FROM_START} for dyad in pending.dyads}
            pending.flush(self.store)

    def fetch(
        self,
        urls: Iterable[str],
        *,
        options: FetchOptions | None = None,
        published: dt.datetime | None = None,
        outlet: str | None = None,
        replace: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Download pages and store their articles: text, title, date and outlet by trafilatura.

        Requests keep to robots.txt, a per-host rate, timeouts and retries (``options``); a page
        that cannot be had is a rejection naming the URL, and the others are still stored.
        """
        with Fetcher(options) as fetcher:
            items = page_articles(fetcher, urls, self.read_options(published, outlet))
            return self._ingest_items(items, 1, replace, progress)

    def watch(
        self,
        feeds: Iterable[str],
        interval: float = 900.0,
        once: bool = False,
        options: FetchOptions | None = None,
    ) -> Generator[PollResult, None, None]:
        """Poll RSS/Atom feeds every ``interval`` seconds (one round when ``once``), storing each
        new item's article; yields what each poll of each feed did (close it to stop).

        Feed state lives in the database and an item is marked seen with its article, so a
        watch stopped at any moment resumes where it was.
        """
        from trucewatch.batch import cached_pipeline  # see the module's docstring
        from trucewatch.pipeline import build_ahead

        self.finish_pending()
        build_ahead(self.settings)  # a watch runs for days: it reads the structures, not builds them

        pending = _Pending()

        def rebuild_pending() -> None:
            # The articles are stored and queued: a database busy or away while their derived
            # rows are rebuilt must neither count them as failed nor end the watch. They stay
            # pending, tried again after the next poll (and queued for the next start).
            try:
                pending.flush(self.store)
            except StoreError as exc:
                log.warning(
                    "%d stored articles wait for their derived rows (%s); tried again after the next poll",
                    len(pending.articles),
                    exc,
                )

        def store_item(article: Article, item: FeedItem) -> str:
            [result] = cached_pipeline(self.settings).run([article])
            if isinstance(result, Rejection):
                self.store.mark_seen(item, "rejected")
                return "rejected"
            outcome = self.store.save(result, item=item)
            if outcome != "unchanged":
                pending.add([result])
                rebuild_pending()
            return outcome

        with Fetcher(options) as fetcher:
            watcher = Watcher(fetcher, self.store, store_item, self.read_options())
            for result in watcher.run(feeds, interval, once):
                if pending.articles:
                    rebuild_pending()
                yield result

    def batch(
        self,
        sources: Iterable[str | Path],
        *,
        dask: bool = False,
        scheduler: str | None = None,
        workers: int = 2,
        partition_size: int = 100,
        fmt: str | None = None,
        published: dt.datetime | None = None,
        outlet: str | None = None,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Ingest a large corpus (folders, JSON Lines, Parquet with a ``text`` column) partition by
        partition: parsed in this process, or on Dask (a LocalCluster of ``workers`` processes,
        or the cluster at ``scheduler``), and stored one transaction per partition.

        Memory stays flat however large the corpus; the database ends as a single-process
        ingestion of the same inputs would leave it.
        """
        from trucewatch.batch import run_dask, run_local  # see the module's docstring
        from trucewatch.ingest.partitions import partitions

        options = self.read_options(published, outlet)
        self.finish_pending()
        pending = _Pending()
        parts = pending.reading(partitions((str(s) for s in sources), partition_size, fmt))
        results = (
            run_dask(parts, self.settings, options, scheduler, workers)
            if dask or scheduler
            else run_local(parts, self.settings, options)
        )
        report = IngestReport()
        for result in results:
            parsed = [r for r in result if isinstance(r, ParsedArticle)]
            for done, outcome in zip(parsed, self.store.save_many(parsed), strict=True):
                report.note(outcome, done.article.id)
                if outcome != "unchanged":
                    pending.add([done])
            if pending.due():
                pending.flush(self.store)
            for item in result:
                if isinstance(item, Rejection):
                    report.note(item)
            if progress:
                progress(report)
        pending.flush(self.store)
        return report

    def rebuild(self) -> None:
        """Recompute ceasefire records, claims and escalation from all stored articles."""
        rebuild(self.store)

    # queries
    def articles(self, **filters: Any) -> list[ArticleSummary]:
        """Stored articles; filters: outlet, since, until, country, actor, text, limit, offset."""
        return self.store.articles(ArticleFilter(**filters))

    def resolve_article(self, prefix: str) -> str:
        """The full id of the one article whose id starts with ``prefix`` (NotFound otherwise)."""
        return self.store.resolve_id(prefix)

    def count_articles(self, **filters: Any) -> int:
        """How many stored articles match the filters of :meth:`articles` (limit and offset aside)."""
        return self.store.count_articles(ArticleFilter(**filters))

    def article(self, article_id: str) -> ParsedArticle:
        """One article with its sentences and resolved actor mentions (id or unique prefix)."""
        return self.store.article(article_id)

    def actors(self, country: str | None = None, sector: str | None = None) -> list[ActorSummary]:
        """Actors mentioned across the stored articles, most mentioned first."""
        return self.store.actors(country=country, sector=sector)

    def events(self, **filters: Any) -> list[Event]:
        """Stored events; filters: actor, country, category, status, since, until, article_id,
        min_confidence, limit, offset."""
        return self.store.events(EventFilter(**filters))

    def ceasefires(self, party: str | None = None, phase: str | None = None) -> list[dict[str, Any]]:
        """Ceasefire records, oldest first; ``party`` is a country code or part of a party's name."""
        records = self.store.ceasefire_records()
        if party:
            records = [r for r in records if _names_party(r, party)]
        if phase:
            records = [
                r
                for r in records
                if r["current_phase"] == phase or any(p["phase"] == phase for p in r["phases"])
            ]
        return records

    def ceasefire(self, record_id: str, around_days: int | None = 7) -> dict[str, Any]:
        """One ceasefire record (id or unique prefix), with the dyad's events in the week
        before and after each phase change; ``around_days=None`` leaves those out, sparing a
        query per phase when only the record is wanted."""
        matches = [r for r in self.store.ceasefire_records() if r["id"].startswith(record_id)]
        if len(matches) != 1:
            raise NotFound(
                f"no ceasefire with id {record_id!r}"
                if not matches
                else f"ceasefire id {record_id!r} is ambiguous"
            )
        record = dict(matches[0])
        if around_days is None:
            return record
        a = record["dyad"].split("|")[0]
        around = []
        for phase in record["phases"]:
            if not phase["date"]:
                continue
            day = dt.date.fromisoformat(phase["date"])
            window = self.store.events(
                EventFilter(
                    country=a,
                    since=day - dt.timedelta(days=around_days),
                    until=day + dt.timedelta(days=around_days),
                )
            )
            dyad_events = [e for e in window if record["dyad"] in event_dyads(e)]
            around.append(
                {
                    "phase": phase["phase"],
                    "date": phase["date"],
                    "before": [e.id for e in dyad_events if e.date.date and e.date.date < day],
                    "after": [e.id for e in dyad_events if e.date.date and e.date.date >= day],
                }
            )
        record["events_around"] = around
        return record

    def claims(self, party: str | None = None, stance: str | None = None) -> list[dict[str, Any]]:
        """Claims with their denials and counter-accusations, oldest first."""
        records = with_responses(self.store.claim_records(stance=stance))
        if party:
            records = [r for r in records if _claim_names(r, party)]
        return records

    def escalation(self, a: str, b: str, window: int = WINDOW, hours: bool = True) -> dict[str, Any]:
        """The daily escalation series of the dyad a-b, its ceasefire windows, hourly counts
        (which read every event of side a; ``hours=False`` leaves them out)."""
        dyad = dyad_key(a.upper(), b.upper())
        records = [r for r in self.store.ceasefire_records(dyad)]
        periods = ceasefire_windows(records)
        days = series(self.store.escalation_rows(dyad), periods, window)
        events = self.store.events(EventFilter(country=a.upper())) if days and hours else []
        return {
            "dyad": dyad,
            "window": window,
            "days": [as_dict(d) for d in days],
            "ceasefires": [{"id": i, "start": s.isoformat(), "end": e.isoformat()} for i, s, e in periods],
            "hourly": [
                {"hour": h.isoformat(), "events": n, "intensity": x} for h, n, x in hourly(events, dyad)
            ],
        }

    def dyads(self) -> list[dict[str, Any]]:
        """Every dyad with escalation data: events, intensity and its latest trend."""
        rows = self.store.escalation_rows()
        by: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            by.setdefault(r["dyad"], []).append(r)
        out = []
        for dyad, dyad_rows in by.items():
            days = series(dyad_rows)
            out.append(
                {
                    "dyad": dyad,
                    "events": sum(d.events for d in days),
                    "intensity": round(sum(d.intensity for d in days), 2),
                    "first": days[0].day.isoformat(),
                    "last": days[-1].day.isoformat(),
                    "trend": days[-1].trend,
                }
            )
        return sorted(out, key=lambda d: -d["intensity"])

    def report(self, fmt: str = "md") -> str:
        """A brief of every ceasefire: state, timeline, claims, escalation; Markdown or HTML."""
        records = self.ceasefires()
        series_by_dyad = {
            r["dyad"]: series(self.store.escalation_rows(r["dyad"]), ceasefire_windows([r])) for r in records
        }
        text = markdown_brief(records, self.claims(), series_by_dyad)
        return html_brief(text) if fmt == "html" else text

    def export_records(self, what: str, fmt: str, out: TextIO) -> int:
        """Write ceasefire records or claims as json or csv; returns the count."""
        rows = self.ceasefires() if what == "ceasefires" else self.claims()
        return write_records(rows, what, fmt, out)

    def iter_events(self, **filters: Any) -> Iterator[Event]:
        """Like :meth:`events`, streamed a page at a time (for exports of any size)."""
        return self.store.iter_events(EventFilter(**filters))

    def export(self, fmt: str, out: TextIO, **filters: Any) -> int:
        """Write the matching events to ``out`` as plover-json, csv or acled-csv; returns the count."""
        if fmt == "acled-csv":
            filters.setdefault("order", "article")  # the ACLED mapping looks at an article's other events
        articles = _ArticleRefs(self.store)
        return write_events(articles.through(self.iter_events(**filters)), fmt, out, articles)

    def count_claims(self) -> int:
        """How many claims are stored (without finding their counter-accusations, as
        :meth:`claims` does)."""
        return self.store.count_claims()

    def count_events(self, **filters: Any) -> int:
        """How many stored events match the filters."""
        return self.store.count_events(EventFilter(**filters))

    def event_groups(self, **filters: Any) -> list[dict[str, Any]]:
        """Events as happenings: each groups the reports (events of several articles) of one
        strike, talk or truce, with its outlets, first report time, casualty figures, and how
        many reports, articles and independent articles (not near-duplicates) it has. Filters
        as :meth:`events` (a happening matches when one of its reports does); ``limit`` and
        ``offset`` count happenings."""
        return self.store.event_clusters(EventFilter(**filters))

    def count_event_groups(self, **filters: Any) -> int:
        """How many happenings have a report matching the filters (against :meth:`count_events`,
        which counts reports)."""
        return self.store.count_event_clusters(EventFilter(**filters))

    def event_group(self, group_id: str) -> dict[str, Any]:
        """One happening (id or unique prefix) with each of its reports as a full event record,
        its article's outlet and publication time beside it."""
        full = self.store.resolve_cluster(group_id)
        [record] = self.store.clusters(self.store.cluster_members(full))
        reports = self.store.cluster_events(full)
        infos = self.store.article_infos(e.article_id for e in reports)
        record["reports_detail"] = [
            {
                **as_dict(e),
                "outlet": infos[e.article_id].outlet,
                "published": as_dict(infos[e.article_id])["published"],
            }
            for e in reports
        ]
        return record

    def duplicates(self) -> list[list[dict[str, Any]]]:
        """Groups of near-duplicate articles (the same text republished), largest first."""
        groups = self.store.duplicate_groups()
        infos = self.store.article_infos(a for g in groups for a in g)
        return [
            [
                {"id": a, "title": infos[a].title, "outlet": infos[a].outlet, "published": infos[a].published}
                for a in g
            ]
            for g in groups
        ]

    def events_page(
        self, sort: str = "date", limit: int = 100, offset: int = 0, **filters: Any
    ) -> tuple[int, list[Event]]:
        """One page of the matching events in ``sort`` order, and how many match in all: what a
        paged, sortable table needs. ``sort`` is a key of EVENT_SORTS, "-" first for descending.

        Every order is the database's, so a page reads only its own events.
        """
        if sort not in EVENT_SORTS:
            raise ConfigError(f"cannot sort events by {sort!r} (known: {', '.join(EVENT_SORTS)})")
        total = self.count_events(**filters)
        if sort == "date":
            return total, self.events(limit=limit, offset=offset, **filters)
        if sort == "-date":
            count = min(limit, total - offset)
            if count <= 0:
                return total, []
            rows = self.events(limit=count, offset=total - offset - count, **filters)
            return total, rows[::-1]
        order = cast(EventOrder, sort.lstrip("-"))  # one of EVENT_SORTS, checked above
        flt = EventFilter(**filters, order=order, descending=sort.startswith("-"))
        return total, self.store.events(dataclasses.replace(flt, limit=limit, offset=offset))

    def event_places(self, **filters: Any) -> list[dict[str, Any]]:
        """Events with coordinates counted by place and category (name, country, latitude,
        longitude, category, events, killed): the markers of a map. Filters as :meth:`events`."""
        return self.store.event_places(EventFilter(**filters))

    def dyad_events(self, a: str, b: str, **filters: Any) -> list[Event]:
        """The events that set side ``a`` against side ``b`` (either way round), by date: what
        stands behind each day of the dyad's escalation series. Filters as :meth:`events`
        takes them; the country is the dyad's."""
        dyad = dyad_key(a.upper(), b.upper())
        found = self.events(**{**filters, "country": a.upper()})
        return [e for e in found if dyad in event_dyads(e)]

    def ingest_bytes(
        self,
        data: bytes,
        fmt: str | None = None,
        *,
        source: str = "<upload>",
        title: str | None = None,
        published: dt.datetime | None = None,
        outlet: str | None = None,
        url: str | None = None,
        replace: bool = False,
    ) -> IngestReport:
        """Parse and store the articles in raw bytes, as an upload brings them: one article
        (text, markdown or html) or one a line (JSON Lines), in format ``fmt`` or the one the
        content shows, decoded as files are."""
        options = ReadOptions(Metadata(title, url, outlet, published), None, self._rules)
        return self._ingest_items(read_bytes(data, source, fmt, options), 1, replace, None)


# The orders of :meth:`Trucewatch.events_page`; "-" before a key sorts descending.
EVENT_SORTS = tuple(
    f"{sign}{key}" for key in ("date", "category", "score", "confidence", "killed") for sign in ("", "-")
)


@dataclass(frozen=True)
class Extraction:
    """The events of one input line of :func:`extract`, or why the line could not be read."""

    line: int
    id: str | None
    article: Article | None
    events: tuple[Event, ...]
    error: str | None = None
    ceasefires: tuple[CeasefireMention, ...] = ()
    countries: TextCountries = field(default_factory=TextCountries)


def extract(lines: Iterable[str], settings: Settings | None = None, workers: int = 1) -> Iterator[Extraction]:
    """Events of each JSON line ({"id", "text", optional "published", "title", "outlet"}), in order.

    Nothing is stored. A line that cannot be read yields an Extraction with ``error`` set, so
    that output stays aligned with input.
    """
    settings = settings or Settings()
    rules = load_boilerplate(settings.boilerplate_files)
    pending: list[tuple[int, str | None, Article | None, str | None]] = []

    def articles() -> Iterator[Article]:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                text, meta, fields = parse_line(line)
                raw_id = fields.get("id")
                article = build_article(text, meta, f"line {number}", rules)
            except InputError as exc:
                pending.append((number, None, None, str(exc)))
                continue
            pending.append((number, None if raw_id is None else str(raw_id), article, None))
            yield article

    from trucewatch.pipeline import process  # see the module's docstring

    results = process(articles(), settings, workers)
    for result in results:
        while pending and pending[0][2] is None:
            number, _, _, error = pending.pop(0)
            yield Extraction(number, None, None, (), error)
        number, raw_id, article, _ = pending.pop(0)
        if isinstance(result, Rejection):
            yield Extraction(number, raw_id, article, (), result.reason)
        else:
            yield Extraction(
                number, raw_id, article, result.events, None, result.ceasefires, result.countries
            )
    for number, raw_id, article, error in pending:
        yield Extraction(number, raw_id, article, (), error)


def _names_party(record: dict[str, Any], party: str) -> bool:
    needle = party.lower()
    return any(p["code"].lower() == needle or needle in p["name"].lower() for p in record["parties"])


def _claim_names(record: dict[str, Any], party: str) -> bool:
    needle = party.lower()
    for side in (record["accuser"], record["accused"]):
        if any(c.lower() == needle for c in side["countries"]) or needle in (side["name"] or "").lower():
            return True
    return False


def _extract_by_id(
    records: Iterable[dict[str, Any]], settings: Settings, workers: int
) -> Iterator[Extraction]:
    return extract((json.dumps(r, default=str) for r in records), settings, workers)


def evaluate_seeds(gold: Path, docs: Path, settings: Settings | None = None, workers: int = 1) -> SeedReport:
    """Recall against an analyst's gold file (shared/gold format) over the documents in ``docs``."""
    settings = settings or Settings()

    def run(paths: list[Path]) -> dict[str, DocOutput]:
        records = ({"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in paths)
        out: dict[str, DocOutput] = {}
        for x in _extract_by_id(records, settings, workers):
            if x.id is None or x.article is None:
                continue
            info = ArticleInfo(x.article.published, x.article.outlet, x.article.title)
            ceasefires = [r for rs in build_records((c, info) for c in x.ceasefires).values() for r in rs]
            claims = [row["record"] for row in article_claims(x.article.id, x.events, info, grammar())]
            out[x.id] = DocOutput(x.events, tuple(ceasefires), tuple(claims))
        return out

    return seeds_evaluation(gold, docs, run)


def evaluate_acled(
    csv_path: Path,
    settings: Settings | None = None,
    workers: int = 1,
    limit: int | None = None,
    examples: int = 10,
    field: str | None = None,
) -> AcledReport:
    """Field accuracy against ACLED's coding of each row's notes (see evaluation.acled); with
    ``field`` (e.g. "country"), the misses listed are that field's."""
    settings = settings or Settings()

    def run(
        rows: Iterable[dict[str, Any]],
    ) -> Iterator[tuple[str | None, tuple[Event, ...], TextCountries]]:
        return ((x.id, x.events, x.countries) for x in _extract_by_id(rows, settings, workers))

    return acled_evaluation(csv_path, run, limit, examples, field)


def open(db: str | None = None, config: Path | None = None) -> Trucewatch:
    """Open a workspace: ``db`` is a file path or database URL (default: the configured one)."""
    return Trucewatch(load_settings(config, db))


def records(items: Iterable[Any]) -> list[dict[str, Any]]:
    """Records as plain dicts (dates as ISO strings), ready for ``pandas.DataFrame``."""
    return [as_dict(item) for item in items]
