"""Turning records into what a page shows: marked-up text, names, links, paging.

Nothing here writes HTML: text is cut into :class:`Piece` objects that the templates render,
so Jinja's autoescaping covers every character that came from an article.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from trucewatch.model import Event, Mention, ParsedArticle


@dataclass(frozen=True)
class Span:
    """Characters ``start:end`` of a text to mark with a CSS class and a tooltip."""

    start: int
    end: int
    kind: str
    title: str
    target: str | None = None  # the id of the element the mark stands for (an event), if any


@dataclass(frozen=True)
class Piece:
    """A run of text under the same marks (none for plain text)."""

    text: str
    kinds: tuple[str, ...] = ()
    title: str = ""
    target: str | None = None


def marked(text: str, spans: Iterable[Span]) -> list[Piece]:
    """``text`` cut at every span boundary, each piece carrying the marks that cover it.

    Spans may overlap (an event's words inside an actor's, or the reverse); a piece under
    several marks gets all their classes, the tooltip of each, and the first target.
    """
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in valid), *(s.end for s in valid)})
    pieces: list[Piece] = []
    for start, end in itertools.pairwise(cuts):
        over = [s for s in valid if s.start <= start and end <= s.end]
        kinds = tuple(dict.fromkeys(s.kind for s in over))
        title = "; ".join(dict.fromkeys(s.title for s in over))
        target = next((s.target for s in over if s.target), None)
        pieces.append(Piece(text[start:end], kinds, title, target))
    return pieces


def actor_label(mention: Mention) -> str:
    """Who a mention names: "Name (CODE SECTOR)"."""
    actor = mention.actor
    code = " ".join(x for x in (actor.country, actor.sector) if x)
    return f"{actor.name} ({code})" if code else actor.name


def names(mentions: Iterable[Mention]) -> str:
    """The distinct actors of some mentions, comma-separated; "?" when there are none."""
    labels = dict.fromkeys(actor_label(m) for m in mentions if not m.as_place)
    return ", ".join(labels) or "?"


def sentence_start(event: Event) -> int | None:
    """Where the event's sentence starts in its article, found from the event's own offsets.

    An Event keeps its sentence's text but article offsets for its words, so the sentence's
    start is the trigger's article offset less its place in the sentence. When the trigger's
    words occur more than once, the occurrence at which every mention of the sentence also
    lines up is the one.
    """
    text, trigger = event.sentence_text, event.trigger
    if not trigger:
        return None
    found = []
    at = text.find(trigger)
    while at >= 0:
        found.append(at)
        at = text.find(trigger, at + 1)
    mentions = [m for m in (*event.actors, *event.targets) if m.sentence == event.sentence]
    for at in found:
        base = event.start - at
        if all(text[m.start - base : m.end - base] == m.text for m in mentions):
            return base
    return event.start - found[0] if found else None


def event_spans(event: Event, base: int) -> list[Span]:
    """The event's words and its participants' mentions, in offsets from ``base``."""
    spans = [
        Span(m.start - base, m.end - base, kind, f"{role}: {actor_label(m)}")
        for kind, role, mentions in (("source", "source", event.actors), ("target", "target", event.targets))
        for m in mentions
        if m.sentence == event.sentence
    ]
    what = event.category + (f"/{event.mode}" if event.mode else "")
    spans.append(Span(event.start - base, event.end - base, "trigger", f"{what} ({event.status})"))
    return spans


def sentence_pieces(event: Event) -> list[Piece]:
    """The event's sentence with its words and participants marked."""
    base = sentence_start(event)
    spans = event_spans(event, base) if base is not None else []
    return marked(event.sentence_text, spans)


def trigger_offsets(event: Event) -> tuple[int, int] | None:
    """Where the event's words are in its sentence, for the dashboard's scripts to mark."""
    base = sentence_start(event)
    if base is None:
        return None
    return event.start - base, event.end - base


def article_pieces(parsed: ParsedArticle) -> list[Piece]:
    """The article's text with every actor mention and every event's words marked; each event
    mark points at the event's entry in the list below the text."""
    spans = [
        Span(
            m.start,
            m.end,
            "place" if m.as_place else f"actor sector-{(m.actor.sector or 'none').lower()}",
            f"{'place' if m.as_place else 'actor'}: {actor_label(m)} · {m.how}",
        )
        for m in parsed.mentions
    ]
    spans += [
        Span(
            e.start,
            e.end,
            "trigger",
            f"{e.category}{'/' + e.mode if e.mode else ''} ({e.status})",
            f"event-{e.id}",
        )
        for e in parsed.events
    ]
    return marked(parsed.article.text, spans)


def safe_url(url: str | None) -> str | None:
    """The URL if it is a web address a page may link to (never javascript: and the like)."""
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return None


def query(params: Mapping[str, str | None], **changes: str | int | None) -> str:
    """A query string of ``params`` with ``changes`` applied, dropping empty values."""
    merged: dict[str, str | int | None] = {**params, **changes}
    kept = {k: v for k, v in merged.items() if v not in (None, "")}
    return "?" + urlencode(kept) if kept else ""


@dataclass(frozen=True)
class Pager:
    """Which page of a long listing is shown, and the links to the ones before and after."""

    total: int
    limit: int
    offset: int

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.limit))

    @property
    def first(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.offset + self.limit, self.total)

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None


def parse_day(value: str | None) -> dt.date | None:
    """A date typed in a filter form (YYYY-MM-DD); ValueError names the problem."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from exc
