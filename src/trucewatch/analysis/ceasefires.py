"""Ceasefire records: the life of each ceasefire, merged from the statements of many articles.

Stages of :func:`build_records`, for the statements of one dyad:

1. order the statements by the date they speak of (else their article's date);
2. walk them in order, opening a record at the first statement and a new one, linked to the
   old, when a truce is agreed, takes effect or is renewed after the current one collapsed (or
   after a long silence); a statement of history ("the 2006 ceasefire") joins the record of
   its time if there is one and never opens one;
3. for each record, the timeline of phases (each with its date and every sentence and outlet
   behind it), the mediators, the terms, and the measures: declared, effective, first alleged
   violation (by whom, against whom), collapse, hours held, alleged violations per day by
   accusing side. Articles that disagree (holding, or broken) are all kept: the record's
   current phase is then marked contested, with both.

The records are a function of the dyad's statements alone, so they never depend on the order
in which articles arrived. They need not be rebuilt from every statement when some are added
or removed (:func:`update_records`): the walk of stage 2 looks back only at the current record
(whether a statement opens a new one) and at the records whose span, give or take
HISTORY_SLACK_DAYS, reaches a statement of history. So

- the walk is redone from the first statement of the last stored record starting before a
  changed statement's day (the last record for an undated statement, which sorts after every
  dated one; for a statement of history, the first record of its time, or none when no record
  is near), passing over the statements of history that the records before it took: they
  take the same ones as before unless statements of history changed in the days they reach,
  and then the walk starts a record earlier;
- it goes a stored record at a time, and stops before a stored record whose first statement
  opens a record after the new walk's last, as it did in the old walk, with nothing changed
  that day, and where the new walk's records take the same later statements of history as the
  old ones did. From there on the old walk's records are the new walk's: they are kept, the
  first only linked back to what is now the record before it (a record's id is its first
  statement's, which no change after that statement moves).

A refresh then reads the statements of the records around each change and a week beyond,
however long the dyad's history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, NamedTuple

from trucewatch.analysis.sides import label
from trucewatch.model import CeasefireMention, Mention
from trucewatch.store import ArticleInfo, statement_dyad

# Phases that open a new record after a collapse: a new truce, not news of the old one.
OPENING = frozenset({"agreed", "in_effect", "renewed"})
# An agreement or a start this many days after the record's last one (with no extension in
# between) is a new ceasefire between the same sides: Russia's Easter and Victory Day truces.
NEW_TRUCE_DAYS = 7
# Phases that keep a ceasefire's story going.
KEEPING = frozenset({"agreed", "in_effect", "renewed", "extended"})
# A statement of history joins a record whose span it falls within, give or take these days.
HISTORY_SLACK_DAYS = 7
# Phases that contradict "in effect" when reported at the same time.
BROKEN = frozenset({"violation_alleged", "collapsed"})
ORDER = (
    "proposed",
    "rejected",
    "agreed",
    "extended",
    "in_effect",
    "violation_alleged",
    "renewed",
    "collapsed",
)


@dataclass
class _Item:
    statement: CeasefireMention
    info: ArticleInfo

    @property
    def day(self) -> dt.date | None:
        if self.statement.date.date is not None:
            return self.statement.date.date
        return self.info.published.date() if self.info.published else None

    @property
    def moment(self) -> dt.datetime | None:
        time = self.statement.date.time
        if time is not None and self.statement.date.precision == "hour":
            return time.replace(tzinfo=None)
        day = self.day
        return dt.datetime.combine(day, dt.time()) if day else None

    def sort_key(self) -> tuple[Any, ...]:
        published = self.info.published or dt.datetime.max
        return (
            self.day or dt.date.max,
            published,
            self.statement.article_id,
            self.statement.sentence,
            self.statement.id,
        )


@dataclass
class _Record:
    """A record being built: its statements in walk order, and what the walk asks of it kept
    as they are added, so each step costs the same however long the record."""

    dyad: str
    items: list[_Item] = field(default_factory=list)
    previous: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    collapse: _Item | None = None  # the first statement that it collapsed
    last_kept: dt.date | None = None  # the latest day of a phase that keeps the story going

    def add(self, item: _Item) -> None:
        """Take the next statement of the walk (statements come in sort order)."""
        self.items.append(item)
        phase, day = item.statement.phase, item.day
        if phase == "collapsed" and self.collapse is None:
            self.collapse = item
        if day is None:
            return
        self.start = day if self.start is None else min(self.start, day)
        self.end = day if self.end is None else max(self.end, day)
        if phase in KEEPING:
            self.last_kept = day if self.last_kept is None else max(self.last_kept, day)

    def first(self, phase: str) -> _Item | None:
        dated = [i for i in self.items if i.statement.phase == phase]
        return min(dated, key=lambda i: i.sort_key()) if dated else None


def _opens_new(record: _Record, item: _Item) -> bool:
    phase = item.statement.phase
    if phase not in OPENING or item.day is None or item.statement.status != "asserted":
        return False  # a truce scheduled or hoped for does not start a new record
    return _after(record, item.day)


def _after(record: _Record, day: dt.date) -> bool:
    """Whether a truce agreed or starting on ``day`` comes after ``record``'s: after its
    collapse, or after a long silence."""
    collapse = record.collapse
    if collapse is not None and collapse.day is not None and day > collapse.day:
        return True
    return record.last_kept is not None and (day - record.last_kept).days > NEW_TRUCE_DAYS


class _Walk:
    """Stage 2 for one dyad: statements are fed in sort order, in as many parts as suits.

    Parts may overlap (a statement already fed is passed over), and the walk may start at a
    given statement and pass over statements that records before it took: it then redoes a
    stretch of a longer walk.
    """

    def __init__(self, dyad: str, previous: str | None = None) -> None:
        self.dyad = dyad
        self.previous = previous  # the record before the first this walk opens
        self.records: list[_Record] = []
        # Records whose span, with the slack, still reaches the walk's day. Days only grow
        # along the walk, so a record left behind, other than the current one, never comes
        # back: it could only grow by a statement of history that it reaches. Each lookup
        # costs the few records of recent weeks.
        self.reaching: list[_Record] = []
        self.fed: tuple[Any, ...] | None = None  # the sort key of the last statement fed
        self.floor: tuple[Any, ...] | None = None  # statements before this are not the walk's
        self.skip: set[str] = set()  # statements that records before the walk took

    def feed(self, items: Iterable[_Item]) -> None:
        """Walk these statements, in sort order, passing over those already fed."""
        for item in sorted(items, key=lambda i: i.sort_key()):
            key = item.sort_key()
            if (self.fed is not None and key <= self.fed) or (self.floor is not None and key < self.floor):
                continue
            self.fed = key
            if item.statement.id in self.skip:
                continue
            if item.statement.historical:
                if (home := self.home(item.day)) is not None:
                    home.add(item)
                continue
            if not self.records or _opens_new(self.records[-1], item):
                previous = _record_id(self.records[-1]) if self.records else self.previous
                self.records.append(_Record(self.dyad, previous=previous))
                self.reaching.append(self.records[-1])
            self.records[-1].add(item)

    def home(self, day: dt.date | None) -> _Record | None:
        """The record a statement of history of ``day``, fed next, joins (the first whose span
        it falls within, give or take the slack), if any."""
        if day is None:
            return None
        slack = dt.timedelta(days=HISTORY_SLACK_DAYS)
        current = self.records[-1] if self.records else None
        # only the current record grows by statements that are not history
        self.reaching = [
            r for r in self.reaching if r is current or (r.end is not None and day <= r.end + slack)
        ]
        return next((r for r in self.reaching if _within(day, r.start, r.end)), None)

    def last_id(self) -> str | None:
        """The id of the last record opened, else of the record before the walk."""
        return _record_id(self.records[-1]) if self.records else self.previous

    def reach(self) -> dt.date | None:
        """The last day a statement of history can join one of the walk's records on."""
        ends = [r.end for r in self.records if r.end is not None]
        return max(ends) + dt.timedelta(days=HISTORY_SLACK_DAYS) if ends else None


def group(items: Sequence[_Item]) -> list[_Record]:
    """Records of one dyad from its statements (stage 2)."""
    walk = _Walk(statement_dyad(items[0].statement) or "" if items else "")
    walk.feed(items)
    return walk.records


def _record_id(record: _Record) -> str:
    first = min(record.items, key=lambda i: i.sort_key())
    return _opened_by(record.dyad, first.statement.id)


def _opened_by(dyad: str, statement_id: str) -> str:
    """The id of the record of ``dyad`` whose first statement is ``statement_id``."""
    return hashlib.sha1(f"{dyad}:{statement_id}".encode()).hexdigest()[:16]


def _source(item: _Item) -> dict[str, Any]:
    s = item.statement
    return {
        "statement_id": s.id,
        "article_id": s.article_id,
        "outlet": item.info.outlet,
        "published": item.info.published.isoformat() if item.info.published else None,
        "date": item.day.isoformat() if item.day else None,
        "status": s.status,
        "words": s.trigger,
        "sentence": s.sentence_text,
        "events": list(s.events),
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _hours(start: _Item | None, end: _Item | None) -> float | None:
    if start is None or end is None or start.moment is None or end.moment is None:
        return None
    return round((end.moment - start.moment).total_seconds() / 3600, 1)


def _sides(items: Iterable[_Item], attr: str) -> list[str]:
    return sorted({m.actor.country for i in items for m in getattr(i.statement, attr) if m.actor.country})


def describe(record: _Record) -> dict[str, Any]:
    """The stored form of a record (stage 3)."""
    items = sorted(record.items, key=lambda i: i.sort_key())
    codes = record.dyad.split("|") if record.dyad else []
    party_mentions: dict[str, list[Mention]] = defaultdict(list)
    for i in items:
        for m in i.statement.parties:
            if m.actor.country in codes:
                party_mentions[m.actor.country].append(m)
    mediators: Counter[str] = Counter()
    mediator_names: dict[str, list[Mention]] = defaultdict(list)
    for i in items:
        for m in i.statement.mediators:
            if m.actor.country and m.actor.country not in codes:
                mediators[m.actor.country] += 1
                mediator_names[m.actor.country].append(m)
    timeline: dict[tuple[str, str | None], list[_Item]] = defaultdict(list)
    for i in items:
        timeline[(i.statement.phase, _iso(i.day))].append(i)
    phases = [
        {"phase": phase, "date": day, "sources": [_source(i) for i in group_items]}
        for (phase, day), group_items in sorted(
            timeline.items(), key=lambda kv: (kv[0][1] or "9999", ORDER.index(kv[0][0]))
        )
    ]
    declared = record.first("agreed")
    effective = record.first("in_effect")
    start = effective or declared
    collapse = record.first("collapsed")
    violations = [i for i in items if i.statement.phase == "violation_alleged"]
    after_start = [v for v in violations if start is None or (v.day and start.day and v.day >= start.day)]
    first_violation = after_start[0] if after_start else (violations[0] if violations else None)
    current, contested = _current(items)
    end = collapse or items[-1]
    span_days = 1.0
    if start is not None and start.day is not None and end.day is not None:
        span_days = max(1.0, float((end.day - start.day).days))
    per_side: Counter[str] = Counter()
    for v in violations:
        for code in {m.actor.country for m in v.statement.accusers if m.actor.country} or {"unknown"}:
            per_side[code] += 1
    return {
        "id": _record_id(record),
        "dyad": record.dyad,
        "parties": [{"code": c, "name": label(party_mentions[c]) if party_mentions[c] else c} for c in codes],
        "mediators": [
            {"code": c, "name": label(mediator_names[c]), "statements": n} for c, n in mediators.most_common()
        ],
        "phases": phases,
        "declared_at": _iso(declared.day) if declared else None,
        "effective_at": _iso(effective.day) if effective else None,
        "first_violation_alleged_at": _iso(first_violation.day) if first_violation else None,
        "first_violation_by": _sides([first_violation], "accusers") if first_violation else [],
        "first_violation_against": _sides([first_violation], "accused") if first_violation else [],
        "collapsed_at": _iso(collapse.day) if collapse else None,
        "end_reason": {"words": collapse.statement.trigger, "sentence": collapse.statement.sentence_text}
        if collapse
        else None,
        "current_phase": current,
        "contested": contested,
        "hours_held": _hours(start, collapse),
        "hours_to_first_violation": _hours(start, first_violation),
        "violations_per_day": {side: round(n / span_days, 2) for side, n in sorted(per_side.items())},
        "terms": sorted({t for i in items for t in i.statement.terms}),
        "previous": record.previous,
        "articles": sorted({i.statement.article_id for i in items}),
        "outlets": sorted({o for i in items if (o := i.info.outlet)}),
        "start_date": _iso(record.start),
        "end_date": _iso(record.end),
    }


def _current(items: Sequence[_Item]) -> tuple[str, list[dict[str, Any]]]:
    """The phase of the latest statements, and the conflicting reports when they disagree."""
    dated = [i for i in items if i.day is not None]
    if not dated:
        # No dates to order by (articles without a publication date): the furthest phase any
        # article asserts, since news leads with the latest turn ("the truce collapsed") and
        # tells the earlier ones after it.
        asserted = [i for i in items if i.statement.status == "asserted"] or list(items)
        return max(asserted, key=lambda i: ORDER.index(i.statement.phase)).statement.phase, []
    last_day = max(i.day for i in dated if i.day is not None)
    latest = [i for i in dated if i.day == last_day]
    phases = {i.statement.phase for i in latest}
    if "in_effect" in phases and phases & BROKEN:
        conflicting = [
            {"phase": i.statement.phase, "outlet": i.info.outlet, "sentence": i.statement.sentence_text}
            for i in latest
            if i.statement.phase in BROKEN | {"in_effect"}
        ]
        broken = "collapsed" if "collapsed" in phases else "violation_alleged"
        return broken, conflicting
    ordered = sorted(latest, key=lambda i: (ORDER.index(i.statement.phase), i.sort_key()))
    return ordered[-1].statement.phase, []


def build_records(
    statements: Iterable[tuple[CeasefireMention, ArticleInfo]],
) -> dict[str, list[dict[str, Any]]]:
    """Every dyad's ceasefire records from its statements."""
    by_dyad: dict[str, list[_Item]] = defaultdict(list)
    for statement, info in statements:
        dyad = statement_dyad(statement)
        if dyad is not None:
            by_dyad[dyad].append(_Item(statement, info))
    return {dyad: _described(group(items), None) for dyad, items in by_dyad.items()}


def _described(records: Sequence[_Record], following: str | None) -> list[dict[str, Any]]:
    """The stored form of consecutive records, each linked to the next, the last to ``following``."""
    described = [describe(r) for r in records]
    for before, after in pairwise(described):
        before["next"] = after["id"]
    if described:
        described[-1]["next"] = following
    return described


class Change(NamedTuple):
    """A statement added to or removed from a dyad: where it sits in the walk of stage 2."""

    day: dt.date | None
    historical: bool


# A change before any record: the dyad's records are all rebuilt (when what changed is not
# known, as for articles an interrupted run stored, whose replaced versions are gone).
FROM_START = Change(dt.date.min, historical=False)


def change_of(statement: CeasefireMention, info: ArticleInfo) -> Change:
    """Where a statement added or removed sits among its dyad's statements."""
    return Change(_Item(statement, info).day, statement.historical)


class Span(NamedTuple):
    """A stored record's id and first and last days: all a change needs to find its place."""

    id: str
    start: dt.date | None
    end: dt.date | None


# Reads a dyad's statements of the days from the first date up to the second (None: from the
# first statement; to the last, and the undated ones).
Loader = Callable[[dt.date | None, dt.date | None], Iterable[tuple[CeasefireMention, ArticleInfo]]]
# Reads stored records by id.
Reader = Callable[[Iterable[str]], Iterable[dict[str, Any]]]


class Update(NamedTuple):
    """What a refresh changes of a dyad's stored records."""

    replaced: set[str]  # ids of the stored records to remove
    records: list[dict[str, Any]]  # the records to store in their place
    relinked: dict[str, str | None]  # stored records kept, whose record before them is now this one


def update_records(
    dyad: str, spans: Sequence[Span], changes: Iterable[Change], load: Loader, read: Reader
) -> Update | None:
    """What ``changes`` change of a dyad's stored records (``spans``, in order), walking only
    the records they can alter; None when they alter none.

    Each stretch of walk starts at the first statement of a stored record (:func:`restarts`),
    passing over the statements of history that records before it took, and goes a stored
    record at a time. It stops at the first statement of a stored record that opens a record
    in the new walk as in the old, with no change that day or in the days the records before
    can take history on, and where the new walk's records take the same statements of history
    from there as the old ones did: from there on the old walk's records are the new walk's,
    only linked back to what is now the record before.
    """
    changes = list(changes)
    if FROM_START in changes or not spans or any(s.start is None for s in spans):
        return _walk_all(dyad, spans, load)  # (no records, or one of undated statements only)
    reads = _ReadOnce(load)
    starting = restarts(spans, changes)
    if not starting:
        return None
    history = sorted(c.day for c in changes if c.historical and c.day is not None)
    changed_days = {c.day for c in changes}
    update = Update(set(), [], {})
    pending = list(starting)
    while pending:
        begun = index = pending.pop(0)
        reads.let_go(spans[index].start)
        walk = _Walk(dyad, spans[index - 1].id if index else None)
        window = [_Item(s, i) for s, i in reads(spans[index].start if index else None, _until(spans, index))]
        if index:
            first = _first_of(dyad, spans[index], window)
            if first is None:  # the store changed under us: take no chances
                return _walk_all(dyad, spans, load)
            walk.floor = first.sort_key()
            walk.skip = _taken(read, spans[:index], spans[index].start)
        following = None
        while True:
            walk.feed(window)
            update.replaced.add(spans[index].id)
            index += 1
            if index == len(spans):
                break
            start = spans[index].start
            reads.let_go(start)
            if start is not None and index not in starting and start not in changed_days:
                # the first day of the next record is enough to tell whether to stop before it
                head = [_Item(s, i) for s, i in reads(start, start + _DAY)]
                if _cut(walk, spans[begun:index], spans[index], start + _DAY, head, history, reads, read):
                    following = spans[index].id
                    if walk.last_id() != spans[index - 1].id:
                        update.relinked[following] = walk.last_id()
                    break
            window = [_Item(s, i) for s, i in reads(start, _until(spans, index))]
        update.records.extend(_described(walk.records, following))
        pending = [p for p in pending if p > index]
    return update


class _ReadOnce:
    """A loader that reads each day of statements once in a walk that moves forward.

    The walk reads the first day of a stored record on its own (whether to stop before it),
    then again with the record's days, and reads ahead for statements of history that the
    next record's walk reads again: a refresh of 800 articles spread over two years of a
    100,000-article database read 325,000 statements, 238,000 of them distinct. The walk lets
    go of the days before the record it has come to (:meth:`let_go`), so that this holds
    what a few records span.
    """

    def __init__(self, load: Loader) -> None:
        self.load = load
        self.days: dict[dt.date, list[tuple[CeasefireMention, ArticleInfo]]] = {}

    def __call__(
        self, since: dt.date | None, until: dt.date | None
    ) -> Iterable[tuple[CeasefireMention, ArticleInfo]]:
        if until is None:
            # to the last statement and the undated ones, which have no day: read past those held
            held = since
            while held is not None and held in self.days:
                held += _DAY
            return [*self._held(since, held), *self.load(held, None)]
        if since is None:  # from the first statement: the days it covers are known once read
            found = list(self.load(None, until))
            days = [day for statement, info in found if (day := _Item(statement, info).day) is not None]
            if days:
                self._keep(min(days), until, found)
            return found
        missing = [day for day in _days_between(since, until) if day not in self.days]
        if missing:
            # one read from the first missing day to the last; days in between read again
            self._keep(missing[0], missing[-1] + _DAY, self.load(missing[0], missing[-1] + _DAY))
        return self._held(since, until)

    def let_go(self, before: dt.date | None) -> None:
        """Forget the days before ``before`` (None: none), which the walk has passed."""
        if before is not None:
            self.days = {day: found for day, found in self.days.items() if day >= before}

    def _keep(
        self, first: dt.date, until: dt.date, found: Iterable[tuple[CeasefireMention, ArticleInfo]]
    ) -> None:
        """Hold the statements of the days from ``first`` to ``until`` (excluded), all read."""
        self.days.update({day: [] for day in _days_between(first, until)})
        for statement, info in found:
            day = _Item(statement, info).day
            if day is not None and first <= day < until:  # a bounded read has no others
                self.days[day].append((statement, info))

    def _held(
        self, since: dt.date | None, until: dt.date | None
    ) -> list[tuple[CeasefireMention, ArticleInfo]]:
        if since is None or until is None:
            return []
        return [pair for day in _days_between(since, until) for pair in self.days[day]]


def _days_between(first: dt.date, until: dt.date) -> list[dt.date]:
    """The days from ``first`` to ``until``, excluded."""
    return [first + _DAY * n for n in range((until - first).days)]


def _walk_all(dyad: str, spans: Sequence[Span], load: Loader) -> Update:
    """All the records of a dyad, walked from its first statement."""
    walk = _Walk(dyad)
    walk.feed(_Item(s, i) for s, i in load(None, None))
    return Update({s.id for s in spans}, _described(walk.records, None), {})


def _until(spans: Sequence[Span], index: int) -> dt.date | None:
    """The end (excluded) of the days of a stored record's walk: the next one's start."""
    return spans[index + 1].start if index + 1 < len(spans) else None


def _first_of(dyad: str, span: Span, window: Iterable[_Item]) -> _Item | None:
    """The statement that opened a stored record (its id is made from it)."""
    for item in window:
        if (
            item.day == span.start
            and not item.statement.historical
            and _opened_by(dyad, item.statement.id) == span.id
        ):
            return item
    return None


def _taken(read: Reader, before: Sequence[Span], start: dt.date | None) -> set[str]:
    """The statements that the stored records ``before`` a day took, of those reaching that
    day: among them, the statements of history from that day on that they took."""
    slack = dt.timedelta(days=HISTORY_SLACK_DAYS)
    reaching = [s.id for s in before if s.end is not None and start is not None and start <= s.end + slack]
    return {src["statement_id"] for r in read(reaching) for p in r["phases"] for src in p["sources"]}


def _cut(
    walk: _Walk,
    old: Sequence[Span],
    span: Span,
    until: dt.date,
    window: list[_Item],
    history: list[dt.date],
    load: Loader,
    read: Reader,
) -> bool:
    """Whether the walk can stop before the stored record ``span`` (``old``: the stored
    records it walked again; ``window``: the statements of ``span``'s days, up to ``until``).

    It can when that record's first statement opens a record after the walk's, as it did in
    the old walk, and the statements of history from there on that the walk's records would
    take are those that the old records took (none of them changed); the walk then takes them.
    Whatever the answer, the walk is fed the statements of that day before the record's first.
    """
    first = _first_of(walk.dyad, span, window)
    if first is None or span.start is None:
        return False
    walk.feed(i for i in window if i.sort_key() < first.sort_key())
    if walk.records and not _opens_new(walk.records[-1], first):
        return False
    slack = dt.timedelta(days=HISTORY_SLACK_DAYS)
    old_reach = [s.end + slack for s in old if s.end is not None]
    homes = [(r.start, r.end) for r in walk.records]  # the walk's spans as they would grow
    later: list[_Item] = []
    taken: list[_Item] = []
    seen = span.start - dt.timedelta(days=1)  # statements of history read up to this day
    while (reach := max([*old_reach, *(e + slack for _, e in homes if e is not None)], default=seen)) > seen:
        if history[bisect_left(history, seen + dt.timedelta(days=1)) : bisect_left(history, reach + _DAY)]:
            return False  # statements of history changed where the records walked again reach
        days = [i for i in window if i.day is not None and seen < i.day <= reach]
        if reach >= until:
            days += [_Item(s, info) for s, info in load(max(seen + _DAY, until), reach + _DAY)]
        found = sorted(
            (
                i
                for i in days
                if i.statement.historical
                and i.statement.id not in walk.skip
                and i.sort_key() > first.sort_key()
            ),
            key=lambda i: i.sort_key(),
        )
        seen = reach
        for item in found:
            later.append(item)
            at = next((n for n, (a, b) in enumerate(homes) if _within(item.day, a, b)), None)
            if at is not None and item.day is not None:
                start, end = homes[at]
                homes[at] = (start, max(end, item.day) if end else item.day)
                taken.append(item)
    if later:
        took = _taken(read, old, span.start)
        if {i.statement.id for i in taken} != took & {i.statement.id for i in later}:
            return False
        for item in taken:
            home = walk.home(item.day)
            if home is not None:
                home.add(item)
    return True


_DAY = dt.timedelta(days=1)


def _within(day: dt.date | None, start: dt.date | None, end: dt.date | None) -> bool:
    """Whether a statement of history of ``day`` falls within a span, give or take the slack."""
    slack = dt.timedelta(days=HISTORY_SLACK_DAYS)
    return day is not None and start is not None and end is not None and start - slack <= day <= end + slack


def restarts(spans: Sequence[Span], changes: Iterable[Change]) -> list[int]:
    """The stored records (indexes in ``spans``, all dated) from whose first statement the
    walk must be redone for ``changes``, in order: for each change, the first record it can
    alter, or an earlier one while statements of history changed in the days from that
    record's start that records before it reach (they could have moved between records before
    it). Changes that alter no record (history of no record's time) have none."""
    changes = list(changes)
    starts = [s.start for s in spans if s.start is not None]
    history = sorted(c.day for c in changes if c.historical and c.day is not None)
    slack = dt.timedelta(days=HISTORY_SLACK_DAYS)
    reached, reaches = dt.date.min, []  # for each record, the last day records before it reach
    for span in spans:
        reaches.append(reached)
        if span.end is not None:
            reached = max(reached, span.end + slack)
    found = set()
    for change in changes:
        index = _reach(spans, starts, change)
        if index is None:
            continue
        while (
            index
            and history[bisect_left(history, starts[index]) : bisect_left(history, reaches[index] + _DAY)]
        ):
            index -= 1
        found.add(index)
    return sorted(found)


def _reach(spans: Sequence[Span], starts: list[dt.date], change: Change) -> int | None:
    """The first stored record that one change can alter, None for none."""
    if change.day is None:
        # undated: sorted after every dated statement, it joins the last record, unless it is
        # history, which only joins a record of its time
        return None if change.historical else len(spans) - 1
    if not change.historical:
        # the last record starting before its day; a record starting on that day may start
        # after it, on a statement published later
        return max(bisect_left(starts, change.day) - 1, 0)
    slack = dt.timedelta(days=HISTORY_SLACK_DAYS)
    for index, span in enumerate(spans):
        if span.start is not None and span.start > change.day:
            break
        if span.end is not None and change.day <= span.end + slack:
            return index
    return None


def windows(records: Iterable[dict[str, Any]]) -> list[tuple[str, dt.date, dt.date]]:
    """(id, start, end) of each record's time in effect, for escalation charts."""
    out = []
    for r in records:
        start = r.get("effective_at") or r.get("declared_at") or r.get("start_date")
        end = r.get("collapsed_at") or r.get("end_date") or start
        if start and end:
            out.append((r["id"], dt.date.fromisoformat(start), dt.date.fromisoformat(end)))
    return out
