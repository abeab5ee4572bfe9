"""Events written out for other tools: PLOVER JSON Lines, a flat CSV, and an ACLED-style CSV.

Three readers want trucewatch's events: PLOVER and POLECAT users (the field names of PLOVER's
data format chapter, one JSON record a line), spreadsheet and pandas users (one flat row per
event), and ACLED users (ACLED's columns, so that the rows load next to ACLED's own). Each
writer streams: it turns one event into one row and writes it, so an export of a whole database
never holds all rows in memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any, Protocol, TextIO

from trucewatch.errors import ConfigError
from trucewatch.events.acled import ACLED_COLUMNS, acled_row
from trucewatch.model import Count, Event, Mention, TextCountries, as_dict

FORMATS = ("plover-json", "csv", "acled-csv")

CSV_COLUMNS = (
    "id",
    "article_id",
    "date",
    "date_precision",
    "category",
    "mode",
    "context",
    "status",
    "source_names",
    "source_countries",
    "source_sectors",
    "target_names",
    "target_countries",
    "target_sectors",
    "location",
    "location_country",
    "latitude",
    "longitude",
    "killed",
    "killed_qualifier",
    "injured",
    "displaced",
    "attributed_to",
    "score",
    "quad",
    "confidence",
    "sentence",
    "start",
    "end",
    "trigger",
)

# PLOVER's location "resolution" code (data format chapter, table 6.6) of each place precision.
RESOLUTION = {
    "site": 5,
    "sub-city": 5,
    "neighbourhood": 5,
    "neighborhood": 5,
    "city": 4,
    "town": 4,
    "village": 4,
    "district": 3,
    "admin2": 3,
    "province": 2,
    "region": 2,
    "state": 2,
    "admin1": 2,
    "country": 1,
}

# Values inside one CSV cell (several actors, several contexts) are joined with this.
JOIN = "; "


class ArticleLike(Protocol):
    """What an export needs of an article (ArticleInfo, or store.ArticleRef)."""

    @property
    def url(self) -> str | None: ...

    @property
    def title(self) -> str | None: ...

    @property
    def outlet(self) -> str | None: ...

    @property
    def countries(self) -> TextCountries | None: ...


class ArticleLookup(Protocol):
    """Articles by id (a dict, or a lookup that reads them from the store as they are needed)."""

    def get(self, article_id: str, /) -> ArticleLike | None: ...


@dataclass(frozen=True)
class ArticleInfo:
    """Where an article came from, for the PLOVER record's cite_info, and the countries its
    text points to, for the ACLED rows of its events without a place."""

    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    countries: TextCountries | None = None


def _agents(mentions: Sequence[Mention]) -> list[Mention]:
    """The first mention of each distinct actor, leaving out words that only name a place."""
    seen: dict[str, Mention] = {}
    for mention in mentions:
        if not mention.as_place:
            seen.setdefault(mention.actor.key, mention)
    return list(seen.values())


def _entity(mention: Mention) -> dict[str, Any]:
    actor = mention.actor
    return {
        "code": actor.country,
        "sector": actor.sector,
        "entity_text": mention.text,
        "identifier_text": actor.name,
        "office": actor.office,
        "key": actor.key,
    }


def plover_record(event: Event, article: ArticleLike | None = None) -> dict[str, Any]:
    """One event as a PLOVER JSON record, with trucewatch's own fields after PLOVER's.

    PLOVER's fields (event, mode, context, event_text as lists, as the manual gives them) come
    first; status, casualties, attributed_to, confidence, links and article_id are trucewatch's,
    which PLOVER allows ("providers should feel free to include named fields beyond those").
    """
    when = event.date
    loc = event.location
    cas = event.casualties
    return {
        "id": event.id,
        "date": when.date.isoformat() if when.date else None,
        "time": when.time.timetz().isoformat() if when.time else None,
        "enddate": when.end.isoformat() if when.end else None,
        "date_precision": when.precision,
        "actor": [_entity(m) for m in _agents(event.actors)],
        "recipient": [_entity(m) for m in _agents(event.targets)],
        "event": [event.category],
        "mode": [event.mode] if event.mode else [],
        "context": list(event.context),
        "quad_code": event.quad,
        "event_scale": event.score,
        "event_loc": {
            "extracted_place": loc.text or loc.name,
            "resolved_place": loc.name,
            "lat": loc.latitude,
            "lon": loc.longitude,
            "country_code": loc.country,
            "resolution": RESOLUTION.get(loc.precision),
        }
        if loc
        else None,
        "event_text": [event.trigger],
        "text": event.sentence_text,
        "text_info": {"sequence": event.sentence, "start": event.start, "end": event.end},
        "cite_info": {
            "url": article.url if article else None,
            "title": article.title if article else None,
            "publication": article.outlet if article else None,
        },
        "size": {
            "dead": cas.killed.value if cas and cas.killed else None,
            "injured": cas.injured.value if cas and cas.injured else None,
        },
        "status": event.status,
        "casualties": as_dict(cas) if cas else None,
        "attributed_to": as_dict(event.attributed_to) if event.attributed_to else None,
        "confidence": event.confidence,
        "links": [list(link) for link in event.links],
        "article_id": event.article_id,
    }


def _value(count: Count | None) -> int | None:
    return count.value if count else None


def csv_row(event: Event) -> dict[str, Any]:
    """One event as a flat row of CSV_COLUMNS; several actors or contexts are joined by "; "."""
    sources = [m.actor for m in _agents(event.actors)]
    targets = [m.actor for m in _agents(event.targets)]
    loc = event.location
    cas = event.casualties
    return {
        "id": event.id,
        "article_id": event.article_id,
        "date": event.date.date.isoformat() if event.date.date else "",
        "date_precision": event.date.precision,
        "category": event.category,
        "mode": event.mode or "",
        "context": JOIN.join(event.context),
        "status": event.status,
        "source_names": JOIN.join(a.name for a in sources),
        "source_countries": JOIN.join(a.country or "" for a in sources),
        "source_sectors": JOIN.join(a.sector or "" for a in sources),
        "target_names": JOIN.join(a.name for a in targets),
        "target_countries": JOIN.join(a.country or "" for a in targets),
        "target_sectors": JOIN.join(a.sector or "" for a in targets),
        "location": loc.name if loc else "",
        "location_country": (loc.country or "") if loc else "",
        "latitude": loc.latitude if loc else None,
        "longitude": loc.longitude if loc else None,
        "killed": _value(cas.killed) if cas else None,
        "killed_qualifier": cas.killed.qualifier if cas and cas.killed else "",
        "injured": _value(cas.injured) if cas else None,
        "displaced": _value(cas.displaced) if cas else None,
        "attributed_to": event.attributed_to.text if event.attributed_to else "",
        "score": event.score,
        "quad": event.quad,
        "confidence": event.confidence,
        "sentence": event.sentence_text,
        "start": event.start,
        "end": event.end,
        "trigger": event.trigger,
    }


def _acled_rows(events: Iterable[Event], articles: ArticleLookup | None = None) -> Iterator[dict[str, Any]]:
    """ACLED rows, one per event; an event sees the events next to it from the same article.

    Some ACLED rules need the other events of the text (a protest is "with intervention" when
    the police acted against it), so consecutive events of one article are taken together:
    pass events grouped by article (as ``api.extract`` and per-article queries give them) for
    those rules to apply across dates.
    """
    for article_id, group in groupby(events, key=lambda e: e.article_id):
        batch = list(group)
        article = articles.get(article_id) if articles is not None else None
        countries = article.countries if article is not None else None
        for event in batch:
            yield acled_row(event, batch, event.id, countries).as_csv_row()


def _write_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def write_events(
    events: Iterable[Event],
    fmt: str,
    out: TextIO,
    articles: ArticleLookup | None = None,
) -> int:
    """Write ``events`` to ``out`` in ``fmt`` (one of FORMATS) and return how many were written.

    ``articles`` (article id -> url, title, outlet, countries) fills PLOVER's cite_info and
    gives an ACLED row of an event without a place its text's country; without it the citation
    fields are null. Rows are written as they come.
    """
    if fmt == "plover-json":
        count = 0
        for event in events:
            article = articles.get(event.article_id) if articles else None
            out.write(json.dumps(plover_record(event, article), ensure_ascii=False) + "\n")
            count += 1
        return count
    if fmt == "csv":
        return _write_csv((csv_row(e) for e in events), CSV_COLUMNS, out)
    if fmt == "acled-csv":
        return _write_csv(_acled_rows(events, articles), ACLED_COLUMNS, out)
    raise ConfigError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")


CEASEFIRE_COLUMNS = (
    "id",
    "parties",
    "party_codes",
    "mediators",
    "current_phase",
    "contested",
    "declared_at",
    "effective_at",
    "first_violation_alleged_at",
    "first_violation_by",
    "first_violation_against",
    "collapsed_at",
    "hours_held",
    "hours_to_first_violation",
    "violations_per_day",
    "terms",
    "previous",
    "next",
    "phases",
    "articles",
    "outlets",
)
CLAIM_COLUMNS = (
    "id",
    "date",
    "accuser",
    "accuser_countries",
    "accused",
    "accused_countries",
    "claim",
    "stance",
    "disputed_by",
    "denied_by",
    "counter_accusations",
    "outlet",
    "sentence",
    "article_id",
)
RECORD_FORMATS = ("json", "csv")


def _ceasefire_csv(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "parties": "; ".join(p["name"] for p in r["parties"]),
        "party_codes": "; ".join(p["code"] for p in r["parties"]),
        "mediators": "; ".join(m["code"] for m in r["mediators"]),
        "current_phase": r["current_phase"],
        "contested": bool(r["contested"]),
        "declared_at": r["declared_at"],
        "effective_at": r["effective_at"],
        "first_violation_alleged_at": r["first_violation_alleged_at"],
        "first_violation_by": "; ".join(r["first_violation_by"]),
        "first_violation_against": "; ".join(r["first_violation_against"]),
        "collapsed_at": r["collapsed_at"],
        "hours_held": r["hours_held"],
        "hours_to_first_violation": r["hours_to_first_violation"],
        "violations_per_day": "; ".join(f"{k}={v}" for k, v in r["violations_per_day"].items()),
        "terms": "; ".join(r["terms"]),
        "previous": r["previous"],
        "next": r.get("next"),
        "phases": "; ".join(f"{p['date'] or '?'} {p['phase']}" for p in r["phases"]),
        "articles": "; ".join(r["articles"]),
        "outlets": "; ".join(r["outlets"]),
    }


def _claim_csv(r: dict[str, Any]) -> dict[str, Any]:
    about = r["about"][0]
    return {
        "id": r["id"],
        "date": r["date"],
        "accuser": r["accuser"]["name"],
        "accuser_countries": "; ".join(r["accuser"]["countries"]),
        "accused": r["accused"]["name"],
        "accused_countries": "; ".join(r["accused"]["countries"]),
        "claim": about["category"] + (f"/{about['mode']}" if about.get("mode") else ""),
        "stance": r["stance"],
        "disputed_by": r["disputed_by"],
        "denied_by": "; ".join(d["by"]["name"] or "?" for d in r["denials"]),
        "counter_accusations": len(r.get("counter_accusations", [])),
        "outlet": r["outlet"],
        "sentence": r["sentence"],
        "article_id": r["article_id"],
    }


def write_records(records: Iterable[dict[str, Any]], what: str, fmt: str, out: TextIO) -> int:
    """Write ceasefire records (``what="ceasefires"``) or claims as JSON or CSV; returns the count."""
    if what not in ("ceasefires", "claims"):
        raise ConfigError(f"cannot export {what!r}: expected events, ceasefires or claims")
    if fmt not in RECORD_FORMATS:
        raise ConfigError(f"{what} export format {fmt!r} is not one of {', '.join(RECORD_FORMATS)}")
    rows = list(records)
    if fmt == "json":
        out.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n")
        return len(rows)
    columns, flatten = (
        (CEASEFIRE_COLUMNS, _ceasefire_csv) if what == "ceasefires" else (CLAIM_COLUMNS, _claim_csv)
    )
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow(flatten(r))
    return len(rows)
