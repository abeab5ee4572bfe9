"""Every table of the dashboard as a file: CSV for spreadsheets, JSON for programs.

``/download/TABLE.csv`` and ``/download/TABLE.json`` take the same filters as the page that
links to them, so a download holds what the page shows (all of it, not one page). Events are
streamed as they are read, so a download of a whole database never sits in memory; the other
tables are small (one row per ceasefire, claim, actor, dyad or day).

The command line's exports add PLOVER JSON Lines and an ACLED-style CSV of events
(``trucewatch export``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from trucewatch.exports import CSV_COLUMNS, csv_row, write_records
from trucewatch.model import Event, as_dict
from trucewatch.web.params import (
    Country,
    Day,
    EventFilters,
    Phase,
    Sector,
    Side,
    Stance,
    Text,
    Tw,
    errors,
)

router = APIRouter(prefix="/download", tags=["downloads"])
Format = Literal["csv", "json"]
CHUNK = 64 * 1024  # characters gathered before they are sent
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
ARTICLE_COLUMNS = (
    "id",
    "published",
    "outlet",
    "title",
    "url",
    "source",
    "ingested_at",
    "sentences",
    "mentions",
)
ACTOR_COLUMNS = ("key", "name", "country", "sector", "kind", "mentions", "articles")
DYAD_COLUMNS = ("dyad", "events", "intensity", "first", "last", "trend")
ESCALATION_COLUMNS = (
    "day",
    "score",
    "conflict",
    "cooperation",
    "intensity",
    "events",
    "killed",
    "outlets",
    "trend",
    "flag",
    "in_ceasefire",
    "event_ids",
)


def _csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> Iterator[str]:
    """CSV text in chunks; a list in a cell is joined with "; "."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "; ".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()})
        if buffer.tell() > CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A JSON array in chunks, one record a line."""
    yield "["
    separator = "\n"
    for row in rows:
        yield separator + json.dumps(row, ensure_ascii=False, default=str)
        separator = ",\n"
    yield "\n]\n"


def _file(name: str, fmt: Format, chunks: Iterator[str]) -> StreamingResponse:
    return StreamingResponse(
        chunks,
        media_type=MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="trucewatch-{name}.{fmt}"'},
    )


def _table(name: str, fmt: Format, rows: list[dict[str, Any]], columns: Sequence[str]) -> StreamingResponse:
    return _file(name, fmt, _csv(rows, columns) if fmt == "csv" else _json(rows))


def _records(name: str, fmt: Format, rows: list[dict[str, Any]]) -> StreamingResponse:
    """Ceasefires and claims, flattened for CSV as ``trucewatch export --what`` does."""
    out = io.StringIO()
    write_records(rows, name, fmt, out)
    return _file(name, fmt, iter([out.getvalue()]))


@router.get("/events.{fmt}", responses=errors(404, 422))
def events(
    fmt: Format,
    tw: Tw,
    filters: EventFilters,
    a: Country = None,
    b: Country = None,
) -> StreamingResponse:
    """Events, by date, with the filters of the events table; ``a`` and ``b`` together keep the
    events between those two sides only (the dyad page's table)."""
    found: Iterable[Event] = tw.dyad_events(a, b, **filters) if a and b else tw.iter_events(**filters)
    chunks = (
        _csv((csv_row(e) for e in found), CSV_COLUMNS) if fmt == "csv" else _json(as_dict(e) for e in found)
    )
    return _file("events", fmt, chunks)


@router.get("/ceasefires.{fmt}", responses=errors(422))
def ceasefires(fmt: Format, tw: Tw, party: Text = None, phase: Phase = None) -> StreamingResponse:
    """Ceasefire records; CSV has one row per ceasefire, JSON the whole record with its timeline."""
    return _records("ceasefires", fmt, tw.ceasefires(party=party, phase=phase))


@router.get("/claims.{fmt}", responses=errors(422))
def claims(fmt: Format, tw: Tw, party: Text = None, stance: Stance = None) -> StreamingResponse:
    """Claims with their denials and counter-accusations."""
    return _records("claims", fmt, tw.claims(party=party, stance=stance))


@router.get("/articles.{fmt}", responses=errors(422))
def articles(
    fmt: Format,
    tw: Tw,
    outlet: Text = None,
    since: Day = None,
    until: Day = None,
    country: Country = None,
    actor: Text = None,
    text: Text = None,
) -> StreamingResponse:
    """The list of articles (not their text: ``/api/articles/ID`` gives that)."""
    rows = [
        as_dict(r)
        for r in tw.articles(outlet=outlet, since=since, until=until, country=country, actor=actor, text=text)
    ]
    return _table("articles", fmt, rows, ARTICLE_COLUMNS)


@router.get("/actors.{fmt}", responses=errors(422))
def actors(fmt: Format, tw: Tw, country: Country = None, sector: Sector = None) -> StreamingResponse:
    """Actors with how often they are mentioned."""
    return _table(
        "actors", fmt, [as_dict(a) for a in tw.actors(country=country, sector=sector)], ACTOR_COLUMNS
    )


@router.get("/dyads.{fmt}", responses=errors(422))
def dyads(fmt: Format, tw: Tw) -> StreamingResponse:
    """Every pair of sides with events and its latest trend."""
    return _table("dyads", fmt, tw.dyads(), DYAD_COLUMNS)


@router.get("/escalation/{a}/{b}.{fmt}", responses=errors(422))
def escalation(a: Side, b: Side, fmt: Format, tw: Tw) -> StreamingResponse:
    """The daily escalation series of one dyad."""
    series = tw.escalation(a, b, hours=False)
    return _table(f"escalation-{a.upper()}-{b.upper()}", fmt, series["days"], ESCALATION_COLUMNS)
