"""Records built by hand for tests of what comes after extraction (ACLED mapping, exports,
evaluation), so those tests need neither spaCy nor the event rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from trucewatch.events.ontology import ontology
from trucewatch.model import Actor, Attribution, Casualties, Count, Event, EventDate, Location, Mention


def state(country: str, sector: str | None = None, name: str | None = None) -> Actor:
    """A state or one of its organs ("Chilean police" -> state("CHL", "COP"))."""
    label = name or country
    return Actor(f"{country}:{sector or '-'}", label, country, sector, "state")


def group(sector: str, country: str | None = None, name: str | None = None) -> Actor:
    """An unnamed group: gunmen (UAF), protesters (CVL), militants (REB)."""
    return Actor(f"UNK:{sector}", name or sector.lower(), country, sector, "group")


def organisation(name: str, country: str | None, sector: str, kind: str = "armed_group") -> Actor:
    """A named organisation."""
    return Actor("org:" + name.lower().replace(" ", "-"), name, country, sector, kind)


def mention(actor: Actor, text: str | None = None, as_place: bool = False) -> Mention:
    """Words naming an actor (offsets do not matter after extraction)."""
    return Mention(0, 0, 0, text or actor.name, actor, "test", as_place)


def place(name: str, country: str, lat: float | None = None, lon: float | None = None) -> Location:
    """A resolved place."""
    return Location(name, country, lat, lon, "city", name)


def event(
    category: str,
    mode: str | None = None,
    *,
    source: Sequence[Actor] = (),
    target: Sequence[Actor] = (),
    id: str = "e1",
    article_id: str = "a1",
    status: str = "asserted",
    when: dt.date | None = dt.date(2024, 3, 5),
    end: dt.date | None = None,
    where: Location | None = None,
    killed: int | None = None,
    qualifier: str = "exact",
    injured: int | None = None,
    victims_country: str | None = None,
    reported_by: str | None = None,
    period_days: float | None = None,
    attributed: str | None = None,
    sentence: int = 0,
    start: int = 0,
    text: str = "",
    trigger: str = "",
    confidence: float = 0.8,
    links: Sequence[tuple[str, str]] = (),
    context: Sequence[str] = (),
) -> Event:
    """An Event with only what a test cares about given; the rest takes plain defaults."""
    casualties = None
    if killed is not None or injured is not None or reported_by or period_days is not None:
        casualties = Casualties(
            killed=Count(killed, qualifier) if killed is not None else None,
            injured=Count(injured) if injured is not None else None,
            victims_country=victims_country,
            period_days=period_days,
            reported_by=reported_by,
        )
    onto = ontology()
    return Event(
        id=id,
        article_id=article_id,
        category=category,
        mode=mode,
        context=tuple(context),
        actors=tuple(mention(a) for a in source),
        targets=tuple(mention(a) for a in target),
        status=status,
        date=EventDate(when, "day", end),
        location=where,
        casualties=casualties,
        attributed_to=Attribution(attributed, 0, len(attributed)) if attributed else None,
        sentence=sentence,
        start=start,
        end=start + len(text),
        trigger=trigger or category.lower(),
        score=onto.score(category, mode),
        quad=onto.quad(category),
        confidence=confidence,
        links=tuple(links),
        sentence_text=text,
    )
