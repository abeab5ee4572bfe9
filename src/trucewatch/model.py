"""The shared vocabulary: the typed records that every stage passes along.

Plain frozen dataclasses, so that they pickle across worker processes, compare by value in
tests, and turn into dicts for pandas with :func:`as_dict`. Each stage adds to what the stage
before produced and never mutates it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Article:
    """A cleaned news article, ready for parsing.

    ``id`` is derived from the normalised text, so the same article read twice (from a file,
    a feed or standard input) gets the same id and is stored once.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    language: str = "en"
    source: str = ""


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article; ``start``/``end`` are character offsets in ``Article.text``."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Actor:
    """Who acts or is acted upon, in PLOVER's terms.

    ``country`` is an ISO 3166-1 alpha-3 code or one of PLOVER's international codes
    (UNO, EUR, IGO, NGO, IMG); ``sector`` a PLOVER sector code (GOV, MIL, REB, ...) or None
    for a state as a whole. ``key`` identifies the actor across articles.
    """

    key: str
    name: str
    country: str | None
    sector: str | None = None
    kind: str = "state"
    office: str | None = None


@dataclass(frozen=True)
class Mention:
    """Words in an article that refer to an actor, with how they were resolved.

    ``how`` names the rule that resolved it (country, demonym, seat, role, person,
    organisation, ...), so an analyst can see why; ``as_place`` is set when the words name a
    place rather than an agent ("strikes in Tehran" versus "Tehran said").
    """

    sentence: int
    start: int
    end: int
    text: str
    actor: Actor
    how: str
    as_place: bool = False


@dataclass(frozen=True)
class ParsedArticle:
    """An article after the NLP stage: sentences and resolved actor mentions."""

    article: Article
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]


@dataclass(frozen=True)
class Rejection:
    """An input that could not be ingested, with a message naming it and the problem."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def as_dict(record: Any) -> dict[str, Any]:
    """A record as plain JSON-friendly values (dates as ISO strings), for pandas or JSON output."""
    raw = dataclasses.asdict(record)
    return _plain(raw)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
