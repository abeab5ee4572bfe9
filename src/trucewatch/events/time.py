"""When an event happened: temporal expressions resolved against the publication time.

News dates events relative to the day it is published ("on Tuesday", "overnight", "58 days
ago", "in the past 24 hours"), and general date parsers read many of these wrongly or not at
all. This module has explicit rules for the expressions news uses, each tested, and falls back
on dateparser only for explicit dates its rules do not know ("Sept. 3rd"). The words are data,
in ``time.yaml``; the shapes of the expressions are the regular expressions below.

Stages of :func:`parse_when`:

1. Find the pieces: explicit dates, day-month and month-year, weekdays, relative days
   ("yesterday"), "N units ago", calendar units ("last week"), durations ("over six days"),
   night and early-hours words, clock times ("at 4 a.m.", "0915 GMT"). Overlaps keep the longest.
2. Resolve each piece against the publication time. A date without a year, a weekday or a
   month takes the most recent one on or before publication (the next one for a future event),
   so that a past event is never dated after the article that reports it.
3. Combine: the most specific date wins; two dates joined by "between/from ... and/to" make a
   period, as does "since X" (up to publication) or a duration alone (ending at publication);
   a clock time refines a day to the hour.

:func:`event_date` finds the expressions of a sentence, prefers those attached to the trigger's
clause and then the one nearest the trigger, and falls back on the publication date.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from dateparser.date import DateDataParser
from pydantic import BaseModel, ConfigDict
from spacy.tokens import Span, Token

from trucewatch.datafiles import load_model
from trucewatch.errors import DataFileError
from trucewatch.events.numbers import number_regex, parse_count
from trucewatch.model import EventDate
from trucewatch.nlp import entities, text_of

TIME_FILE = Path(__file__).with_name("time.yaml")
PRECISIONS = ("hour", "day", "week", "month", "year")
T = TypeVar("T")
UNIT_DAYS = {"hour": 1 / 24, "day": 1.0, "week": 7.0, "month": 30.0, "year": 365.0}
# How specific a piece is, when several name the date: the highest wins.
RANK = {"iso": 9, "full": 8, "range": 8, "day_month": 7, "weekday": 6, "relative": 5, "ago": 5,
        "weekend": 5, "month_year": 4, "calendar": 3, "month": 3, "year": 2}  # fmt: skip
# Words that may stand between two pieces of one expression ("at 0915 GMT on June 13").
_JOINERS = re.compile(
    r"^[\s,(]*(?:(?:on|at|of|in|into|and|around|about|early|late|the|to|until|till|through)[\s,(]+)*$"
)
_OPENERS = re.compile(r"\b(since|between|from)\s+$", re.IGNORECASE)


class TimeWords(BaseModel):
    """The whole ``time.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    months: dict[str, int]
    full_months: list[str]
    weekdays: dict[str, int]
    relative_days: dict[str, int]
    night_words: list[str]
    early_words: list[str]
    parts_of_day: list[str]
    units: dict[str, str]
    utc_zones: list[str]


@dataclass(frozen=True)
class Duration:
    """A span of time the text gives ("over six days"): offsets in the text and length in days."""

    start: int
    end: int
    days: float
    text: str


@dataclass(frozen=True)
class _Ctx:
    published: datetime | None
    future: bool

    @property
    def day(self) -> date | None:
        return self.published.date() if self.published else None


@dataclass(frozen=True)
class _Piece:
    """One resolved piece of a temporal expression."""

    start: int
    end: int
    kind: str  # date, night, early, duration, clock
    rule: str = ""
    when: date | None = None
    precision: str = "day"
    end_date: date | None = None
    clock: tuple[int, int, bool] | None = None  # hour, minute, in UTC
    days: float | None = None
    future_period: bool = False
    moment: datetime | None = None


Handler = Callable[[re.Match[str], _Ctx], _Piece | None]


@dataclass(frozen=True)
class _Rule:
    """A shape of temporal expression; ``needs`` are words one of which a text must hold for
    the pattern to be worth trying (DIGIT: a digit), which spares most patterns most texts."""

    name: str
    pattern: re.Pattern[str]
    handler: Handler
    needs: frozenset[str]


# Stands for "any digit" among the words a rule needs.
DIGIT = "0"
_LETTERS = re.compile(r"[a-z]+")
_DIGIT = re.compile(r"\d")


def _validate(data: TimeWords) -> None:
    bad = [m for m in data.months.values() if not 1 <= m <= 12]
    bad += [d for d in data.weekdays.values() if not 0 <= d <= 6]
    if bad:
        raise ValueError(f"month or weekday number out of range: {bad}")
    if missing := [m for m in data.full_months if m not in data.months]:
        raise ValueError(f"full_months not in months: {missing}")
    if unknown := {u for u in data.units.values() if u not in UNIT_DAYS}:
        raise ValueError(f"unknown units {sorted(unknown)} (known: {', '.join(UNIT_DAYS)})")


@cache
def _time_words() -> TimeWords:
    """``time.yaml``, read and validated once per process."""
    data = load_model(TIME_FILE, TimeWords, "time words")
    try:
        _validate(data)
    except ValueError as exc:
        raise DataFileError(f"{TIME_FILE}: {exc}") from exc
    return data


# --- regular expression pieces ------------------------------------------------------------------


def _alternation(words: list[str]) -> str:
    """Words as a regex alternation, longest first, spaces matching any whitespace."""
    escaped = (re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return "|".join(escaped)


def _month(name: str, full_only: bool = False) -> str:
    """A month name; "May" and "Mar" only capitalised, so the verb "may" is not a month."""
    words = _time_words()

    def alternatives(names: list[str]) -> list[str]:
        ordered = sorted(names, key=len, reverse=True)
        plain = [re.escape(n) for n in ordered if n not in ("may", "mar")]
        return plain + [f"(?-i:{n.capitalize()}|{n.upper()})" for n in ordered if n in ("may", "mar")]

    full = alternatives(words.full_months)
    if full_only:
        return rf"(?P<{name}>{'|'.join(full)})"
    short = alternatives([m for m in words.months if m not in words.full_months])
    return rf"(?P<{name}>(?:{'|'.join(full)})|(?:{'|'.join(short)})\.?)"


def _day(name: str) -> str:
    return rf"(?P<{name}>[0-3]?\d)(?:st|nd|rd|th)?\b"


def _year(name: str) -> str:
    return rf"(?P<{name}>(?:19|20)\d{{2}})\b"


@cache
def _rules() -> tuple[_Rule, ...]:
    w = _time_words()
    num = rf"(?P<n>{number_regex()})"
    units = _alternation(list(w.units))
    weekday = rf"(?P<w>{_alternation(list(w.weekdays))})"
    parts = _alternation(w.parts_of_day)
    zones = rf"(?P<tz>{_alternation(w.utc_zones)}|local\s+time)\b"
    specs: list[tuple[str, str, Handler]] = [
        ("iso", r"\b(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})\b", _on_iso),
        (
            "range",
            rf"\b(?:between|from)\s+{_day('d1')}\s+(?:and|to|until|till|through)\s+{_day('d2')}\s+(?:of\s+)?"
            rf"{_month('m')}(?:,?\s+{_year('y')})?",
            _on_range,
        ),
        ("range", rf"\b{_day('d1')}\s*[-–]\s*{_day('d2')}\s+{_month('m')}(?:,?\s+{_year('y')})?", _on_range),
        (
            "range",
            rf"\b(?:(?:between|from)\s+)?{_month('m')}\s+{_day('d1')}\s*(?:[-–]|and|to|until|through)\s*"
            rf"{_day('d2')}(?:,?\s+{_year('y')})?",
            _on_range,
        ),
        (
            "day_month",
            rf"\b(?:the\s+)?{_day('d')}\s+(?:of\s+)?{_month('m')}(?:,?\s+{_year('y')})?",
            _on_day_month,
        ),
        ("day_month", rf"\b{_month('m')}\s+{_day('d')}(?![-–:]\d)(?:,?\s+{_year('y')})?", _on_day_month),
        (
            "month_year",
            rf"\b(?:(?:early|mid|late)[\s-]+)?{_month('m')}\s+(?:of\s+)?{_year('y')}",
            _on_month_year,
        ),
        (
            "month",
            rf"\b(?P<prep>in|since|during|until|by|from|through|throughout|last|this|next|of|early|late|mid"
            rf"|around)[\s-]+(?:(?:early|late|mid)[\s-]+)?{_month('m', full_only=True)}\b(?!\s*\d)",
            _on_month,
        ),
        (
            "year",
            rf"\b(?:in|since|during|until|by|of|early|late|mid|through|throughout|from)[\s-]+{_year('y')}"
            r"(?!\s*[-–/]\d)",
            _on_year,
        ),
        (
            "weekday",
            rf"\b(?:(?P<mod>last|next|this|this\s+coming|coming|past)\s+)?{weekday}(?:'s)?(?:\s+(?:{parts}))?\b",
            _on_weekday,
        ),
        ("relative", rf"\b(?P<r>{_alternation(list(w.relative_days))})\b", _on_relative),
        ("night", rf"\b(?:{_alternation(w.night_words)})\b", _on_marker),
        ("early", rf"\b(?:{_alternation(w.early_words)})\b", _on_marker),
        ("ago", rf"\b{num}\s+(?P<u>{units})\s+ago\b", _on_ago),
        (
            "calendar",
            r"\b(?P<mod>last|this|next|earlier\s+this|later\s+this|early\s+this|late\s+last|early\s+last"
            r"|earlier\s+last)\s+(?P<u>week|month|year|weekend)\b",
            _on_calendar,
        ),
        ("weekend", r"\b(?:over|at|during|on)\s+the\s+weekend\b", _on_weekend),
        (
            "duration",
            rf"\b(?P<prep>over|for|during|in|within|throughout)\s+(?:(?P<art>the|a|an)\s+)?"
            rf"(?:(?P<rel>past|last|previous|preceding|first|next|coming)\s+)?(?:{num}[\s-]+)?(?P<u>{units})\b"
            r"(?:\s+(?:period|span))?",
            _on_duration,
        ),
        (
            "clock",
            r"\b(?P<h>1[0-2]|0?[1-9])(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ap>[ap])\.?\s?m\b\.?"
            rf"(?:\s+{zones})?",
            _on_clock,
        ),
        ("clock", rf"\b(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)\b(?:\s+{zones})?", _on_clock),
        ("clock", rf"\b(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d)\s*(?:hrs\s+|hours\s+)?{zones}", _on_clock),
        ("clock", r"\b(?:at\s+)?(?P<word>noon|midday|midnight)\b", _on_clock),
    ]
    needs = _needs(w)
    return tuple(
        _Rule(name, re.compile(pattern, re.IGNORECASE), handler, needs[name])
        for name, pattern, handler in specs
    )


def _needs(w: TimeWords) -> dict[str, frozenset[str]]:
    """For each rule, the words one of which its expressions always hold."""

    def words(phrases: Iterable[str]) -> frozenset[str]:
        # one word of each phrase is enough, and the longest is the least common: with every
        # word, "in the early hours" would send most texts to the rule for holding "the"
        return frozenset(max(_LETTERS.findall(phrase.lower()), key=len) for phrase in phrases)

    months = words(w.months)
    digit = frozenset({DIGIT})
    return {
        "iso": digit, "range": months, "day_month": months, "month_year": months, "month": months,
        "year": digit, "weekday": words(w.weekdays), "relative": words(w.relative_days),
        "night": words(w.night_words), "early": words(w.early_words), "ago": frozenset({"ago"}),
        "calendar": frozenset({"week", "month", "year", "weekend"}), "weekend": frozenset({"weekend"}),
        "duration": words(w.units), "clock": digit | {"noon", "midday", "midnight"},
    }  # fmt: skip


# --- resolving one piece ------------------------------------------------------------------------


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_number(text: str) -> int:
    return _time_words().months[text.lower().rstrip(".")]


def _year_for(month: int, day: int, ctx: _Ctx) -> date | None:
    """The day-month nearest before publication (after it, for a future event)."""
    if ctx.day is None:
        return None
    today = ctx.day
    found = _safe_date(today.year, month, day)
    if found is None:  # 29 February
        for year in (today.year - 1, today.year - 2, today.year - 3, today.year + 1):
            if found := _safe_date(year, month, day):
                return found
        return None
    if not ctx.future and found > today:
        return _safe_date(today.year - 1, month, day)
    if ctx.future and found < today:
        return _safe_date(today.year + 1, month, day)
    return found


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _piece(m: re.Match[str], kind: str = "date", **fields: Any) -> _Piece:
    return _Piece(m.start(), m.end(), kind, **fields)


def _on_iso(m: re.Match[str], ctx: _Ctx) -> _Piece | None:
    found = _safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return _piece(m, rule="iso", when=found) if found else None


def _on_day_month(m: re.Match[str], ctx: _Ctx) -> _Piece | None:
    month, day = _month_number(m["m"]), int(m["d"])
    if m["y"]:
        found = _safe_date(int(m["y"]), month, day)
        return _piece(m, rule="full", when=found) if found else None
    found = _year_for(month, day, ctx)
    return _piece(m, rule="day_month", when=found) if found else None


def _on_range(m: re.Match[str], ctx: _Ctx) -> _Piece | None:
    month, first, last = _month_number(m["m"]), int(m["d1"]), int(m["d2"])
    if last <= first:
        return None
    if m["y"]:
        start, end = _safe_date(int(m["y"]), month, first), _safe_date(int(m["y"]), month, last)
    else:
        start = _year_for(month, first, ctx)
        end = _safe_date(start.year, month, last) if start else None
    if start is None or end is None:
        return None
    return _piece(m, rule="range", when=start, end_date=end)


def _on_month_year(m: re.Match[str], ctx: _Ctx) -> _Piece | None:
    return _piece(m, rule="month_year", when=date(int(m["y"]), _month_number(m["m"]), 1), precision="month")


def _on_month(m: re.Match[str], ctx: _Ctx) -> _Piece | None:
    if ctx.day is None:
        return None
    month, today = _month_number(m["m"]), ctx.day
    year = today.year
    strictly = m["prep"].lower() in ("last", "next")
    if ctx.future or m["prep"].lower() == "next":
        if month < today.month or (strictly and month == today.month):
            year += 1
    elif month > today.month or (strictly and month == today.month):
        year -= 1
    return _piece(m, rule="month", when=date(year, month, 1), precision="month")


def _on_year(m: re.Match[str], ctx: _Ctx) -> _Piece | None:
    return _piece(m, rule="year", when=date(int(m["y"]), 1, 1), precision="year")


def _on_weekday(m: re.Match[str], ctx: _Ctx) -> _Piece | None:
    if ctx.day is None:
        return None
    target = _time_words().weekdays[m["w"].lower()]
    mod = " ".join((m["mod"] or "").lower().split())
    today = ctx.day
    back = (today.weekday() - target) % 7
    if mod in ("next", "coming", "this coming") or (ctx.future and mod not in ("last", "past")):
        ahead = (target - today.weekday()) % 7 or 7
        found = today + timedelta(days=ahead)
    else:
        if mod in ("last", "past") and back == 0:
            back = 7
        found = today - timedelta(days=back)
    return _piece(m, rule="weekday", when=found)


def _on_relative(m: re.Match[str], ctx: _Ctx) -> _Piece | None:
    if ctx.day is None:
        return None
    offset = _time_words().relative_days[" ".join(m["r"].lower().split())]
    return _piece(m, rule="relative", when=ctx.day + timedelta(days=offset))


def _on_marker(m: re.Match[str], ctx: _Ctx) -> _Piece | None:
    night = any(re.fullmatch(_alternation([w]), m.group(), re.IGNORECASE) for w in _time_words().night_words)
    return _piece(m, kind="night" if night else "early")


def _amount(m: re.Match[str]) -> tuple[int, bool] | None:
    """The number of units, and whether it is exact ("a few days ago" is not)."""
    if not m["n"]:
        return None
    count = parse_count(m["n"])
    return (count.value, count.qualifier == "exact") if count else None


def _unit(m: re.Match[str]) -> str:
    return _time_words().units[m["u"].lower()]


def _on_ago(m: re.Match[str], ctx: _Ctx) -> _Piece | None:
    amount = _amount(m)
    if ctx.published is None or ctx.day is None or amount is None:
        return None
    n, exact = amount
    unit = _unit(m)
    if unit == "hour":
        moment = ctx.published - timedelta(hours=n)
        if not exact:
            return _piece(m, rule="ago", when=moment.date())
        return _piece(m, rule="ago", when=moment.date(), precision="hour", moment=moment)
    if unit == "day":
        return _piece(m, rule="ago", when=ctx.day - timedelta(days=n), precision="day" if exact else "week")
    if unit == "week":
        return _piece(m, rule="ago", when=ctx.day - timedelta(days=7 * n), precision="week")
    if unit == "month":
        return _piece(m, rule="ago", when=_add_months(ctx.day, -n), precision="month")
    return _piece(m, rule="ago", when=_safe_date(ctx.day.year - n, 1, 1), precision="year")


def _on_calendar(m: re.Match[str], ctx: _Ctx) -> _Piece | None:
    if ctx.day is None:
        return None
    mod, unit, today = m["mod"].lower().split()[-1], m["u"].lower(), ctx.day
    step = {"last": -1, "this": 0, "next": 1}[mod]
    if unit == "weekend":
        saturday = today - timedelta(days=(today.weekday() - 5) % 7)
        if step == 1 or (step == 0 and ctx.future and saturday < today - timedelta(days=1)):
            saturday += timedelta(days=7)
        elif step == -1 and today.weekday() in (5, 6):
            saturday -= timedelta(days=7)
        return _piece(m, rule="weekend", when=saturday, end_date=saturday + timedelta(days=1))
    if unit == "week":
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7 * step)
        return _piece(m, rule="calendar", when=monday, precision="week")
    if unit == "month":
        return _piece(m, rule="calendar", when=_add_months(today.replace(day=1), step), precision="month")
    return _piece(m, rule="calendar", when=date(today.year + step, 1, 1), precision="year")


def _on_weekend(m: re.Match[str], ctx: _Ctx) -> _Piece | None:
    if ctx.day is None:
        return None
    today = ctx.day
    if ctx.future:
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    else:
        saturday = today - timedelta(days=(today.weekday() - 5) % 7)
    return _piece(m, rule="weekend", when=saturday, end_date=saturday + timedelta(days=1))


def _duration_days(m: re.Match[str]) -> float | None:
    """Length in days of a duration match: "over six days" 6, "in the past 24 hours" 1, "in a week" 7."""
    amount = _amount(m)
    if amount is not None:
        n = amount[0]
    elif m["rel"] or (m["art"] or "").lower() in ("a", "an"):
        n = 1
    else:
        return None
    return n * UNIT_DAYS[_unit(m)]


def _on_duration(m: re.Match[str], ctx: _Ctx) -> _Piece | None:
    days = _duration_days(m)
    if days is None or (m["rel"] or "").lower() == "first":
        return None
    if m["prep"].lower() == "for" and not m["rel"]:
        return None  # "to halt attacks for 30 days": how long, not when ("for the past week" is when)
    ahead = (m["rel"] or "").lower() in ("next", "coming")
    return _piece(m, kind="duration", days=days, future_period=ahead)


def _on_clock(m: re.Match[str], ctx: _Ctx) -> _Piece | None:
    words = {"noon": 12, "midday": 12, "midnight": 0}
    groups = m.groupdict()
    if groups.get("word"):
        return _piece(m, kind="clock", clock=(words[groups["word"].lower()], 0, False))
    hour, minute = int(m["h"]), int(m["mi"] or 0)
    if groups.get("ap"):
        hour = hour % 12 + (12 if m["ap"].lower() == "p" else 0)
    utc = bool(groups.get("tz")) and groups["tz"].lower() in _time_words().utc_zones
    return _piece(m, kind="clock", clock=(hour, minute, utc))


# --- finding and combining pieces ---------------------------------------------------------------


def _longest(items: list[T], span: Callable[[T], tuple[int, int]]) -> list[T]:
    """The items whose spans do not overlap a longer one's, in text order."""
    kept: list[T] = []
    for item in sorted(items, key=lambda i: (span(i)[0] - span(i)[1], span(i)[0])):
        start, end = span(item)
        if all(end <= span(k)[0] or start >= span(k)[1] for k in kept):
            kept.append(item)
    return sorted(kept, key=lambda i: span(i)[0])


def _matches(text: str) -> list[tuple[_Rule, re.Match[str]]]:
    """Every rule's matches in ``text``, trying only the rules whose needed words it holds."""
    present = set(_LETTERS.findall(text.lower()))
    if _DIGIT.search(text):  # every rule that needs a digit matches one with \d
        present.add(DIGIT)
    return [
        (rule, m)
        for rule in _rules()
        if not rule.needs.isdisjoint(present)
        for m in rule.pattern.finditer(text)
    ]


def _hits(text: str) -> list[tuple[_Rule, re.Match[str]]]:
    """Every rule's matches, overlaps resolved in favour of the longest, in text order."""
    return _longest(_matches(text), lambda hit: hit[1].span())


def _pieces(text: str, ctx: _Ctx) -> list[_Piece]:
    """The resolved pieces; a rule whose match fails to resolve gives way to any other."""
    found = _matches(text)
    resolved = [piece for rule, m in found if (piece := rule.handler(m, ctx)) is not None]
    return _longest(resolved, lambda piece: (piece.start, piece.end))


def _is_period(text: str, first: _Piece, second: _Piece) -> bool:
    between = text[first.end : second.start]
    return bool(_OPENERS.search(text[: first.start])) and bool(
        re.search(r"\b(and|to|until|till|through)\b", between, re.IGNORECASE)
    )


def _with_clock(found: EventDate, clock: tuple[int, int, bool], dated: bool, ctx: _Ctx) -> EventDate:
    """Refine a day to the hour; a time alone that lies after publication is the day before."""
    if found.date is None:
        return found
    hour, minute, utc = clock
    moment = datetime.combine(found.date, clock_time(hour, minute), UTC if utc else None)
    if not dated and ctx.published is not None:
        published = ctx.published
        if (moment.tzinfo is None) != (published.tzinfo is None):
            published = published.replace(tzinfo=moment.tzinfo)
        if not ctx.future and moment > published:
            moment -= timedelta(days=1)
        elif ctx.future and moment < published:
            moment += timedelta(days=1)
    return replace(found, date=moment.date(), time=moment, precision="hour")


def _combine(text: str, pieces: list[_Piece], ctx: _Ctx) -> EventDate | None:
    dates = [p for p in pieces if p.kind == "date"]
    kinds = {p.kind for p in pieces}
    clocks = [p.clock for p in pieces if p.clock]
    # "at 6 a.m. (0300 GMT)": the time in UTC is the one that compares across articles.
    clock = next((c for c in clocks if c[2]), clocks[0] if clocks else None)
    duration = next((p for p in pieces if p.kind == "duration"), None)
    today = ctx.day
    if dates:
        best = max(dates, key=lambda p: RANK[p.rule])
        found = EventDate(best.when, best.precision, best.end_date, time=best.moment)
        days = [p for p in dates if p.precision == "day" and p.end_date is None]
        if len(days) >= 2 and _is_period(text, days[0], days[1]) and days[1].when and days[0].when:
            found = EventDate(days[0].when, "day", days[1].when)
        elif (
            "night" in kinds
            and found.precision == "day"
            and re.search(r"\binto\s+(?:the\s+)?$", text[: best.start], re.IGNORECASE)
        ):  # "overnight into Tuesday": the night before that day
            found = EventDate(best.when - timedelta(days=1), "day", best.when) if best.when else found
        elif re.search(r"\bsince\s+$", text[: best.start], re.IGNORECASE) or re.match(
            r"since\b", text[best.start : best.end], re.IGNORECASE
        ):
            found = replace(found, end=today)
    elif "night" in kinds and today is not None:
        found = EventDate(today - timedelta(days=1), "day", today)
    elif ("early" in kinds or clock) and today is not None:
        found = EventDate(today, "day")
    elif duration is not None and duration.days is not None and today is not None:
        span = timedelta(days=math.ceil(duration.days))
        if ctx.future or duration.future_period:
            found = EventDate(today, "day", today + span)
        else:
            found = EventDate(today - span, "day", today)
    else:
        return None
    if clock and found.end is None and found.precision == "day":
        found = _with_clock(found, clock, bool(dates), ctx)
    used = [p for p in pieces if p.kind != "duration" or not dates]
    start, end = min(p.start for p in used), max(p.end for p in used)
    if opener := _OPENERS.search(text[:start]):
        start = opener.start()
    return replace(found, text=text[start:end])


@cache
def _month_named() -> re.Pattern[str]:
    """A month's name as a word (for :func:`_fallback`), compiled once."""
    return re.compile(rf"\b{_month('m')}(?![a-z])", re.IGNORECASE)


_DATEPARSER_HINT = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")


def _fallback(text: str, ctx: _Ctx) -> EventDate | None:
    """dateparser, for explicit dates the rules miss ("Sept. 3rd"); only when a month is named."""
    month_named = _month_named().search(text)
    if not month_named and not _DATEPARSER_HINT.search(text):
        return None
    settings: dict[str, object] = {"PREFER_DATES_FROM": "future" if ctx.future else "past"}
    if ctx.published is not None:
        settings["RELATIVE_BASE"] = ctx.published.replace(tzinfo=None)
    data = DateDataParser(languages=["en"], settings=settings).get_date_data(text)
    if data.date_obj is None:
        return None
    precision = {"time": "hour"}.get(data.period or "day", data.period or "day")
    if precision not in PRECISIONS:
        precision = "day"
    found = data.date_obj.date()
    if precision == "month":
        found = found.replace(day=1)
    elif precision == "year":
        found = date(found.year, 1, 1)
    return EventDate(found, precision, text=text.strip())


def _resolve(text: str, published: datetime | None, future: bool, bare_year: bool) -> EventDate | None:
    ctx = _Ctx(published, future)
    pieces = _pieces(text, ctx)
    if pieces:
        return _combine(text, pieces, ctx)
    if bare_year and (year := re.fullmatch(r"\s*(?:(?:19|20)\d{2})\s*", text)):
        return EventDate(date(int(year.group()), 1, 1), "year", text=text.strip())
    return _fallback(text, ctx)


def parse_when(text: str, published: datetime | None, future: bool = False) -> EventDate | None:
    """The date ``text`` gives, resolved against ``published``; None when it gives none.

    Relative expressions ("on Tuesday", "yesterday") need ``published``; without it only
    explicit dates resolve. ``future`` resolves a weekday or a date without a year forwards,
    for an event the article announces rather than reports.
    """
    return _resolve(text, published, future, bare_year=True)


def find_durations(text: str) -> list[Duration]:
    """Durations in ``text`` ("over six days" 6, "in the past 24 hours" 1, "in a week" 7), in text order."""
    found: list[Duration] = []
    for rule, m in _hits(text):
        if rule.name == "duration" and (days := _duration_days(m)) is not None:
            found.append(Duration(m.start(), m.end(), days, m.group()))
    return found


def find_temporal(text: str) -> list[tuple[int, int]]:
    """Character spans of the temporal expressions in ``text``, adjacent pieces joined into one."""
    groups: list[list[int]] = []
    for _, m in _hits(text):
        if groups and _JOINERS.match(text[groups[-1][1] : m.start()]):
            groups[-1][1] = m.end()
        else:
            groups.append([m.start(), m.end()])
    spans = []
    for start, end in groups:
        opener = _OPENERS.search(text[:start])
        spans.append((opener.start() if opener else start, end))
    return spans


# --- the date of an event in a sentence ---------------------------------------------------------


def _clause_head(token: Token) -> Token:
    """The verb whose clause holds ``token``: itself if a verb, else its nearest verb ancestor."""
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head
    return token


def _candidates(sentence: Span, published: datetime | None, future: bool) -> Iterator[tuple[Span, EventDate]]:
    text = text_of(sentence)
    spans = find_temporal(text)
    for start, end in spans:
        found = _resolve(text[start:end], published, future, bare_year=False)
        words = sentence.char_span(start, end, alignment_mode="expand")
        if found is not None and words is not None:
            yield words, found
    for ent in entities(sentence):
        start, end = ent.start_char - sentence.start_char, ent.end_char - sentence.start_char
        if ent.label_ not in ("DATE", "TIME") or any(s < end and start < e for s, e in spans):
            continue
        found = _resolve(ent.text, published, future, bare_year=False)
        if found is not None:
            yield ent, found


def sentence_dates(
    sentence: Span, published: datetime | None, future: bool = False
) -> list[tuple[Span, EventDate]]:
    """Every temporal expression of ``sentence`` with its resolved date (for :func:`event_date`)."""
    return list(_candidates(sentence, published, future))


class SentenceDates:
    """The dated expressions of the sentences of one article, each sentence read once per tense.

    The event extractor dates every event of a sentence and the ceasefire finder every
    statement from the same expressions; reading them costs a pass of every rule's regular
    expression over the sentence, so both share one of these per article.
    """

    def __init__(self, published: datetime | None) -> None:
        self.published = published
        self._found: dict[tuple[int, int, int, bool], list[tuple[Span, EventDate]]] = {}

    def of(self, sentence: Span, future: bool = False) -> list[tuple[Span, EventDate]]:
        """:func:`sentence_dates` of ``sentence``, computed at the first call (do not modify)."""
        key = (id(sentence.doc), sentence.start, sentence.end, future)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = sentence_dates(sentence, self.published, future)
        return found


def event_date(
    sentence: Span,
    anchor: Token,
    published: datetime | None,
    future: bool = False,
    dates: Sequence[tuple[Span, EventDate]] | None = None,
) -> EventDate:
    """The date of the event whose trigger is ``anchor``; the publication date when the text gives none.

    Expressions in the trigger's subtree or in its clause come first, then any in the sentence;
    among equals the one nearest the trigger wins. ``dates`` are the sentence's expressions from
    :func:`sentence_dates`, when the caller dates several events of one sentence.
    """
    head = _clause_head(anchor)
    subtree = {t.i for t in anchor.subtree}

    def rank(candidate: tuple[Span, EventDate]) -> tuple[bool, int]:
        words = candidate[0]
        attached = any(t.i in subtree for t in words) or _clause_head(words.root).i == head.i
        distance = min(abs(t.i - anchor.i) for t in words)
        return (not attached, distance)

    found = dates if dates is not None else _candidates(sentence, published, future)
    candidates = sorted(found, key=rank)
    if candidates:
        return candidates[0][1]
    return EventDate(published.date() if published else None, "day", from_article=True)
