"""The Python API: what the CLI, the web app and a notebook user call.

>>> import trucewatch
>>> tw = trucewatch.open("conflict.db")            # a path, a database URL, or None for the default
>>> report = tw.ingest(["examples/articles"])      # files, folders, JSON Lines
>>> report.added, report.rejected
>>> [a.title for a in tw.articles(outlet="Levant Ledger")]
>>> import pandas as pd; pd.DataFrame(trucewatch.records(tw.actors()))

Every capability lands here first; the command line only parses arguments and prints.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from trucewatch.config import Settings, load_settings
from trucewatch.errors import InputError
from trucewatch.evaluation.acled import AcledReport
from trucewatch.evaluation.acled import evaluate_acled as acled_evaluation
from trucewatch.evaluation.seeds import SeedReport
from trucewatch.evaluation.seeds import evaluate_seeds as seeds_evaluation
from trucewatch.exports import write_events
from trucewatch.ingest import Metadata, ReadOptions, article_from_text, load_boilerplate, read_sources
from trucewatch.ingest.clean import build_article
from trucewatch.ingest.jsonl import parse_line
from trucewatch.model import Article, Event, ParsedArticle, Rejection, as_dict
from trucewatch.pipeline import process
from trucewatch.store import (
    ActorSummary,
    ArticleFilter,
    ArticleSummary,
    EventFilter,
    SaveOutcome,
    Store,
    open_store,
)


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
        rejected_early: list[Rejection] = []

        def articles_only() -> Iterator[Article]:
            for item in items:
                if isinstance(item, Rejection):
                    rejected_early.append(item)
                    continue
                if not replace and self.store.has_article(item.id):
                    report.note("unchanged", item.id)
                    continue
                yield item

        for result in process(articles_only(), self.settings, workers):
            while rejected_early:
                report.note(rejected_early.pop(0))
            if isinstance(result, Rejection):
                report.note(result)
            else:
                report.note(self.store.save(result, replace=replace), result.article.id)
            if progress:
                progress(report)
        for rejection in rejected_early:
            report.note(rejection)
        if progress:
            progress(report)
        return report

    # queries
    def articles(self, **filters: Any) -> list[ArticleSummary]:
        """Stored articles; filters: outlet, since, until, country, actor, text, limit, offset."""
        return self.store.articles(ArticleFilter(**filters))

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

    def iter_events(self, **filters: Any) -> Iterator[Event]:
        """Like :meth:`events`, streamed a page at a time (for exports of any size)."""
        return self.store.iter_events(EventFilter(**filters))

    def export(self, fmt: str, out: TextIO, **filters: Any) -> int:
        """Write the matching events to ``out`` as plover-json, csv or acled-csv; returns the count."""
        if fmt == "acled-csv":
            filters.setdefault("order", "article")  # the ACLED mapping looks at an article's other events
        info = {a.id: a for a in self.store.articles()}
        return write_events(self.iter_events(**filters), fmt, out, info)

    def count_events(self, **filters: Any) -> int:
        """How many stored events match the filters."""
        return self.store.count_events(EventFilter(**filters))


@dataclass(frozen=True)
class Extraction:
    """The events of one input line of :func:`extract`, or why the line could not be read."""

    line: int
    id: str | None
    article: Article | None
    events: tuple[Event, ...]
    error: str | None = None


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

    results = process(articles(), settings, workers)
    for result in results:
        while pending and pending[0][2] is None:
            number, _, _, error = pending.pop(0)
            yield Extraction(number, None, None, (), error)
        number, raw_id, article, _ = pending.pop(0)
        if isinstance(result, Rejection):
            yield Extraction(number, raw_id, article, (), result.reason)
        else:
            yield Extraction(number, raw_id, article, result.events)
    for number, raw_id, article, error in pending:
        yield Extraction(number, raw_id, article, (), error)


def _extract_by_id(
    records: Iterable[dict[str, Any]], settings: Settings, workers: int
) -> Iterator[Extraction]:
    return extract((json.dumps(r, default=str) for r in records), settings, workers)


def evaluate_seeds(gold: Path, docs: Path, settings: Settings | None = None, workers: int = 1) -> SeedReport:
    """Recall against an analyst's gold file (shared/gold format) over the documents in ``docs``."""
    settings = settings or Settings()

    def run(paths: list[Path]) -> dict[str, tuple[Event, ...]]:
        records = ({"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in paths)
        return {x.id: x.events for x in _extract_by_id(records, settings, workers) if x.id}

    return seeds_evaluation(gold, docs, run)


def evaluate_acled(
    csv_path: Path,
    settings: Settings | None = None,
    workers: int = 1,
    limit: int | None = None,
    examples: int = 10,
) -> AcledReport:
    """Field accuracy against ACLED's coding of each row's notes (see evaluation.acled)."""
    settings = settings or Settings()

    def run(rows: Iterable[dict[str, Any]]) -> Iterator[tuple[str | None, tuple[Event, ...]]]:
        return ((x.id, x.events) for x in _extract_by_id(rows, settings, workers))

    return acled_evaluation(csv_path, run, limit, examples)


def open(db: str | None = None, config: Path | None = None) -> Trucewatch:
    """Open a workspace: ``db`` is a file path or database URL (default: the configured one)."""
    return Trucewatch(load_settings(config, db))


def records(items: Iterable[Any]) -> list[dict[str, Any]]:
    """Records as plain dicts (dates as ISO strings), ready for ``pandas.DataFrame``."""
    return [as_dict(item) for item in items]
