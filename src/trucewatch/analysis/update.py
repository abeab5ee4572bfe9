"""Keeping the derived tables (ceasefire records, claims, escalation, near-duplicates, event
clusters) in step with the articles.

:func:`refresh` rebuilds only what some articles touch: the ceasefire records of the dyads their
statements name, their own claims, and the escalation rows of the (dyad, day) keys their events
fall on. Claims and escalation rows are rebuilt from all the stored data for their key, which
is bounded (an article, a day). A dyad's statements are not: they grow with the corpus, so only
the records that the added or removed statements can change are rebuilt (see
analysis/ceasefires.py for which, and why the others stay as they are), from the statements of
their days; a refresh then costs what a few weeks of a dyad hold around each change, not its
whole history. Because every derived row is a function of the stored statements and events for
its key alone, and the ceasefire records kept are those a walk over all statements would build,
the tables equal a build from scratch (:func:`rebuild`) whatever order the articles arrived in.
Near-duplicates and event clusters are kept so too (see analysis/duplicates.py).

A large refresh shares its work with a process of its own beside this one (:class:`_Shared`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import pickle
import subprocess
import sys
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

from trucewatch.analysis.ceasefires import FROM_START, Change, Span, change_of, update_records
from trucewatch.analysis.claims import article_claims
from trucewatch.analysis.duplicates import (
    refresh_duplicates,
    report_row,
    report_units,
    write_reports,
    write_undated,
)
from trucewatch.analysis.escalation import counted, daily_row, keys_of
from trucewatch.collector import collector_paused
from trucewatch.errors import StoreError
from trucewatch.events.grammar import grammar
from trucewatch.groups import by_size, chunks
from trucewatch.model import Event, Fingerprint, ParsedArticle
from trucewatch.store import ArticleInfo, EscalationEvent, ReportRow, Store, statement_dyad

# Articles whose events, and at most how many events of some days, are read at once by a rebuild.
ARTICLES_AT_ONCE = 200
EVENTS_AT_ONCE = 20_000
# Articles refreshed at once by a rebuild from scratch (as many as a long ingest's batch at most).
REBUILD_AT_ONCE = 10_000
# A refresh of at least this many articles (a long run's, not a watch's of one) shares its work
# with a process of its own beside this one (see _Shared): its ceasefire records, near-duplicate
# groups and escalation rows, and some of its event clusters. The last refresh of 9,968 articles
# onto 29,975 took 31.3 to 33.2 s so, against 40.8 to 47.8 s with only the ceasefire records
# beside it (runs of each alternated on a two-core machine).
APART_FROM = 64


# The statements added to or removed from each dyad, by where they sit in its records' walk.
Changes = dict[str, set[Change]]


def touched(
    parsed: Iterable[ParsedArticle],
) -> tuple[Changes, set[str], set[tuple[str, dt.date]], dict[str, Fingerprint]]:
    """The dyads (ceasefires) with their changed statements, the articles (claims) and
    (dyad, day) keys (escalation) to rebuild, and the articles' fingerprints where they were
    taken (near-duplicates)."""
    dyads: Changes = defaultdict(set)
    articles: set[str] = set()
    keys: set[tuple[str, dt.date]] = set()
    fingerprints: dict[str, Fingerprint] = {}
    for p in parsed:
        articles.add(p.article.id)
        if p.fingerprint is not None:
            fingerprints[p.article.id] = p.fingerprint
        info = ArticleInfo(p.article.published, p.article.outlet, p.article.title)
        for c in p.ceasefires:
            if dyad := statement_dyad(c):
                dyads[dyad].add(change_of(c, info))
        keys |= keys_of(p.events)
    return dict(dyads), articles, keys, fingerprints


def refresh(
    store: Store,
    dyads: Changes,
    article_ids: set[str],
    keys: set[tuple[str, dt.date]],
    fingerprints: dict[str, Fingerprint],
) -> None:
    """Rebuild the derived rows for these dyads, articles and keys, and take the articles off
    the refresh queue; under a lock, so that processes writing to one database take turns.

    Each part reads a dyad, a slice of articles or a slice of days at a time: a rebuild of many
    articles (a long run's batch, or `rebuild`) then holds no more than the busiest key's data.
    A run killed or failing in between leaves its articles queued (they are taken off last),
    and the next run rebuilds what they touch again (Trucewatch.finish_pending): each dyad's
    ceasefire records, each article part's claims and each unit of reports (see
    analysis/duplicates.py) are written in a transaction of their own, each a function of the
    stored data for its key, so a rebuild from any mix of old and new ones ends as one from
    scratch."""
    with store.exclusive("refresh"), collector_paused():  # 160 s against 136 onto 100,000 articles
        with _Shared.beside(store, apart=len(article_ids) >= APART_FROM) as shared:
            if dyads:
                shared.give(partial(write_ceasefires, dyads=dyads))
            shared.give(partial(refresh_duplicates, article_ids=article_ids, fingerprints=fingerprints))
            reports = _claims(store, article_ids)
            shared.give(partial(write_escalation_rows, keys=keys))  # from the events _claims counted
            units, undated = report_units(store, article_ids, reports)
            shared.share(partial(write_reports, unit=unit) for unit in units)
        write_undated(store, undated)
        store.replace_derived(refreshed=article_ids)


# Something a refresh writes: a function of the store alone, picklable, so that it can be sent
# to the process beside this one.
Job = Callable[[Store], None]

# The child's program: take the module path it is given, then run analysis/apart.py.
_APART = (
    "import runpy, sys; sys.path[:] = sys.argv[1:]; "
    "runpy.run_module('trucewatch.analysis.apart', run_name='__main__')"
)


class _Shared:
    """A refresh's jobs, done here and, for a large refresh, in a process of its own beside this
    one (analysis/apart.py): jobs given to that process (the ceasefire records, near-duplicate
    groups and escalation rows, while this one rebuilds the claims), then jobs shared, each
    process taking the next as it is free (the units of reports, largest first).

    A large refresh is where a run waits longest on one core (the last of a long run's, with
    the workers done). The process costs a second of a core to start (see analysis/apart.py),
    mostly while this one goes on with its own part.
    """

    def __init__(self, store: Store, child: subprocess.Popen[bytes] | None) -> None:
        self.store = store
        self.child = child
        self.given: deque[Job] = deque()  # for the child alone
        self.shared: deque[Job] = deque()
        self.changed = threading.Condition()
        self.closed = False  # no more jobs to come
        self.feeder = threading.Thread(target=self._feed, name="trucewatch-apart", daemon=True)

    @classmethod
    @contextlib.contextmanager
    def beside(cls, store: Store, apart: bool) -> Iterator[_Shared]:
        """Jobs done beside this process when ``apart`` and the database is open to other
        processes, else here; on leaving, every job is done (else StoreError)."""
        address = store.address
        if not (apart and address and sys.executable):
            yield cls(store, None)
            return
        # with this process's module path, in its order, the child imports the very trucewatch
        # (and libraries) this one runs, whatever put them on the path
        child = subprocess.Popen(
            [sys.executable, "-c", _APART, *sys.path], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        shared = cls(store, child)
        try:
            assert child.stdin is not None
            with contextlib.suppress(OSError):  # it ended before reading: see its exit code
                pickle.dump(address, child.stdin)
                child.stdin.flush()
            shared.feeder.start()
            yield shared
            shared.share(())
        except BaseException:
            shared.close(drop=True)  # the feeder thread waiting for jobs ends too
            child.terminate()
            child.wait()
            raise
        if child.wait():
            raise StoreError(
                f"{store.location}: the process rebuilding derived rows beside this one failed "
                f"(exit code {child.returncode}, its error above); the articles stay queued for "
                "the next run"
            )

    def give(self, job: Job) -> None:
        """Leave ``job`` to the process beside this one, which does it before any shared job;
        without one, do it now."""
        if self.child is None:
            job(self.store)
            return
        with self.changed:
            self.given.append(job)
            self.changed.notify()

    def share(self, jobs: Iterable[Job]) -> None:
        """Do these jobs here and beside, and wait until every job, given or shared, is done."""
        with self.changed:
            self.shared.extend(jobs)
            self.changed.notify()
        while (job := self._take(self.shared, wait=False)) is not None:
            job(self.store)
        self.close(drop=False)
        if self.feeder.is_alive():
            self.feeder.join()

    def close(self, drop: bool) -> None:
        """No more jobs are coming (``drop``: and those not taken yet are not to be done)."""
        with self.changed:
            if drop:
                self.given.clear()
                self.shared.clear()
            self.closed = True
            self.changed.notify()

    def _take(self, *queues: deque[Job], wait: bool) -> Job | None:
        """The next job of the first of ``queues`` holding one; None when none does (with
        ``wait``: once none does and none is to come)."""
        with self.changed:
            while wait and not (any(queues) or self.closed):
                self.changed.wait()
            return next((jobs.popleft() for jobs in queues if jobs), None)

    def _feed(self) -> None:
        """Send the child a job each time it asks for one (a line on its standard output),
        until there is none left; then close its input, which ends it."""
        assert self.child is not None and self.child.stdin is not None and self.child.stdout is not None
        with contextlib.suppress(OSError), self.child.stdin:  # OSError: it ended (its exit code says why)
            while self.child.stdout.readline():
                if (job := self._take(self.given, self.shared, wait=True)) is None:
                    break
                pickle.dump(job, self.child.stdin)
                self.child.stdin.flush()


def write_ceasefires(store: Store, dyads: Changes) -> None:
    """Rebuild what ``dyads``' changes alter of their ceasefire records."""
    # written dyad by dyad: with changes all over a long history, a dyad's records are all
    # rebuilt, and every dyad's at once grew with the database (73 MB of records at 52,000
    # articles)
    for dyad, changes in dyads.items():
        store.replace_ceasefires(*_ceasefire_update(store, dyad, changes))


def _claims(store: Store, article_ids: set[str]) -> list[ReportRow]:
    """Rebuild the articles' claims and counted events (escalation); return their events as
    reports."""
    # Article by article part: each part's claims and counted events are written as soon as
    # they are built, so that a refresh holds one part's, not the whole batch's (a long run
    # refreshes thousands of articles at once). Only the reports wait for the clusters.
    reports: list[ReportRow] = []
    for part in chunks(sorted(article_ids), ARTICLES_AT_ONCE):
        infos = store.article_infos(part)  # a removed article has none: its rows just go
        own: dict[str, list[Event]] = defaultdict(list)
        for e in store.events_of_articles(part):
            own[e.article_id].append(e)
        claim_rows = {a: article_claims(a, own[a], infos[a], grammar()) if a in infos else [] for a in part}
        store.replace_derived(claim_records=claim_rows)
        store.replace_escalation_events(
            part, [row for events in own.values() for e in events for row in counted(e)]
        )
        reports += [report_row(e) for events in own.values() for e in events]
    return reports


def write_escalation_rows(store: Store, keys: set[tuple[str, dt.date]]) -> None:
    """Rebuild the escalation row of each (dyad, day) key, a few days at a time: a large
    database holds thousands of counted events a day, so a fixed number of days is no bound."""
    days: dict[dt.date, list[str]] = defaultdict(list)
    for dyad, day in keys:
        days[day].append(dyad)
    counts = store.escalation_event_counts(days)
    for part in by_size(sorted(days), lambda day: counts.get(day, 0), EVENTS_AT_ONCE):
        found: dict[tuple[str, dt.date], list[EscalationEvent]] = defaultdict(list)
        for r in store.escalation_events((dyad, day) for day in part for dyad in days[day]):
            found[(r.dyad, r.day)].append(r)
        rows: dict[tuple[str, dt.date], dict[str, Any] | None] = {}
        for day in part:
            for dyad in days[day]:
                hits = found.get((dyad, day))
                rows[(dyad, day)] = daily_row(dyad, day, hits) if hits else None  # None: no event left
        store.replace_derived(escalation_rows=rows)


def _ceasefire_update(store: Store, dyad: str, changes: set[Change]) -> tuple[set[str], list[dict[str, Any]]]:
    """The ids of the dyad's stored records that ``changes`` alter, and the rows replacing them."""
    spans = [Span(*row) for row in store.ceasefire_spans(dyad)]
    update = update_records(
        dyad,
        spans,
        changes,
        lambda since, until: store.ceasefire_mentions([dyad], since, until),
        store.ceasefire_records_by_id,
    )
    if update is None:
        return set(), []
    records = update.records
    for record in store.ceasefire_records_by_id(update.relinked):
        records.append({**record, "previous": update.relinked[record["id"]]})
    return update.replaced | set(update.relinked), [
        {
            "id": r["id"],
            "dyad": dyad,
            "start_date": dt.date.fromisoformat(r["start_date"]) if r["start_date"] else None,
            "end_date": dt.date.fromisoformat(r["end_date"]) if r["end_date"] else None,
            "phase": r["current_phase"],
            "record": r,
        }
        for r in records
    ]


def rebuild(store: Store) -> None:
    """Recompute every derived table from the stored articles, REBUILD_AT_ONCE at a time: the
    rows a refresh gathers for its articles grow with them, and a refresh in parts gives what
    one over all the articles gives (see the module's docstring).

    Each dyad's ceasefire records are walked once, from all its stored statements, with the
    first part. All the parts' statements being stored already, a walk with each part found the
    same records again, over nearly all of a busy dyad's history each time."""
    store.clear_derived()
    dyads: Changes = {dyad: {FROM_START} for dyad in store.statement_dyads()}
    for part in chunks(store.article_ids(), REBUILD_AT_ONCE):
        _, articles, keys, fingerprints = touched(store.article(i) for i in part)
        refresh(store, dyads, articles, keys, fingerprints)
        dyads = {}
