"""Escalation per dyad: daily conflict-cooperation sums, a casualty-weighted intensity, trends.

Stages:

1. daily rows (:func:`daily_row`), one per dyad and day, from the asserted events of that day
   between the two sides (:func:`counted`, kept in the store per event and dyad): the sum of
   PLOVER scores, its conflictual and cooperative parts, an intensity that weights each
   conflictual event by its casualties, the number of distinct events and of distinct
   outlets. These rows are stored and rebuilt per (dyad, day) when an article touching them
   arrives, so the table always equals a build from scratch.
2. the series (:func:`series`): the rows of one dyad with empty days filled, a trend over a
   trailing window, and a flag on days whose intensity jumps or falls sharply against it.
3. hourly counts where events carry a time of day (:func:`hourly`).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from trucewatch.analysis.sides import event_dyads
from trucewatch.model import Event
from trucewatch.store import EscalationEvent

# An injured person weighs half a death in the intensity.
INJURED_WEIGHT = 0.5
# Default trailing window for the trend and the change flags, in days.
WINDOW = 7
# A day is flagged when its intensity is this many standard deviations from the window's mean,
# and differs from it by at least MIN_JUMP (so a quiet dyad's first strike is flagged, but not
# every wobble of a busy one).
FLAG_SIGMAS = 2.0
MIN_JUMP = 9.0


def casualty_weight(event: Event) -> float:
    """1 for an event without casualties, growing with the log of the dead and injured."""
    cas = event.casualties
    if cas is None:
        return 1.0
    killed = cas.killed.value if cas.killed else 0
    injured = cas.injured.value if cas.injured else 0
    return 1.0 + math.log1p(killed + INJURED_WEIGHT * injured)


def counts_toward_escalation(event: Event) -> bool:
    """Only what the articles say happened: not alleged, denied, future or hypothetical events."""
    return event.status == "asserted" and event.date.date is not None


def counted(event: Event) -> list[EscalationEvent]:
    """What each daily row of the event's dyads takes from it: none unless it counts toward
    escalation, else one row per dyad with its score, casualty weight and dead."""
    day = event.date.date
    if day is None or not counts_toward_escalation(event):
        return []
    cas = event.casualties
    killed = cas.killed.value if cas and cas.killed else 0
    weight = casualty_weight(event)
    return [
        EscalationEvent(event.id, event.article_id, dyad, day, event.score, weight, killed)
        for dyad in sorted(event_dyads(event))
    ]


def daily_row(dyad: str, day: dt.date, rows: Iterable[EscalationEvent]) -> dict[str, Any]:
    """The stored row of one dyad on one day, from the counted events of that dyad and day."""
    chosen = sorted(rows, key=lambda r: r.event_id)  # summed in one order, whatever the read's
    conflict = sum(min(r.score, 0.0) for r in chosen)
    cooperation = sum(max(r.score, 0.0) for r in chosen)
    intensity = sum(-r.score * r.weight for r in chosen if r.score < 0)
    return {
        "dyad": dyad,
        "day": day,
        "score": round(conflict + cooperation, 3),
        "conflict": round(conflict, 3),
        "cooperation": round(cooperation, 3),
        "intensity": round(intensity, 3),
        "events": len(chosen),
        "killed": sum(r.killed for r in chosen),
        "outlets": sorted({r.outlet for r in chosen if r.outlet}),
        "event_ids": [r.event_id for r in chosen],
    }


def keys_of(events: Iterable[Event]) -> set[tuple[str, dt.date]]:
    """The (dyad, day) keys a set of events touches."""
    return {(dyad, e.date.date) for e in events if e.date.date is not None for dyad in event_dyads(e)}


@dataclass
class Day:
    """One day of a dyad's series."""

    day: dt.date
    score: float = 0.0
    conflict: float = 0.0
    cooperation: float = 0.0
    intensity: float = 0.0
    events: int = 0
    killed: int = 0
    outlets: list[str] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)
    trend: float = 0.0
    flag: str | None = None
    in_ceasefire: list[str] = field(default_factory=list)


def series(
    rows: Sequence[Mapping[str, Any]],
    windows: Sequence[tuple[str, dt.date, dt.date]] = (),
    window: int = WINDOW,
) -> list[Day]:
    """A dyad's days from its first to its last row, empty days filled, with trend and flags.

    ``trend`` is the least-squares slope of intensity per day over the trailing ``window``
    days (positive: heating up). ``flag`` is "up" or "down" on a day whose intensity departs
    sharply from the previous window. ``windows`` are ceasefire periods (id, start, end); each
    day lists the ceasefires in effect on it.
    """
    if not rows:
        return []
    by_day = {r["day"]: r for r in rows}
    first, last = min(by_day), max(by_day)
    days: list[Day] = []
    current = first
    while current <= last:
        r = by_day.get(current)
        day = Day(current)
        if r is not None:
            day = Day(
                current,
                r["score"],
                r["conflict"],
                r["cooperation"],
                r["intensity"],
                r["events"],
                r["killed"],
                list(r["outlets"]),
                list(r["event_ids"]),
            )
        day.in_ceasefire = [cid for cid, start, end in windows if start <= current <= end]
        days.append(day)
        current += dt.timedelta(days=1)
    for i, day in enumerate(days):
        past = [d.intensity for d in days[max(0, i - window) : i]]
        trailing = [d.intensity for d in days[max(0, i - window + 1) : i + 1]]
        day.trend = round(_slope(trailing), 3)
        day.flag = _flag(day.intensity, past)
    return days


def _slope(values: Sequence[float]) -> float:
    n = len(values)
    if n < 2:
        return 0.0
    mean_x = (n - 1) / 2
    mean_y = sum(values) / n
    num = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    den = sum((i - mean_x) ** 2 for i in range(n))
    return num / den


def _flag(value: float, past: Sequence[float]) -> str | None:
    if not past:
        return None
    mean = statistics.fmean(past)
    spread = statistics.pstdev(past) if len(past) > 1 else 0.0
    if abs(value - mean) < MIN_JUMP:
        return None
    if value > mean + FLAG_SIGMAS * spread:
        return "up"
    if value < mean - FLAG_SIGMAS * spread:
        return "down"
    return None


def hourly(events: Iterable[Event], dyad: str) -> list[tuple[dt.datetime, int, float]]:
    """(hour, events, intensity) for the dyad's events that carry a time of day."""
    buckets: dict[dt.datetime, list[Event]] = defaultdict(list)
    for e in events:
        if dyad in event_dyads(e) and counts_toward_escalation(e) and e.date.time is not None:
            moment = e.date.time.replace(tzinfo=None, minute=0, second=0, microsecond=0)
            buckets[moment].append(e)
    return [
        (hour, len(evs), round(sum(-e.score * casualty_weight(e) for e in evs if e.score < 0), 3))
        for hour, evs in sorted(buckets.items())
    ]
