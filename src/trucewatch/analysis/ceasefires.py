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
in which articles arrived. They need not be rebuilt from every statement each time some are
added or removed: the walk of stage 2 looks back only at the current record (to decide whether
a statement opens a new one) and at records whose span, give or take HISTORY_SLACK_DAYS,
reaches a statement of history. So the walk up to a changed statement is the walk that built
the stored records, and :func:`rebuild_from` names the first stored record that a set of
changes can alter: the last one starting before a changed statement's day (an undated
statement sorts last and joins the last record; a statement of history changes the first
record of its time, and nothing when none is near), moved back past any earlier record whose
span reaches into it. That record and those after it are rebuilt from the statements dated
from its start (and the undated ones), the first linked to the record before it, whose id and
link forward stay as they are: a record's id is its first statement's, which no change after
it moves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
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
    collapse = record.collapse
    if collapse is not None and collapse.day is not None and item.day > collapse.day:
        return True
    return record.last_kept is not None and (item.day - record.last_kept).days > NEW_TRUCE_DAYS


def group(items: Sequence[_Item], previous: str | None = None) -> list[_Record]:
    """Records of one dyad from its statements (stage 2); the first is linked to ``previous``."""
    records: list[_Record] = []
    dyad = statement_dyad(items[0].statement) if items else ""
    slack = dt.timedelta(days=HISTORY_SLACK_DAYS)
    # Records whose span, with the slack, still reaches the walk's day. Days only grow along
    # the walk, so a record left behind never comes back: it could only grow by a statement of
    # history that it reaches. Each lookup then costs the few records of recent weeks.
    reaching: list[_Record] = []
    for item in sorted(items, key=lambda i: i.sort_key()):
        day = item.day
        if item.statement.historical:
            if day is None:
                continue
            reaching = [r for r in reaching if r.end is not None and day <= r.end + slack]
            home = next((r for r in reaching if r.start is not None and r.start - slack <= day), None)
            if home is not None:
                home.add(item)
            continue
        if not records:
            records.append(_Record(dyad or "", previous=previous))
            reaching.append(records[-1])
        elif _opens_new(records[-1], item):
            records.append(_Record(dyad or "", previous=_record_id(records[-1])))
            reaching.append(records[-1])
        records[-1].add(item)
    return [r for r in records if r.items]


def _record_id(record: _Record) -> str:
    first = min(record.items, key=lambda i: i.sort_key())
    return hashlib.sha1(f"{record.dyad}:{first.statement.id}".encode()).hexdigest()[:16]


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
    by_dyad: dict[str, list[tuple[CeasefireMention, ArticleInfo]]] = defaultdict(list)
    for statement, info in statements:
        dyad = statement_dyad(statement)
        if dyad is not None:
            by_dyad[dyad].append((statement, info))
    return {dyad: dyad_records(found) for dyad, found in by_dyad.items()}


def dyad_records(
    statements: Iterable[tuple[CeasefireMention, ArticleInfo]], previous: str | None = None
) -> list[dict[str, Any]]:
    """The records of one dyad's statements, in order, each linked to the next; the first is
    linked back to ``previous`` (a stored record before them, when only the rest is rebuilt)."""
    described = [describe(r) for r in group([_Item(s, i) for s, i in statements], previous)]
    for before, after in pairwise(described):
        before["next"] = after["id"]
    if described:
        described[-1]["next"] = None
    return described


class Change(NamedTuple):
    """A statement added to or removed from a dyad: where it sits in the walk of stage 2."""

    day: dt.date | None
    historical: bool


# A change before any record: the dyad is rebuilt from its first statement (when what changed
# is not known, as for articles an interrupted run stored).
FROM_START = Change(dt.date.min, historical=False)


def change_of(statement: CeasefireMention, info: ArticleInfo) -> Change:
    """Where a statement added or removed sits among its dyad's statements."""
    return Change(_Item(statement, info).day, statement.historical)


class Span(NamedTuple):
    """A stored record's id and first and last days: all a change needs to find its place."""

    id: str
    start: dt.date | None
    end: dt.date | None


def rebuild_from(spans: Sequence[Span], changes: Iterable[Change]) -> int | None:
    """The index of the first stored record (``spans``, in order) that ``changes`` can alter,
    or None when they alter none (statements of history with no record of their time)."""
    if not spans or any(s.start is None for s in spans):
        return 0  # no records, or one of undated statements only: build it all
    starts = [s.start for s in spans if s.start is not None]
    first: int | None = None
    for change in changes:
        reach = _reach(spans, starts, change)
        if reach is not None:
            first = reach if first is None else min(first, reach)
    if first is None:
        return None
    # Statements from the first rebuilt record's start on must not reach back into an earlier
    # record: start from the latest record that no earlier one reaches, with the slack.
    slack = dt.timedelta(days=HISTORY_SLACK_DAYS)
    latest, reached = 0, dt.date.min
    for index, span in enumerate(spans[: first + 1]):
        if span.start is not None and reached < span.start:
            latest = index
        if span.end is not None:
            reached = max(reached, span.end + slack)
    return latest


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
