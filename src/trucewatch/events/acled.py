"""PLOVER events as ACLED codes them: event type, sub-event type, actors and interaction codes.

An analyst who works with ACLED wants trucewatch's events in the same columns, to load them next
to ACLED's own rows and to measure trucewatch against ACLED (evaluation/acled.py). PLOVER and
ACLED cut events differently (ACLED splits by weapon and by who was hit; PLOVER by what was
done), so the mapping needs the mode, the sectors of both sides, words of the sentence, and
sometimes the other events of the same text (a protest is "with intervention" when the police
acted against it). The rules are data (``acled.yaml``, documented in its header), tried in order,
first match wins; this module only applies them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from trucewatch.errors import DataFileError
from trucewatch.events.missions import cached_missions
from trucewatch.model import Actor, Event, Mention, TextCountries

ACLED_FILE = Path(__file__).with_name("acled.yaml")

# The columns of an ACLED-style export, named as ACLED names them.
ACLED_COLUMNS = (
    "id",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "inter1",
    "inter2",
    "country",
    "iso3",
    "location",
    "latitude",
    "longitude",
    "fatalities",
    "event_date",
    "notes",
)
NO_ACTOR = "none"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """What a rule asks of an event (see the header of acled.yaml); every given key must hold."""

    category: tuple[str, ...] | None = None
    mode: tuple[str | None, ...] | None = None
    words: tuple[str, ...] | None = None
    trigger_words: tuple[str, ...] | None = None
    source_sectors: tuple[str, ...] | None = None
    target_sectors: tuple[str, ...] | None = None
    casualties: bool | None = None
    status: tuple[str, ...] | None = None
    within_sentences: int | None = None
    with_event: Condition | None = None

    @property
    def empty(self) -> bool:
        """True for the catch-all condition."""
        return all(getattr(self, name) is None for name in type(self).model_fields)


class Rule(_Strict):
    """One mapping rule: conditions, the ACLED types it gives, and how it fills the actors."""

    name: str
    when: Condition = Condition()
    event_type: str
    sub_event_type: str
    actor1_role: str | None = None
    actor2_role: str | None = None
    actor1_default: str | None = None
    actor2_default: str | None = None
    actor2_from: Literal["target", "event", "none"] = "target"


class Role(_Strict):
    """A crowd role (protesters, rioters): ACLED's actor name and interaction code."""

    name: str
    inter: int


class InterState(_Strict):
    """Interaction codes of state organs at home and abroad."""

    home: int
    foreign: int


class AcledSpec(_Strict):
    """Everything in acled.yaml, validated: rules name known types and roles, the last is a catch-all."""

    types: dict[str, tuple[str, ...]]
    country_names: dict[str, str]
    salient_categories: tuple[str, ...]
    sectorless_state: str
    state_sectors: frozenset[str]
    inter_state: InterState
    international_codes: frozenset[str]
    inter: dict[str, int]
    inter_default: int
    crowd_sectors: frozenset[str]
    roles: dict[str, Role]
    names: dict[str, str]
    named_kinds: frozenset[str]
    rules: tuple[Rule, ...]

    @model_validator(mode="after")
    def _consistent(self) -> AcledSpec:
        if not self.rules or not self.rules[-1].when.empty:
            raise ValueError("the last rule must have an empty `when` (the catch-all)")
        for rule in self.rules:
            if rule.sub_event_type not in self.types.get(rule.event_type, ()):
                raise ValueError(
                    f"rule {rule.name!r}: {rule.event_type} / {rule.sub_event_type} is not an ACLED type"
                )
            for role in (rule.actor1_role, rule.actor2_role):
                if role is not None and role not in self.roles:
                    raise ValueError(f"rule {rule.name!r}: unknown role {role!r}")
        return self


@cache
def acled_spec() -> AcledSpec:
    """The ACLED mapping, read and validated once per process."""
    try:
        raw = yaml.safe_load(ACLED_FILE.read_text(encoding="utf-8"))
        return AcledSpec.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise DataFileError(f"{ACLED_FILE}: {exc}") from exc


@dataclass(frozen=True)
class AcledRow:
    """One event in ACLED's columns (see ACLED_COLUMNS), plus the actors' country codes.

    ``actor1_country``/``actor2_country`` (ISO alpha-3) are what evaluation compares, since ACLED
    writes countries only inside actor names; ``iso3`` is the event's country code.
    """

    id: str
    event_type: str = ""
    sub_event_type: str = ""
    actor1: str = ""
    actor2: str = ""
    inter1: int = 0
    inter2: int = 0
    country: str = ""
    iso3: str = ""
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    fatalities: int = 0
    event_date: str = ""
    notes: str = ""
    actor1_country: str | None = None
    actor2_country: str | None = None
    rule: str = ""

    def as_csv_row(self) -> dict[str, Any]:
        """The ACLED_COLUMNS of this row, for csv.DictWriter."""
        return {name: getattr(self, name) for name in ACLED_COLUMNS}


# Countries


@cache
def _country_table() -> tuple[dict[str, str], list[tuple[re.Pattern[str], str]]]:
    """ISO alpha-3 -> ACLED country name, and country_converter's name patterns -> code."""
    # imported here, not at the top: it brings pandas (0.6 s of every command's start), and
    # is wanted only by the ACLED mapping
    import country_converter

    spec = acled_spec()
    data = country_converter.CountryConverter().data
    names: dict[str, str] = {}
    patterns: list[tuple[re.Pattern[str], str]] = []
    for row in data.itertuples():
        code = str(row.ISO3)
        names[code] = spec.country_names.get(code, str(row.name_short))
        patterns.append((re.compile(str(row.regex), re.IGNORECASE), code))
    return names, patterns


def country_name(code: str | None) -> str:
    """ACLED's name of a country given by ISO alpha-3 ("" when unknown or not a country)."""
    if not code:
        return ""
    return _country_table()[0].get(code, "")


@lru_cache(maxsize=4096)
def country_code(name: str | None) -> str | None:
    """ISO alpha-3 of a country name as ACLED or the press writes it, or None."""
    if not name or not name.strip():
        return None
    names, patterns = _country_table()
    wanted = name.strip().casefold()
    for code, known in names.items():
        if known.casefold() == wanted:
            return code
    if len(wanted) == 3 and wanted.upper() in names:
        return wanted.upper()
    for pattern, code in patterns:
        if pattern.search(name):
            return code
    return None


def _is_country(code: str | None) -> bool:
    return bool(code) and code not in acled_spec().international_codes and bool(country_name(code))


# Rule matching


@cache
def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _agents(mentions: Sequence[Mention]) -> list[Actor]:
    """The distinct actors of a side, in text order, leaving out words that only name a place."""
    seen: dict[str, Actor] = {}
    for mention in mentions:
        if not mention.as_place:
            seen.setdefault(mention.actor.key, mention.actor)
    return list(seen.values())


def _sector(actor: Actor) -> str | None:
    """An actor's sector; a state named as a whole acts through the configured sector."""
    if actor.sector:
        return actor.sector
    return acled_spec().sectorless_state if actor.kind == "state" else None


def _sectors(mentions: Sequence[Mention]) -> set[str]:
    actors = _agents(mentions)
    if not actors:
        return {NO_ACTOR}
    return {s for s in (_sector(a) for a in actors) if s}


def _has_casualties(event: Event) -> bool:
    cas = event.casualties
    if cas is None:
        return False
    return any(c is not None and c.value > 0 for c in (cas.killed, cas.injured))


def _holds(cond: Condition, event: Event, others: Sequence[Event]) -> tuple[bool, Event | None]:
    """Whether ``event`` meets ``cond``, and the other event that met its ``with_event``."""
    if cond.category is not None and event.category not in cond.category:
        return False, None
    if cond.mode is not None and event.mode not in cond.mode:
        return False, None
    if cond.casualties is not None and _has_casualties(event) != cond.casualties:
        return False, None
    if cond.status is not None and event.status not in cond.status:
        return False, None
    if cond.trigger_words is not None and not _words_pattern(cond.trigger_words).search(event.trigger):
        return False, None
    if cond.words is not None:
        pattern = _words_pattern(cond.words)
        if not (pattern.search(event.trigger) or pattern.search(event.sentence_text)):
            return False, None
    if cond.source_sectors is not None and not _sectors(event.actors) & set(cond.source_sectors):
        return False, None
    if cond.target_sectors is not None and not _sectors(event.targets) & set(cond.target_sectors):
        return False, None
    if cond.with_event is not None:
        reach = cond.with_event.within_sentences
        for other in others:
            if reach is not None and not 0 <= other.sentence - event.sentence <= reach:
                continue
            if _holds(cond.with_event, other, ())[0]:
                return True, other
        return False, None
    return True, None


def matching_rule(event: Event, events: Sequence[Event] = ()) -> tuple[Rule, Event | None]:
    """The first rule of acled.yaml that ``event`` meets (given the other ``events`` of its text),
    with the other event that satisfied its ``with_event`` condition, if any."""
    others = [e for e in events if e.id != event.id]
    for rule in acled_spec().rules:
        ok, partner = _holds(rule.when, event, others)
        if ok:
            return rule, partner
    raise AssertionError("acled.yaml's last rule is a catch-all")  # guaranteed by validation


# Actors


@dataclass(frozen=True)
class _Side:
    name: str
    country: str | None
    inter: int


def event_country(
    event: Event, events: Sequence[Event] = (), countries: TextCountries | None = None
) -> str | None:
    """The country an event happened in (ISO alpha-3): its place, else its victims'; else the
    country of the places the rest of its text (``events``) names; else that of a mission
    working in one country that its sentence, or the sentences of the text's events, name (the
    OSCE SMM in Ukraine: events/missions.yaml); else the country whose places its text names
    most (``countries``, of the whole text: "Ghariyeh in Dar'a"); else its targets' or actors';
    else those of the text's other events; else the country its text names most by demonyms.
    A short report names its place once ("Clashes in Marib. ... Two soldiers were killed."),
    and an event with no place of its own most likely happened there rather than in its actors'
    home country."""
    countries = countries or TextCountries()
    own: list[str | None] = [
        event.location.country if event.location else None,
        event.casualties.victims_country if event.casualties else None,
    ]
    found = next((c for c in own if c and _is_country(c)), None)
    if found is None:
        found = _most_named([e.location.country if e.location else None for e in events])
    if found is None:
        sentences = dict.fromkeys([event.sentence_text, *(e.sentence_text for e in events)])
        missions = cached_missions()
        found = next((c for text in sentences for c in missions.countries(text) if _is_country(c)), None)
    if found is None:
        found = _first_country(countries.places)
    if found is None:
        sides = [a.country for a in (*_agents(event.targets), *_agents(event.actors))]
        found = next((c for c in sides if c and _is_country(c)), None)
    if found is None:
        victims = [e.casualties.victims_country if e.casualties else None for e in events]
        found = _most_named(victims)
    if found is None:
        sides = [a.country for e in events for a in (*_agents(e.targets), *_agents(e.actors))]
        found = _most_named(sides)
    return found or _first_country(countries.demonyms)


def _first_country(codes: Sequence[str]) -> str | None:
    return next((c for c in codes if _is_country(c)), None)


def _most_named(codes: Sequence[str | None]) -> str | None:
    """The country named most often among ``codes``, the first named on a tie."""
    counts: dict[str, int] = {}
    for code in codes:
        if code and _is_country(code):
            counts[code] = counts.get(code, 0) + 1
    return max(counts, key=lambda c: counts[c]) if counts else None


def _named(template: str, country: str | None) -> str:
    name = country_name(country)
    if not name:
        template = template.replace(" ({country})", "").replace(" of {country}", "")
    return template.format(country=name)


def _side(actor: Actor | None, sector: str | None, role: str | None, where: str | None) -> _Side:
    """ACLED's name, country and interaction code of one side of an event.

    ``actor`` is None when the event names nobody on this side and ``sector`` stands in for a
    local actor of the event's country ``where``.
    """
    spec = acled_spec()
    if actor is not None:
        sector = _sector(actor)
    own = actor.country if actor is not None else None
    international = own in spec.international_codes if own else False
    country = own if own and not international else where
    if role is not None and (sector is None or sector in spec.crowd_sectors):
        spec_role = spec.roles[role]
        return _Side(_named(spec_role.name, country), country, spec_role.inter)
    if actor is not None and (actor.kind in spec.named_kinds or international or sector not in spec.names):
        name = actor.name
    else:
        name = _named(spec.names[sector], country) if sector in spec.names else ""
    if international or sector in ("IGO", "NGO"):
        inter = spec.inter.get(sector or "IGO", spec.inter_state.foreign)
    elif sector in spec.state_sectors:
        home = where is None or country is None or country == where
        inter = spec.inter_state.home if home else spec.inter_state.foreign
    elif sector is None:
        inter = spec.inter_default
    else:
        inter = spec.inter.get(sector, spec.inter_default)
    return _Side(name, country, inter)


def _sides(
    event: Event, rule: Rule, partner: Event | None, where: str | None
) -> tuple[_Side | None, _Side | None]:
    sources = _agents(event.actors)
    first: _Side | None = None
    if sources:
        first = _side(sources[0], None, rule.actor1_role, where)
    elif rule.actor1_default:
        first = _side(None, rule.actor1_default, rule.actor1_role, where)
    second: _Side | None = None
    if rule.actor2_from != "none":
        targets = _agents(event.targets)
        if rule.actor2_from == "event" and partner is not None and _agents(partner.actors):
            targets = _agents(partner.actors)
        if targets:
            second = _side(targets[0], None, rule.actor2_role, where)
        elif rule.actor2_default:
            second = _side(None, rule.actor2_default, rule.actor2_role, where)
    return first, second


# Public API


def acled_row(
    event: Event | None, events: Sequence[Event], text_id: str, countries: TextCountries | None = None
) -> AcledRow:
    """``event`` as an ACLED-style row with id ``text_id``; ``events`` are all the events of its
    text, which some rules consult, and ``countries`` those the text points to
    (:attr:`~trucewatch.model.ParsedArticle.countries`). With no event, a row with only its id
    and the country whose places the text names most, else the one it names most by demonyms,
    with no event type."""
    if event is None:
        countries = countries or TextCountries()
        where = _first_country(countries.places) or _first_country(countries.demonyms)
        return AcledRow(id=text_id, country=country_name(where), iso3=where or "")
    rule, partner = matching_rule(event, events)
    where = event_country(event, events, countries)
    first, second = _sides(event, rule, partner, where)
    killed = event.casualties.killed if event.casualties else None
    loc = event.location
    return AcledRow(
        id=text_id,
        event_type=rule.event_type,
        sub_event_type=rule.sub_event_type,
        actor1=first.name if first else "",
        actor2=second.name if second else "",
        inter1=first.inter if first else 0,
        inter2=second.inter if second else 0,
        country=country_name(where),
        iso3=where or "",
        location=loc.name if loc else "",
        latitude=loc.latitude if loc else None,
        longitude=loc.longitude if loc else None,
        fatalities=killed.value if killed else 0,
        event_date=event.date.date.isoformat() if event.date.date else "",
        notes=event.sentence_text,
        actor1_country=first.country if first else None,
        actor2_country=second.country if second else None,
        rule=rule.name,
    )


def most_salient(events: Sequence[Event]) -> Event | None:
    """The one event of a short text that ACLED would code, or None when there is none.

    ACLED codes one event per text, the violence or protest on the ground. The order:
    1. tier: asserted events of a salient category (ASSAULT, PROTEST, COERCE: acled.yaml's
       salient_categories), then other events of those categories not negated, hypothetical
       or future (alleged, denied), then other asserted events, then the rest;
    2. the earliest sentence (a report leads with its event);
    3. a seizure of territory before the fighting for it, and sexual violence before the attack
       it was part of; coercion other than seizure after what it answers (a protest the police
       dispersed is coded as the protest, the police as its second actor);
    4. the most killed, then injured (the event the figures belong to);
    5. the earliest position (the sentence's main event comes first: "protested against the
       attacks"), then the category's place in salient_categories, then the highest confidence.
    """
    if not events:
        return None
    salient = acled_spec().salient_categories
    unreal = {"negated", "hypothetical", "future"}

    def key(e: Event) -> tuple[int, int, int, int, int, int, int, float]:
        material = e.category in salient
        if material and e.status == "asserted":
            tier = 0
        elif material and e.status not in unreal:
            tier = 1
        elif e.status == "asserted":
            tier = 2
        else:
            tier = 3
        cas = e.casualties
        killed = cas.killed.value if cas and cas.killed else 0
        injured = cas.injured.value if cas and cas.injured else 0
        rank = salient.index(e.category) if material else len(salient)
        # a change of territory is what ACLED codes of a text that also tells the fighting for
        # it; other coercion is usually the response to the event the text is about
        reaction = 0
        if e.category == "COERCE" and e.mode not in ("seize", "destroy"):
            reaction = 1
        elif (e.category == "COERCE" and "territory" in e.context) or e.mode == "sexual":
            reaction = -1  # ACLED codes a rape, or ground taken, before the attack around it
        return (tier, e.sentence, reaction, -killed, -injured, e.start, rank, -e.confidence)

    return min(events, key=key)
