"""The dashboard's pages, rendered on the server with Jinja2; charts are Plotly figures that
``static/app.js`` draws from JSON embedded in the page.

Filters come from the query string, as a GET form sends them: a blank field filters nothing,
and a value that cannot be used is named on the page (status 422) instead of failing it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from trucewatch.api import EVENT_SORTS, Trucewatch
from trucewatch.events.lexicon import STATUSES
from trucewatch.events.ontology import ontology
from trucewatch.model import PHASES, dyad_key
from trucewatch.web import charts
from trucewatch.web.params import ArticleId, RecordId, Side, Tw
from trucewatch.web.templating import templates
from trucewatch.web.views import Pager, actor_label, article_pieces, parse_day, sentence_pieces

router = APIRouter(include_in_schema=False)

# Ceasefires still running, whatever has been alleged against them.
ACTIVE_PHASES = ("agreed", "in_effect", "violation_alleged", "extended", "renewed")
RECENT = 5  # collapsed ceasefires, fastest-rising dyads and latest events on the overview
PAGE_SIZES = (25, 50, 100, 200)
DYAD_TABLE_ROWS = 200  # the dyad page charts every event but lists the latest these many
MAP_TABLE_ROWS = 100
AROUND_CEASEFIRE = dt.timedelta(days=21)  # the escalation chart of a ceasefire shows this much either side
CODE = re.compile(r"^[A-Za-z]{3}$")
HEX = re.compile(r"^[0-9a-f]{4,64}$")


class Form:
    """The values of a page's filter form, read from the query string: blank fields are unset,
    and a value that cannot be used is kept out of the query and named in ``problems``."""

    def __init__(self, request: Request) -> None:
        self.params = request.query_params
        # What the form shows back: the usable values; a field never filled reads as "".
        self.values: defaultdict[str, str] = defaultdict(str)
        self.problems: list[str] = []

    def _raw(self, name: str) -> str | None:
        value = self.params.get(name, "").strip()
        return value or None

    def _bad(self, name: str, message: str) -> None:
        self.problems.append(f"{name}: {message}")

    def text(self, name: str) -> str | None:
        value = self._raw(name)
        if value is None:
            return None
        if len(value) > 200 or any(ord(c) < 32 for c in value):
            self._bad(name, "too long or holds control characters")
            return None
        self.values[name] = value
        return value

    def choice(self, name: str, allowed: tuple[str, ...] | list[str], upper: bool = False) -> str | None:
        value = self._raw(name)
        if value is None:
            return None
        value = value.upper() if upper else value
        if value not in allowed:
            self._bad(name, f"{value!r} is not one of {', '.join(allowed)}")
            return None
        self.values[name] = value
        return value

    def code(self, name: str) -> str | None:
        value = self._raw(name)
        if value is None:
            return None
        if not CODE.match(value):
            self._bad(name, f"{value!r} is not a three-letter code")
            return None
        self.values[name] = value.upper()
        return value.upper()

    def article(self, name: str) -> str | None:
        value = self._raw(name)
        if value is None:
            return None
        if not HEX.match(value):
            self._bad(name, f"{value!r} is not an article id")
            return None
        self.values[name] = value
        return value

    def day(self, name: str) -> dt.date | None:
        try:
            value = parse_day(self._raw(name))
        except ValueError as exc:
            self._bad(name, str(exc))
            return None
        if value is not None:
            self.values[name] = value.isoformat()
        return value

    def number(self, name: str, default: int, low: int, high: int) -> int:
        raw = self._raw(name)
        if raw is None:
            return default
        if not raw.isdigit() or not low <= int(raw) <= high:
            self._bad(name, f"{raw!r} is not a whole number from {low} to {high}")
            return default
        return int(raw)

    def fraction(self, name: str) -> float | None:
        raw = self._raw(name)
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not 0 <= value <= 1:
            self._bad(name, f"{raw!r} is not a number from 0 to 1")
            return None
        self.values[name] = raw
        return value


def render(
    request: Request, template: str, problems: list[str] | None = None, **context: Any
) -> HTMLResponse:
    """A page, with status 422 when its filters held values that could not be used."""
    response: HTMLResponse = templates.TemplateResponse(
        request,
        template,
        {"path": request.url.path, "problems": problems or [], **context},
        status_code=422 if problems else 200,
    )
    return response


def event_filters(form: Form, tw: Trucewatch) -> dict[str, Any]:
    """The filters of the events table and map, as :meth:`Trucewatch.events` takes them."""
    article = form.article("article")
    return {
        "actor": form.text("actor"),
        "country": form.code("country"),
        "category": form.choice("category", list(ontology().categories), upper=True),
        "status": form.choice("status", STATUSES),
        "since": form.day("since"),
        "until": form.day("until"),
        "article_id": tw.resolve_article(article) if article else None,
        "min_confidence": form.fraction("min_confidence"),
    }


def choices() -> dict[str, Any]:
    """The options of the filter forms' select boxes."""
    return {"categories": list(ontology().categories), "statuses": STATUSES, "phases": PHASES}


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, tw: Tw) -> HTMLResponse:
    """Active and recently collapsed ceasefires, the dyads escalating fastest, the latest events."""
    records = tw.ceasefires()
    collapsed = [r for r in records if r["current_phase"] == "collapsed"]
    rising = [d for d in tw.dyads() if d["trend"] > 0]
    total, latest = tw.events_page("-date", limit=10)
    return render(
        request,
        "overview.html",
        active=[r for r in records if r["current_phase"] in ACTIVE_PHASES],
        collapsed=sorted(collapsed, key=lambda r: r["collapsed_at"] or "", reverse=True)[:RECENT],
        rising=sorted(rising, key=lambda d: d["trend"], reverse=True)[:RECENT],
        latest=latest,
        counts={"events": total, "ceasefires": len(records), "articles": tw.count_articles()},
        pieces=sentence_pieces,
    )


@router.get("/ceasefires", response_class=HTMLResponse)
def ceasefire_list(request: Request, tw: Tw) -> HTMLResponse:
    """Every ceasefire record, filtered by party or phase."""
    form = Form(request)
    party, phase = form.text("party"), form.choice("phase", PHASES)
    return render(
        request,
        "ceasefires.html",
        form.problems,
        records=tw.ceasefires(party=party, phase=phase),
        form=form.values,
        **choices(),
    )


@router.get("/ceasefires/{ceasefire_id}", response_class=HTMLResponse)
def ceasefire_page(request: Request, ceasefire_id: RecordId, tw: Tw) -> HTMLResponse:
    """One ceasefire: its phases as a strip and a list with their sentences and outlets, the
    dyad's escalation with the ceasefire's window shaded, and alleged violations by side."""
    record = tw.ceasefire(ceasefire_id, around_days=None)
    a, b = record["dyad"].split("|")
    series = tw.escalation(a, b, hours=False)
    names = " / ".join(p["name"] for p in record["parties"])
    window = None
    if record["start_date"]:
        start = dt.date.fromisoformat(record["start_date"])
        end = dt.date.fromisoformat(record["end_date"]) if record["end_date"] else start
        window = [(start - AROUND_CEASEFIRE).isoformat(), (end + AROUND_CEASEFIRE).isoformat()]
    violations = [s for p in record["phases"] if p["phase"] == "violation_alleged" for s in p["sources"]]
    return render(
        request,
        "ceasefire.html",
        record=record,
        names=names,
        dyad=(a, b),
        timeline=charts.timeline(record),
        escalation=charts.escalation(series, title=f"Escalation {a} - {b}", xrange=window)
        if series["days"]
        else None,
        violations_chart=charts.violations(record) if record["violations_per_day"] else None,
        violations=violations,
    )


@router.get("/dyads", response_class=HTMLResponse)
def dyad_list(request: Request, tw: Tw) -> HTMLResponse:
    """Every pair of sides with events, the most intense first."""
    return render(request, "dyads.html", dyads=tw.dyads())


@router.get("/dyads/{a}/{b}", response_class=HTMLResponse)
def dyad_page(request: Request, a: Side, b: Side, tw: Tw) -> HTMLResponse:
    """Escalation between two sides with every event as a marker on the curve; clicking a marker
    shows its sentence."""
    a, b = a.upper(), b.upper()
    series = tw.escalation(a, b, hours=False)
    events = tw.dyad_events(a, b)
    return render(
        request,
        "dyad.html",
        dyad=(a, b),
        series=series,
        figure=charts.escalation(series, events, title=f"Escalation {a} - {b}") if series["days"] else None,
        events=events[::-1][:DYAD_TABLE_ROWS],
        total=len(events),
        ceasefires=[r for r in tw.ceasefires(party=a) if r["dyad"] == dyad_key(a, b)],
        pieces=sentence_pieces,
    )


@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request, tw: Tw) -> HTMLResponse:
    """The events table: filters, sorting by column, paging, the sentence of each event with
    its words marked, and a link to its article."""
    form = Form(request)
    filters = event_filters(form, tw)
    sort = form.choice("sort", EVENT_SORTS) or "-date"
    limit = form.number("limit", 50, 1, max(PAGE_SIZES))
    offset = form.number("offset", 0, 0, 1_000_000_000)
    total, rows = tw.events_page(sort, limit, offset, **filters)
    return render(
        request,
        "events.html",
        form.problems,
        rows=rows,
        pager=Pager(total, limit, offset),
        form=form.values,
        sort=sort,
        limit=limit,
        page_sizes=PAGE_SIZES,
        pieces=sentence_pieces,
        **choices(),
    )


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, tw: Tw) -> HTMLResponse:
    """Events placed by their coordinates, coloured by category, over country outlines."""
    form = Form(request)
    filters = event_filters(form, tw)
    total = tw.count_events(**filters)
    found = tw.event_places(**filters)
    return render(
        request,
        "map.html",
        form.problems,
        figure=charts.world_map(found),
        places=found[:MAP_TABLE_ROWS],
        located=sum(p["events"] for p in found),
        total=total,
        form=form.values,
        **choices(),
    )


@router.get("/claims", response_class=HTMLResponse)
def claims_page(request: Request, tw: Tw) -> HTMLResponse:
    """Accusations beside their denials and counter-accusations, with the outlets."""
    form = Form(request)
    party, stance = form.text("party"), form.choice("stance", ("alleged", "disputed"))
    limit, offset = 50, form.number("offset", 0, 0, 1_000_000_000)
    records = tw.claims(party=party, stance=stance)
    return render(
        request,
        "claims.html",
        form.problems,
        claims=records[offset : offset + limit],
        pager=Pager(len(records), limit, offset),
        form=form.values,
    )


@router.get("/articles", response_class=HTMLResponse)
def article_list(request: Request, tw: Tw) -> HTMLResponse:
    """Stored articles, newest first, filtered and paged."""
    form = Form(request)
    filters = {
        "outlet": form.text("outlet"),
        "country": form.code("country"),
        "actor": form.text("actor"),
        "text": form.text("text"),
        "since": form.day("since"),
        "until": form.day("until"),
    }
    limit, offset = 50, form.number("offset", 0, 0, 1_000_000_000)
    return render(
        request,
        "articles.html",
        form.problems,
        rows=tw.articles(**filters, limit=limit, offset=offset),
        pager=Pager(tw.count_articles(**filters), limit, offset),
        form=form.values,
    )


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: ArticleId, tw: Tw) -> HTMLResponse:
    """An article's text with its actors and events marked, then its events and statements."""
    parsed = tw.article(article_id)
    actors = Counter(actor_label(m) for m in parsed.mentions if not m.as_place)
    return render(
        request,
        "article.html",
        parsed=parsed,
        article=parsed.article,
        text=article_pieces(parsed),
        actors=actors.most_common(),
        pieces=sentence_pieces,
    )


@router.get("/actors", response_class=HTMLResponse)
def actor_list(request: Request, tw: Tw) -> HTMLResponse:
    """Actors found in the articles, most mentioned first."""
    form = Form(request)
    rows = tw.actors(country=form.code("country"), sector=form.code("sector"))
    limit, offset = 100, form.number("offset", 0, 0, 1_000_000_000)
    return render(
        request,
        "actors.html",
        form.problems,
        rows=rows[offset : offset + limit],
        pager=Pager(len(rows), limit, offset),
        form=form.values,
    )


@router.get("/downloads", response_class=HTMLResponse)
def downloads_page(request: Request) -> HTMLResponse:
    """Every table as CSV and JSON, and where the API and its documentation are."""
    return render(request, "downloads.html")
