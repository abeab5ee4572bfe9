"""The shared vocabulary: the typed records that every stage passes along.

Plain frozen dataclasses, so that they pickle across worker processes, compare by value in
tests, and turn into dicts for pandas with :func:`as_dict`. Each stage adds to what the stage
before produced and never mutates it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass, field
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
    published: dt.datetime | None = None
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
class EventDate:
    """When an event happened, resolved against the article's publication time.

    ``precision`` is hour, day, week, month or year; ``end`` is set for periods ("over six
    days"); ``from_article`` says the text gave no date and the publication date stands in.
    """

    date: dt.date | None
    precision: str = "day"
    end: dt.date | None = None
    time: dt.datetime | None = None
    from_article: bool = False
    text: str | None = None


@dataclass(frozen=True)
class Location:
    """Where an event happened: a place resolved to a name, country and coordinates."""

    name: str
    country: str | None
    latitude: float | None = None
    longitude: float | None = None
    precision: str = "city"
    text: str | None = None


@dataclass(frozen=True)
class Count:
    """A number as the text gives it: ``value`` is the figure (the lower bound of a range),
    ``qualifier`` one of exact, at_least, more_than, about, up_to, fewer_than."""

    value: int
    qualifier: str = "exact"
    high: int | None = None
    text: str = ""


@dataclass(frozen=True)
class Casualties:
    """A casualty figure with whose it is, over what period, and who reported it."""

    killed: Count | None = None
    injured: Count | None = None
    displaced: Count | None = None
    victims: str | None = None
    victims_country: str | None = None
    period_days: float | None = None
    reported_by: str | None = None
    start: int = 0
    end: int = 0
    text: str = ""


@dataclass(frozen=True)
class Attribution:
    """Who the article says reported something: words, offsets, and the actor if resolved."""

    text: str
    start: int
    end: int
    actor: Actor | None = None


@dataclass(frozen=True)
class Event:
    """A PLOVER event with its provenance: the sentence and the words that carry it.

    ``actors`` and ``targets`` are the mentions of the source and the recipient (several
    when the text coordinates them). ``links`` tie records together: ("alleges", id) on an
    accusation and ("alleged_by", id) on what it alleges; ("denies", id) on a denial and
    ("denied_by", id) on what it denies; ("violates", id) on an assault said to breach a
    ceasefire, with the id of the article's ceasefire event, or "ceasefire" when the article
    reports none.
    """

    id: str
    article_id: str
    category: str
    mode: str | None
    context: tuple[str, ...]
    actors: tuple[Mention, ...]
    targets: tuple[Mention, ...]
    status: str
    date: EventDate
    location: Location | None
    casualties: Casualties | None
    attributed_to: Attribution | None
    sentence: int
    start: int
    end: int
    trigger: str
    score: float
    quad: int
    confidence: float
    links: tuple[tuple[str, str], ...] = ()
    sentence_text: str = ""


# The phases of a ceasefire's life that a statement can report, in the order a truce lives them.
PHASES = (
    "proposed",
    "agreed",
    "in_effect",
    "violation_alleged",
    "collapsed",
    "renewed",
    "extended",
    "rejected",
)


@dataclass(frozen=True)
class CeasefireMention:
    """A statement about a ceasefire's life: which phase, between whom, brokered by whom, when.

    ``historical`` marks a ceasefire named as past history (it may add to a known record but
    never creates one); ``parties_inferred`` says the sentence did not name both parties and
    they were taken from nearby statements or the article's main sides; ``accusers`` and
    ``accused`` are set on violation_alleged statements.
    ``events`` are the ids of the article's events the statement rests on.
    """

    id: str
    article_id: str
    phase: str  # one of PHASES
    parties: tuple[Mention, ...]
    parties_inferred: bool
    mediators: tuple[Mention, ...]
    date: EventDate
    status: str
    historical: bool
    terms: tuple[str, ...]
    accusers: tuple[Mention, ...]
    accused: tuple[Mention, ...]
    sentence: int
    start: int
    end: int
    trigger: str
    sentence_text: str
    events: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextCountries:
    """The countries a text points to (ISO alpha-3), most named first: ``places``, those it names
    places in (a country name, a province, a town whose every namesake lies there, a mission
    working there); ``demonyms``, those it names only by a demonym ("Israeli drones"), which
    speaks of a side more than of where the text is set."""

    places: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fingerprint:
    """An article's MinHash signature (as stored) and its LSH band keys (ingest/fingerprint.py)."""

    signature: bytes
    bands: tuple[str, ...]


@dataclass(frozen=True)
class ParsedArticle:
    """An article after the NLP and extraction stages: sentences, actor mentions, events, and
    the fingerprint its near-duplicates are found by (None when read back from a database: the
    rebuild takes it from the stored text then)."""

    article: Article
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...] = ()
    ceasefires: tuple[CeasefireMention, ...] = ()
    countries: TextCountries = field(default_factory=TextCountries)
    fingerprint: Fingerprint | None = None


@dataclass(frozen=True)
class Rejection:
    """An input that could not be ingested, with a message naming it and the problem."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def dyad_key(a: str, b: str) -> str:
    """The key of the pair of sides ``a`` and ``b`` (country codes), the same in either order."""
    return "|".join(sorted((a, b)))


def as_dict(record: Any) -> dict[str, Any]:
    """A record as plain JSON-friendly values (dates as ISO strings), for pandas or JSON output.

    One walk over the record: ``dataclasses.asdict`` deep-copies every value before this turned
    it into plain values, and took a third of the time of storing an article's events."""
    plain: dict[str, Any] = _plain(record)
    return plain


# Values stored as they are: most of a record's values, so tested first by exact type (a
# subclass, such as an enum's, takes the general path below).
_AS_THEY_ARE = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass type, None for any other type."""
    if not dataclasses.is_dataclass(kind):
        return None
    return tuple(f.name for f in dataclasses.fields(kind))


def _plain(value: Any) -> Any:
    kind: type = type(value)
    if kind in _AS_THEY_ARE:
        return value
    names = _field_names(kind)
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _actor(d: dict[str, Any]) -> Actor:
    return Actor(**d)


def _mention(d: dict[str, Any]) -> Mention:
    return Mention(**{**d, "actor": _actor(d["actor"])})


def _count(d: dict[str, Any] | None) -> Count | None:
    return Count(**d) if d else None


def _event_date(when: dict[str, Any]) -> EventDate:
    return EventDate(
        date=_date(when.get("date")),
        precision=when.get("precision", "day"),
        end=_date(when.get("end")),
        time=_datetime(when.get("time")),
        from_article=when.get("from_article", False),
        text=when.get("text"),
    )


def ceasefire_mention_from_dict(d: dict[str, Any]) -> CeasefireMention:
    """Rebuild a CeasefireMention from :func:`as_dict` output."""
    return CeasefireMention(
        id=d["id"],
        article_id=d["article_id"],
        phase=d["phase"],
        parties=tuple(_mention(m) for m in d.get("parties", ())),
        parties_inferred=d.get("parties_inferred", False),
        mediators=tuple(_mention(m) for m in d.get("mediators", ())),
        date=_event_date(d["date"]),
        status=d["status"],
        historical=d["historical"],
        terms=tuple(d.get("terms", ())),
        accusers=tuple(_mention(m) for m in d.get("accusers", ())),
        accused=tuple(_mention(m) for m in d.get("accused", ())),
        sentence=d["sentence"],
        start=d["start"],
        end=d["end"],
        trigger=d["trigger"],
        sentence_text=d["sentence_text"],
        events=tuple(d.get("events", ())),
    )


def event_from_dict(d: dict[str, Any]) -> Event:
    """Rebuild an Event from :func:`as_dict` output (how the store keeps the full record)."""
    when = d["date"]
    cas = d.get("casualties")
    att = d.get("attributed_to")
    loc = d.get("location")
    return Event(
        id=d["id"],
        article_id=d["article_id"],
        category=d["category"],
        mode=d.get("mode"),
        context=tuple(d.get("context", ())),
        actors=tuple(_mention(m) for m in d.get("actors", ())),
        targets=tuple(_mention(m) for m in d.get("targets", ())),
        status=d["status"],
        date=_event_date(when),
        location=Location(**loc) if loc else None,
        casualties=Casualties(
            **{
                **cas,
                "killed": _count(cas.get("killed")),
                "injured": _count(cas.get("injured")),
                "displaced": _count(cas.get("displaced")),
            }
        )
        if cas
        else None,
        attributed_to=Attribution(**{**att, "actor": _actor(att["actor"]) if att.get("actor") else None})
        if att
        else None,
        sentence=d["sentence"],
        start=d["start"],
        end=d["end"],
        trigger=d["trigger"],
        score=d["score"],
        quad=d["quad"],
        confidence=d["confidence"],
        links=tuple((k, v) for k, v in d.get("links", ())),
        sentence_text=d.get("sentence_text", ""),
    )
