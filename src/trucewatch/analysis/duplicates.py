"""One event, many reports: near-duplicate articles, and events merged into happenings.

GDELT counts reports; an analyst wants events. Two derived structures, each rebuilt from the
stored data around what a new article touches (:func:`refresh_duplicates`,
:func:`write_reports`, called by ``analysis/update.py``), so that they equal a build from
scratch whatever order the articles came in.

**Near-duplicate articles** (wire copy republished with a new headline or a trimmed ending):
each article gets a MinHash of its word shingles (datasketch, ingest/fingerprint.py) whose LSH
band keys are stored, so that candidates are found by an indexed lookup, not by comparing with
every article. Two articles are near-duplicates when they share a band key and their
estimated Jaccard similarity reaches ``THRESHOLD``; a group is a connected component of that
relation, named by its smallest article id.

**Event clusters**: each event is a report; reports of the same PLOVER category that agree on
whether the event happened are one happening when

1. they give the same sides and place, and the same day; a report that names fewer (one side
   without its opponent, or no place) joins the one happening of that day that names them
   all and agrees with what it does name, when there is exactly one;
2. or one of them is dated only loosely (by its article's date, or to the week or month) and
   the other, precisely dated and about a matching subject, falls within
   :data:`DATE_WINDOW` days before it: the report came out after the happening.

The cluster of a report depends only on reports of its key within a few days, so an arriving
article rebuilds the clusters of its keys in a window around its days
(:data:`REACH` windows each side). Each cluster keeps its outlets, first report time and the
casualty figures its reports give, with a flag when they differ.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import pickle
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import chain
from typing import Any, NamedTuple

import numpy as np

from trucewatch.analysis.sides import event_dyads, side
from trucewatch.groups import by_size, chunks
from trucewatch.ingest.fingerprint import THRESHOLD, fingerprint
from trucewatch.model import Event, Fingerprint
from trucewatch.store import ReportInfo, ReportRow, Store

# Events: days within which a loosely dated report joins a precisely dated one before it.
DATE_WINDOW = 1
# How many windows around a changed day can see their clusters change (see write_reports).
REACH = 3
# Days of one key's reports recomputed at once, and clusters summarised at once: what a rebuild
# holds in memory, whatever the size of the database.
SLICE_DAYS = 30
CLUSTERS_AT_ONCE = 500
# Stored reports of one key read in one query, for as many consecutive slices as they cover:
# few queries for a refresh over a long backlog, and a bound on what one holds that does not
# grow with how many reports a day the database has (a read of 132 days held 38 MB at eight
# times the reports a day of 12,000 articles).
READ_ROWS = 20_000
# Statuses of reports that say the event happened (as against future, hypothetical, negated).
FACTUAL = frozenset({"asserted", "alleged", "denied"})
PRECISE = frozenset({"hour", "day"})


# near-duplicate articles
def similar(a: bytes, b: bytes) -> bool:
    """Whether two stored signatures estimate a Jaccard similarity of at least THRESHOLD."""
    x, y = np.frombuffer(a, dtype=np.uint64), np.frombuffer(b, dtype=np.uint64)
    return float(np.mean(x == y)) >= THRESHOLD


def refresh_duplicates(store: Store, article_ids: set[str], fingerprints: dict[str, Fingerprint]) -> None:
    """Sign new articles, forget deleted ones, and regroup every article whose group they touch.

    ``fingerprints`` are those taken as the articles were parsed; an article without one (read
    back from the database by a rebuild) is signed from its stored text."""
    present = store.stored(article_ids)
    known = store.signatures(article_ids)
    unsigned = present - known.keys()
    texts = store.article_texts(unsigned - fingerprints.keys())
    added = {a: fingerprints.get(a) or fingerprint(texts[a]) for a in unsigned}
    removed = article_ids - present
    if added or removed:
        store.replace_signatures(added, removed, {})
    seeds = (present | store.group_members({g for _, g in known.values()})) - removed
    store.replace_signatures({}, (), _regrouped(store, seeds))


def _regrouped(store: Store, seeds: set[str]) -> dict[str, str]:
    """The new group of each article reachable from ``seeds`` whose group changes."""
    stored = store.signatures(seeds)
    links: dict[str, set[str]] = defaultdict(set)
    reached = set(stored)
    frontier = set(stored)
    while frontier:
        pairs = store.band_neighbours(frontier)
        stored.update(store.signatures({o for _, o in pairs} - set(stored)))
        found = set()
        for a, b in pairs:
            if b in stored and similar(stored[a][0], stored[b][0]):
                links[a].add(b)
                links[b].add(a)
                found.add(b)
        frontier = found - reached
        reached |= frontier
    changed: dict[str, str] = {}
    unvisited = set(reached)
    while unvisited:
        component, todo = set(), [unvisited.pop()]
        while todo:
            node = todo.pop()
            component.add(node)
            todo += [n for n in links[node] if n not in component]
        unvisited -= component
        group = min(component)
        changed.update({a: group for a in component if stored[a][1] != group})
    return changed


# event clusters
def cluster_dyad(event: Event) -> str:
    """Whom the event sets against whom: its dyads, else its sides, else its actors' keys."""
    dyads = sorted(event_dyads(event))
    if dyads:
        return ",".join(dyads)[:200]
    participants = (*event.actors, *event.targets)
    sides = sorted({s for m in participants if (s := side(m))})
    return ",".join(sides or sorted({m.actor.key for m in participants}))[:200]


def report_row(event: Event) -> ReportRow:
    """An event as a report, before it is put in a cluster."""
    return ReportRow(
        event_id=event.id,
        article_id=event.article_id,
        dyad=cluster_dyad(event),
        category=event.category,
        factual=event.status in FACTUAL,
        place=(event.location.name.casefold()[:200] if event.location else ""),
        day=event.date.date,
        loose=event.date.from_article or event.date.precision not in PRECISE,
    )


def assign(rows: list[ReportRow], recompute: set[str]) -> list[ReportRow]:
    """Anchor day and cluster of each row of one key; rows not in ``recompute`` stay as stored.

    ``rows`` must hold every row within DATE_WINDOW before each row to recompute, and every
    row anchored on the same days as those rows.

    A late refresh recomputes over a million rows, most of them sharing their subject and day
    with others: each anchor and each cluster is worked out once per (subject, day), and a row
    whose anchor and cluster come out as stored is kept as it is.
    """
    exact: _Precise = defaultdict(lambda: defaultdict(set))
    for r in rows:
        if r.day is not None and not r.loose:
            exact[r.day][r.subject[1]].add(r.subject)
    anchor_of: dict[tuple[tuple[str, str], dt.date], dt.date] = {}
    anchors: dict[str, dt.date | None] = {}
    for r in rows:
        if r.event_id not in recompute:
            anchors[r.event_id] = r.anchor
        elif r.day is None or not r.loose:
            anchors[r.event_id] = r.day
        else:
            if (seen := (r.subject, r.day)) not in anchor_of:
                anchor_of[seen] = _anchor(r.subject, r.day, exact)
            anchors[r.event_id] = anchor_of[seen]
    full: dict[dt.date | None, set[tuple[str, str]]] = defaultdict(set)
    for r in rows:
        if _full(r.subject):
            full[anchors[r.event_id]].add(r.subject)
    cluster_of: dict[tuple[str, bool, tuple[str, str], dt.date], str] = {}
    out = []
    for r in rows:
        if r.event_id not in recompute:
            out.append(r)
            continue
        anchor = anchors[r.event_id]
        if anchor is None:
            cluster = _digest("event", r.event_id)
        elif (known := (r.category, r.factual, r.subject, anchor)) in cluster_of:
            cluster = cluster_of[known]
        else:
            # a full subject fits no whole but itself
            wholes = [r.subject] if _full(r.subject) else [w for w in full[anchor] if _fits(r.subject, w)]
            dyad, place = wholes[0] if len(wholes) == 1 else r.subject
            cluster = cluster_of[known] = _digest(r.category, str(r.factual), dyad, place, anchor.isoformat())
        same = anchor == r.anchor and cluster == r.cluster_id
        out.append(r if same else dataclasses.replace(r, anchor=anchor, cluster_id=cluster))
    return out


# The subjects of precisely dated reports, by day and place.
_Precise = dict[dt.date, dict[str, set[tuple[str, str]]]]


def _anchor(subject: tuple[str, str], day: dt.date, exact: _Precise) -> dt.date:
    """A loosely dated report's anchor: the latest day within the window before ``day`` on
    which a precise report of a matching subject falls, else its own day.

    Only subjects of its place or of none can match one with a place (see _fits): a busy day
    of a large database has a few dozen subjects, and comparing with each took 6% of a
    profiled refresh of 9,968 articles onto 29,975."""
    place = subject[1]
    for back in range(DATE_WINDOW + 1):
        places = exact.get(day - dt.timedelta(days=back), {})
        candidates = (places.get(place, ()), places.get("", ())) if place else places.values()
        if any(subject in found or any(_related(subject, s) for s in found) for found in candidates):
            return day - dt.timedelta(days=back)
    return day


# A rebuild compares the same few thousand subjects millions of times. 16,384 pairs hit 97.5%
# of 8.4 million look-ups in a refresh of 2,000 articles; four times as many held 9 MB more.
@lru_cache(maxsize=1 << 14)
def _related(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether either subject can be about the other's happening."""
    return _fits(a, b) or _fits(b, a)


def _full(subject: tuple[str, str]) -> bool:
    """A subject naming both sides and the place: what partial reports can join."""
    dyad, place = subject
    return "|" in dyad and bool(place)


def _fits(part: tuple[str, str], whole: tuple[str, str]) -> bool:
    """Whether a report about ``part`` (sides, place) can be about the happening ``whole``: the
    same sides or some of them without an opponent, and the same place or none given."""
    (dyad, place), (whole_dyad, whole_place) = part, whole
    sides_fit = dyad == whole_dyad or ("|" not in dyad and _sides(dyad) <= _sides(whole_dyad))
    return sides_fit and (place == whole_place or not place)


@lru_cache(maxsize=1 << 16)  # a rebuild asks millions of times about a few thousand dyads
def _sides(dyad: str) -> frozenset[str]:
    return frozenset(dyad.replace("|", ",").split(","))


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _regions(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Runs of days close enough that their read windows overlap, as (first, last)."""
    gap = dt.timedelta(days=2 * REACH * DATE_WINDOW)
    out: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if out and day - out[-1][1] <= gap:
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


# The reports of one key (category, factual) that a refresh replaces: stored ones leaving, new
# ones arriving.
KeyReports = tuple[tuple[str, bool], list[ReportRow], list[ReportRow]]


@dataclasses.dataclass(frozen=True)
class ReportUnit:
    """Keys whose reports and clusters are rewritten in one transaction (:func:`write_reports`).

    Reports of different keys never share a cluster, so each key is a unit of its own, computed
    from the stored rows of its key alone, and units can be written in any order, by any
    process. The exception is a replaced article whose event changes key (a corrected status
    or category): its report is one row, which its old key must lose as its new key gains it;
    such keys are one unit (:func:`report_units`)."""

    keys: tuple[KeyReports, ...]

    @property
    def size(self) -> int:
        """Reports leaving and arriving: what its work grows with."""
        return sum(len(old) + len(new) for _, old, new in self.keys)


def report_units(
    store: Store, article_ids: set[str], new: list[ReportRow]
) -> tuple[list[ReportUnit], list[ReportRow]]:
    """What a refresh of these articles rewrites (``new``: their stored events as reports): the
    units of dated reports, largest first, and the undated reports, which
    :func:`write_undated` writes after every unit."""
    old = store.reports_of_articles(article_ids)
    by_key: dict[tuple[str, bool], tuple[list[ReportRow], list[ReportRow]]] = defaultdict(lambda: ([], []))
    for r in old:
        by_key[r.key][0].append(r)
    for r in new:
        if r.day is not None:
            by_key[r.key][1].append(r)
    # keys an event moves between, joined (union-find over the keys)
    joined = {key: key for key in by_key}

    def root(key: tuple[str, bool]) -> tuple[str, bool]:
        while joined[key] != key:
            key = joined[key]
        return key

    was = {r.event_id: r.key for r in old}
    for r in new:
        if r.day is not None and (before := was.get(r.event_id)) is not None:
            joined[root(before)] = root(r.key)
    units: dict[tuple[str, bool], list[KeyReports]] = defaultdict(list)
    for key in sorted(by_key):
        units[root(key)].append((key, *by_key[key]))
    out = sorted((ReportUnit(tuple(keys)) for keys in units.values()), key=lambda u: -u.size)
    return out, [r for r in new if r.day is None]


def write_reports(store: Store, unit: ReportUnit) -> None:
    """Rewrite the reports of one unit and every cluster that can change with them, in one
    transaction.

    A report's anchor depends on reports up to one window before it, and a placeless report's
    cluster on the reports anchored on its day; so a change on day d can move only clusters
    anchored within a window of d. Rows within REACH - 1 windows of a changed day are
    recomputed from rows read within REACH windows; rows further out keep what is stored, which
    the change cannot alter.

    Everything is computed before the transaction opens, so that a process writing another unit
    at the same time waits only for this one's writes, not for its reading. The unit's new rows
    are held until then, the busiest key's (ASSAULT, some two fifths of all reports) the most.
    Its clusters are held pickled: a cluster's row is some 4.6 KB as Python objects and 0.9 KB
    pickled, and a refresh of 9,968 articles onto 29,975 summed some 75,000 clusters, while its
    busiest key held 57,811 of its 146,072 reports.
    """
    replaced = {r.event_id for _, old, new in unit.keys for r in chain(old, new)}
    changes = []
    for key, old, new in unit.keys:
        rows, clusters = _key_changes(store, key, old, new, replaced)
        changes.append((rows, [(cid, None if row is None else pickle.dumps(row)) for cid, row in clusters]))
    store.replace_reports(
        {r.event_id for _, old, _ in unit.keys for r in old},
        ((rows, _unpickled(clusters)) for rows, clusters in changes),
    )


def _unpickled(
    clusters: list[tuple[str, bytes | None]],
) -> Iterator[tuple[str, dict[str, Any] | None]]:
    """The cluster rows write_reports pickled, as they are written."""
    return ((cid, None if row is None else pickle.loads(row)) for cid, row in clusters)


def write_undated(store: Store, new: list[ReportRow]) -> None:
    """Write the undated reports, each a cluster of its own named by its event alone. After
    every unit: that cluster must outlive the unit of the key the event had before, which drops
    it."""
    ids = {r.event_id for r in new}
    undated = assign(new, ids)
    alone_ids = {r.cluster_id for r in undated}
    alone = _cluster_rows(store, alone_ids, {r.event_id: r for r in undated}, ids, alone_ids)
    store.replace_reports((), [(undated, alone)])


def _key_changes(
    store: Store, key: tuple[str, bool], old: list[ReportRow], new: list[ReportRow], replaced: set[str]
) -> tuple[list[ReportRow], Iterator[tuple[str, dict[str, Any] | None]]]:
    """The reports of one key to write anew (arriving, or moved to another cluster) and the
    clusters to swap, for ``old`` reports leaving and ``new`` dated ones arriving.

    A long region (a backlog spread over years touches every day) is recomputed
    :data:`SLICE_DAYS` at a time, so that a refresh holds a slice's reports, not the key's
    whole history; the stored reports of consecutive slices are read some :data:`READ_ROWS` at
    a time. They are read as groups (ReportGroup), each standing in :func:`assign` for the
    reports that share its subject, day and cluster, and only a group that moves is read
    report by report: a refresh onto a large database touches every day, whose reports are
    many times its groups.
    """
    affected = {r.cluster_id for r in old}
    whole = set(affected)  # clusters to sum from all their reports (see _cluster_rows)
    changed: dict[str, ReportRow] = {}
    moves: dict[tuple[Any, ...], ReportRow] = {}  # stored group -> where its reports go
    arriving: dict[dt.date, list[ReportRow]] = defaultdict(list)
    for r in new:
        if r.day is not None:
            arriving[r.day].append(r)
    leaving = Counter(r.kind for r in old)
    key_days = {r.day for r in old if r.day is not None} | set(arriving)
    slices = _key_slices(key_days)
    counts = store.report_counts(key, {d for s in slices for d in s.read})
    category, factual = key
    for batch in by_size(slices, lambda s: sum(counts.get(d, 0) for d in s.read), READ_ROWS):
        # one query for the stored groups of several slices: a refresh of a few hundred
        # articles over a long backlog reads thousands of short stretches of days
        stored_on: dict[dt.date, list[ReportRow]] = defaultdict(list)
        for g in store.report_groups(key, {d for s in batch for d in s.read}):
            if g.reports > leaving[g.kind]:  # some of its reports stay
                # named by what its reports share, which no event id can be
                stand_in = ReportRow(f"group {g.kind}", "", g.dyad, category, factual, *g.kind[1:])
                stored_on[g.day].append(stand_in)
        for s in batch:
            stored = {r.event_id: r for d in s.read for r in stored_on.get(d, ())}
            rows = [*stored.values(), *(r for d in s.read for r in arriving.get(d, ()))]
            around = {r.event_id for r in rows if r.day and s.around[0] <= r.day <= s.around[1]}
            for r in assign(rows, around):
                before = stored.get(r.event_id)
                if r.day and s.lo <= r.day <= s.hi and before != r:
                    # only a cluster that gains, loses or changes a report is written again:
                    # rewriting every cluster of the windows cost half of a large ingest
                    affected.add(r.cluster_id)
                    if before is None:
                        changed[r.event_id] = r
                    else:  # a stored group moves: both clusters are recounted
                        moves[before.kind] = r
                        affected.add(before.cluster_id)
                        whole |= {before.cluster_id, r.cluster_id}
    for r in store.reports_in_clusters({kind[-1] for kind in moves}):
        if r.event_id not in replaced and (to := moves.get(r.kind)) is not None:
            changed[r.event_id] = dataclasses.replace(r, anchor=to.anchor, cluster_id=to.cluster_id)
    return list(changed.values()), _cluster_rows(store, affected, changed, replaced, whole)


@dataclasses.dataclass(frozen=True)
class _Slice:
    """Days of one key whose rows a refresh writes (lo to hi), recomputes (``around``), and
    reads (``read``)."""

    lo: dt.date
    hi: dt.date
    around: tuple[dt.date, dt.date]
    read: list[dt.date]


def _key_slices(key_days: Iterable[dt.date]) -> list[_Slice]:
    """The slices of one key that changes on ``key_days`` make a refresh recompute, in order."""
    window = dt.timedelta(days=DATE_WINDOW)
    out = []
    for first, last in _regions(key_days):
        # recomputed: [first - (REACH - 1) windows, last + (REACH - 1) windows]
        inner_lo, inner_hi = first - (REACH - 1) * window, last + (REACH - 1) * window
        for lo, hi in _slices(inner_lo, inner_hi):
            # A slice's clusters need the anchors of the rows a window either side of it, and
            # those anchors the rows a window before them.
            around = (max(inner_lo, lo - window), min(inner_hi, hi + window))
            out.append(_Slice(lo, hi, around, _days(max(inner_lo - window, lo - 2 * window), hi + window)))
    return out


def _slices(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """[first, last] cut into runs of at most SLICE_DAYS days."""
    step = dt.timedelta(days=SLICE_DAYS)
    out = []
    while first <= last:
        out.append((first, min(last, first + step - dt.timedelta(days=1))))
        first += step
    return out


def _cluster_rows(
    store: Store, affected: set[str], changed: dict[str, ReportRow], replaced: set[str], whole: set[str]
) -> Iterator[tuple[str, dict[str, Any] | None]]:
    """The new row of each affected cluster (None: it has no report left), a few hundred
    clusters at a time: a large rebuild affects most clusters of the database.

    A cluster not in ``whole`` loses no report and gains only reports of the refreshed
    articles, none of which it held before (one that held a report of theirs loses it): stored
    with a tally, it is summed from that and the new reports alone. A refresh of 7,000 articles
    onto 100,000 adds reports to most clusters of its days, and summing each from all its
    reports again read the whole table.
    """
    moved: dict[str, list[ReportRow]] = defaultdict(list)
    for r in changed.values():
        moved[r.cluster_id].append(r)
    for part in chunks(sorted(affected), CLUSTERS_AT_ONCE):
        stored = store.cluster_tallies(cid for cid in part if cid not in whole)
        members: dict[str, list[ReportRow]] = {cid: list(moved.get(cid, ())) for cid in part}
        for r in store.reports_in_clusters(cid for cid in part if cid not in stored):
            if r.event_id not in replaced and r.event_id not in changed:
                members[r.cluster_id].append(r)
        infos = {i.event_id: i for i in store.report_infos(r.event_id for rs in members.values() for r in rs)}
        tallies = {cid: tally_of(rs, infos) for cid, rs in members.items() if rs}
        leads: dict[str, tuple[str, str]] = {}  # a stored cluster's first report and its sentence
        for cid, (place, record, counts) in stored.items():
            first = record["first_report"]
            leads[cid] = (first["event_id"], first["sentence"])
            kept = stored_tally(place, record, counts)
            tallies[cid] = kept.add(tallies[cid]) if cid in tallies else kept
        sentences = store.event_sentences(
            t.lead.event_id for cid, t in tallies.items() if leads.get(cid, ("", ""))[0] != t.lead.event_id
        )
        for cid in part:
            if (t := tallies.get(cid)) is None:
                yield cid, None
            else:
                lead, sentence = leads.get(cid, ("", ""))
                if lead != t.lead.event_id:
                    sentence = sentences.get(t.lead.event_id, "")
                yield cid, cluster_row(cid, t, sentence)


class _Lead(NamedTuple):
    """A report as a candidate first report: ordered by its article's publication time (the
    undated last), then event id."""

    undated: bool
    when: dt.datetime
    event_id: str
    article_id: str
    outlet: str | None
    published: dt.datetime | None


def _lead(event_id: str, article_id: str, outlet: str | None, published: dt.datetime | None) -> _Lead:
    return _Lead(published is None, published or dt.datetime.min, event_id, article_id, outlet, published)


@dataclasses.dataclass(frozen=True)
class Tally:
    """What a cluster's row sums up of its reports, in a form whose parts add up: the tally of
    two sets of reports from different articles is the sum of theirs (:meth:`add`)."""

    head: tuple[bool, bool, str, str]  # the happening's subject: the report that names most
    category: str
    factual: bool
    anchor: dt.date | None
    reports: int
    articles: int
    modes: frozenset[str]
    outlets: frozenset[str]
    names: Counter[str]
    countries: Counter[str]
    statuses: Counter[str]
    lead: _Lead
    figures: dict[tuple[int | None, int | None], tuple[int, frozenset[str]]]  # reports, outlets

    def add(self, other: Tally) -> Tally:
        """The tally of both sets of reports, which come from different articles."""
        figures = dict(self.figures)
        for given, (n, outlets) in other.figures.items():
            had, were = figures.get(given, (0, frozenset()))
            figures[given] = (had + n, were | outlets)
        return dataclasses.replace(
            self,
            head=max(self.head, other.head),
            reports=self.reports + other.reports,
            articles=self.articles + other.articles,
            modes=self.modes | other.modes,
            outlets=self.outlets | other.outlets,
            names=self.names + other.names,
            countries=self.countries + other.countries,
            statuses=self.statuses + other.statuses,
            lead=min(self.lead, other.lead),
            figures=figures,
        )


def _head(dyad: str, place: str) -> tuple[bool, bool, str, str]:
    """The order in which a cluster's reports give its subject: both sides and a place first."""
    return ("|" in dyad, bool(place), dyad, place)


def tally_of(rows: list[ReportRow], infos: dict[str, ReportInfo]) -> Tally:
    """The tally of one cluster's reports (all of one key and anchor)."""
    reports = [infos[r.event_id] for r in rows]
    head = max(rows, key=lambda r: _head(r.dyad, r.place))
    figures: dict[tuple[int | None, int | None], tuple[int, frozenset[str]]] = {}
    for i in reports:
        if i.killed is not None or i.injured is not None:
            n, outlets = figures.get((i.killed, i.injured), (0, frozenset()))
            figures[(i.killed, i.injured)] = (n + 1, outlets | ({i.outlet} if i.outlet else frozenset()))
    return Tally(
        head=_head(head.dyad, head.place),
        category=head.category,
        factual=head.factual,
        anchor=head.anchor,
        reports=len(rows),
        articles=len({r.article_id for r in rows}),
        modes=frozenset(i.mode for i in reports if i.mode),
        outlets=frozenset(i.outlet for i in reports if i.outlet),
        names=Counter(i.location_name for i in reports if i.location_name),
        countries=Counter(i.location_country for i in reports if i.location_country),
        statuses=Counter(i.status for i in reports),
        lead=min(_lead(i.event_id, i.article_id, i.outlet, i.published) for i in reports),
        figures=figures,
    )


def stored_tally(place: str, record: dict[str, Any], counts: dict[str, dict[str, int]]) -> Tally:
    """The tally a stored cluster row was made from (its head place, record and tally column)."""
    first = record["first_report"]
    published = dt.datetime.fromisoformat(first["published"]) if first["published"] else None
    return Tally(
        head=_head(record["dyad"], place),
        category=record["category"],
        factual=record["factual"],
        anchor=dt.date.fromisoformat(record["date"]) if record["date"] else None,
        reports=record["reports"],
        articles=record["articles"],
        modes=frozenset(record["modes"]),
        outlets=frozenset(record["outlets"]),
        names=Counter(counts["names"]),
        countries=Counter(counts["countries"]),
        statuses=Counter(record["statuses"]),
        lead=_lead(first["event_id"], first["article_id"], first["outlet"], published),
        figures={
            (c["killed"], c["injured"]): (c["reports"], frozenset(c["outlets"])) for c in record["casualties"]
        },
    )


def cluster_row(cluster_id: str, tally: Tally, sentence: str) -> dict[str, Any]:
    """The stored row of one cluster: the happening with all its reports summarised, and the
    counts a later report is added to (``tally``)."""
    _, _, dyad, place = tally.head
    lead = tally.lead
    anchor = tally.anchor
    figures = sorted(tally.figures.items(), key=lambda kv: (-kv[1][0], str(kv[0])))
    record = {
        "id": cluster_id,
        "dyad": dyad,
        "category": tally.category,
        "modes": sorted(tally.modes),
        "factual": tally.factual,
        "date": anchor.isoformat() if anchor else None,
        "place": _most_common(tally.names),
        "country": _most_common(tally.countries),
        "statuses": dict(sorted(tally.statuses.items())),
        "reports": tally.reports,
        "articles": tally.articles,
        "outlets": sorted(tally.outlets),
        # the earliest publication time is the first report's (the undated sort last)
        "first_reported": lead.published.isoformat() if lead.published else None,
        "first_report": {
            "event_id": lead.event_id,
            "article_id": lead.article_id,
            "outlet": lead.outlet,
            "published": lead.published.isoformat() if lead.published else None,
            "sentence": sentence,
        },
        "casualties": [
            {"killed": killed, "injured": injured, "reports": n, "outlets": sorted(outlets)}
            for (killed, injured), (n, outlets) in figures
        ],
        "casualties_differ": len(figures) > 1,
    }
    return {
        "id": cluster_id,
        "dyad": dyad,
        "category": tally.category,
        "place": place,
        "day": anchor,
        "reports": tally.reports,
        "articles": tally.articles,
        "outlets": len(tally.outlets),
        "first_reported": lead.published,
        "record": record,
        "tally": {
            "names": dict(sorted(tally.names.items())),
            "countries": dict(sorted(tally.countries.items())),
        },
    }


def _most_common(counts: Counter[str]) -> str | None:
    """The most frequent value, ties broken alphabetically, so the result is order-free."""
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0] if counts else None
