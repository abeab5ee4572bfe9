"""The REST API under /api: each route checks its parameters, calls the workspace, and returns
records as JSON (the same shapes as ``trucewatch.records`` and the CLI's ``--json``).

Lists are paged with ``limit`` (at most MAX_PAGE) and ``offset`` and say how many match in
all. The one write, POST /api/articles, runs the pipeline on an article given as text, HTML,
Markdown or JSON Lines and answers with what it found.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import UploadFile

from trucewatch.api import IngestReport
from trucewatch.errors import InputError
from trucewatch.ingest import FORMATS, parse_published
from trucewatch.model import as_dict
from trucewatch.web.params import (
    PLAIN,
    ArticleId,
    Country,
    Day,
    EventFilters,
    Limit,
    Offset,
    Phase,
    RecordId,
    Sector,
    Side,
    Sort,
    Stance,
    Text,
    Tw,
    errors,
)
from trucewatch.web.security import guard_write
from trucewatch.web.workspace import Workspace

router = APIRouter(prefix="/api")


class Page(BaseModel):
    """One page of a list, and how many items match in all."""

    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


class Rejected(BaseModel):
    """An input of an upload that could not be read as an article."""

    source: str
    reason: str


class IngestResult(BaseModel):
    """What an upload stored, and the events and ceasefire statements found in each article."""

    added: list[str]
    unchanged: list[str]
    replaced: list[str]
    rejected: list[Rejected]
    articles: list[dict[str, Any]]


class ArticleIn(BaseModel):
    """An article posted as JSON."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="The article: plain text, Markdown, HTML or JSON Lines.")
    format: Literal["text", "markdown", "html", "jsonl"] | None = Field(
        None, description="Format of ``text``; guessed from the content when absent."
    )
    title: str | None = Field(None, max_length=500)
    outlet: str | None = Field(None, max_length=200)
    published: str | None = Field(None, max_length=100, description="Publication time, ISO 8601.")
    url: str | None = Field(None, max_length=2000)


def sliced(items: list[dict[str, Any]], limit: int, offset: int) -> Page:
    """A page of a list the API returns whole (ceasefires, claims, actors, dyads)."""
    return Page(total=len(items), limit=limit, offset=offset, items=items[offset : offset + limit])


@router.get("/articles", response_model=Page, responses=errors(422))
def list_articles(
    tw: Tw,
    outlet: Text = None,
    since: Day = None,
    until: Day = None,
    country: Country = None,
    actor: Text = None,
    text: Text = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page:
    """Stored articles, newest first; filters as in ``trucewatch articles``."""
    filters = {
        "outlet": outlet,
        "since": since,
        "until": until,
        "country": country,
        "actor": actor,
        "text": text,
    }
    rows = tw.articles(**filters, limit=limit, offset=offset)
    return Page(
        total=tw.count_articles(**filters), limit=limit, offset=offset, items=[as_dict(r) for r in rows]
    )


@router.get("/articles/{article_id}", responses=errors(404, 422))
def one_article(article_id: ArticleId, tw: Tw) -> dict[str, Any]:
    """One article with its text, sentences, actor mentions, events and ceasefire statements."""
    return as_dict(tw.article(article_id))


UPLOAD_TYPES = {
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/html": "html",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/x-jsonlines": "jsonl",
}
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
_FORM_SCHEMA = {
    "type": "object",
    "required": ["text"],
    "properties": {
        "text": {"type": "string", "minLength": 1},
        "format": {"type": "string", "enum": list(FORMATS)},
        "title": {"type": "string"},
        "outlet": {"type": "string"},
        "published": {"type": "string"},
        "url": {"type": "string"},
    },
}
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "description": "The article. Raw bodies take their format from the content type (or the "
        "`format` parameter); JSON and forms give `text` and optional `format`, `title`, "
        "`outlet`, `published`, `url`. A form may send the file as `file` instead of `text`.",
        "content": {
            "application/json": {"schema": ArticleIn.model_json_schema()},
            **{kind: {"schema": {"type": "string", "minLength": 1}} for kind in UPLOAD_TYPES},
            **{kind: {"schema": _FORM_SCHEMA} for kind in FORM_TYPES},
        },
    }
}


async def _upload(request: Request, defaults: dict[str, str | None]) -> tuple[bytes, dict[str, str | None]]:
    """The posted article's bytes and its metadata fields (format, title, outlet, published, url)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fields = dict(defaults)
    if kind == "application/json":
        try:
            posted = ArticleIn.model_validate_json(await request.body())
        except ValidationError as exc:
            raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from exc
        for name in ("format", "title", "outlet", "published", "url"):
            fields[name] = getattr(posted, name) or fields[name]
        return posted.text.encode(), fields
    if kind in FORM_TYPES:
        form = await request.form(max_files=1, max_fields=10)
        for name in ("format", "title", "outlet", "published", "url"):
            value = form.get(name)
            if isinstance(value, str) and value:
                fields[name] = value
        content = form.get("file") or form.get("text")
        data = await content.read() if isinstance(content, UploadFile) else (content or "").encode()
        if not data.strip():
            raise RequestValidationError(
                [{"loc": ("body", "text"), "msg": "no article text", "type": "missing"}]
            )
        return data, fields
    fields["format"] = fields["format"] or UPLOAD_TYPES.get(kind)
    data = await request.body()
    if not data.strip():
        raise RequestValidationError([{"loc": ("body",), "msg": "the body is empty", "type": "missing"}])
    return data, fields


def _ingest(holder: Workspace, data: bytes, fields: dict[str, str | None]) -> IngestResult:
    """Run the pipeline over the upload, one write at a time, and gather what it found."""
    fmt = fields["format"]
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")
    published = parse_published(fields["published"]) if fields["published"] else None
    tw = holder.get()
    with holder.writing:
        report: IngestReport = tw.ingest_bytes(
            data, fmt, title=fields["title"], outlet=fields["outlet"], url=fields["url"], published=published
        )
    found = []
    for article_id in (*report.added, *report.replaced, *report.unchanged):
        parsed = tw.article(article_id)
        found.append(
            {
                "id": article_id,
                "title": parsed.article.title,
                "outlet": parsed.article.outlet,
                "published": parsed.article.published.isoformat() if parsed.article.published else None,
                "events": [as_dict(e) for e in parsed.events],
                "ceasefires": [as_dict(c) for c in parsed.ceasefires],
            }
        )
    return IngestResult(
        added=report.added,
        unchanged=report.unchanged,
        replaced=report.replaced,
        rejected=[Rejected(source=r.source, reason=r.reason) for r in report.rejected],
        articles=found,
    )


@router.post(
    "/articles",
    status_code=201,
    response_model=IngestResult,
    responses={200: {"model": IngestResult, "description": "already stored"}, **errors(401, 403, 413, 422)},
    dependencies=[Depends(guard_write)],
    openapi_extra=UPLOAD_BODY,
)
async def post_articles(
    request: Request,
    fmt: Annotated[
        Literal["text", "markdown", "html", "jsonl"] | None,
        Query(alias="format", description="Format of the body."),
    ] = None,
    title: Text = None,
    outlet: Text = None,
    published: Text = None,
    url: Annotated[str | None, Query(max_length=2000, pattern=PLAIN)] = None,
) -> JSONResponse:
    """Store an article (or one a line, for JSON Lines) and answer with the events and
    ceasefire statements found in it: 201 when something new was stored, 200 when it all was
    already, 422 when nothing could be read."""
    defaults = {"format": fmt, "title": title, "outlet": outlet, "published": published, "url": url}
    data, fields = await _upload(request, defaults)
    result = await run_in_threadpool(_ingest, request.app.state.workspace, data, fields)
    if not result.articles:
        reasons = "; ".join(f"{r.source}: {r.reason}" for r in result.rejected) or "no article found"
        body = {
            "error": f"nothing could be read: {reasons}",
            "rejected": [r.model_dump() for r in result.rejected],
        }
        return JSONResponse(body, status_code=422)
    status = 201 if result.added or result.replaced else 200
    return JSONResponse(result.model_dump(mode="json"), status_code=status)


@router.get("/events", response_model=Page, responses=errors(404, 422))
def list_events(
    tw: Tw,
    filters: EventFilters,
    sort: Sort = "date",
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page:
    """Stored events with their sentence; filters as in ``trucewatch events``."""
    total, rows = tw.events_page(sort, limit, offset, **filters)
    return Page(total=total, limit=limit, offset=offset, items=[as_dict(e) for e in rows])


@router.get("/ceasefires", response_model=Page, responses=errors(422))
def list_ceasefires(
    tw: Tw,
    party: Text = None,
    phase: Phase = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page:
    """Ceasefire records, oldest first: parties, mediators, phase, dates, hours held."""
    return sliced(tw.ceasefires(party=party, phase=phase), limit, offset)


@router.get("/ceasefires/{ceasefire_id}", responses=errors(404, 422))
def one_ceasefire(ceasefire_id: RecordId, tw: Tw) -> dict[str, Any]:
    """One ceasefire with its timeline of phases, the sentences and outlets behind each, and
    the dyad's events in the week around each phase change."""
    return tw.ceasefire(ceasefire_id)


@router.get("/claims", response_model=Page, responses=errors(422))
def list_claims(
    tw: Tw,
    party: Text = None,
    stance: Stance = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page:
    """Accusations with their denials and counter-accusations, and the claims outlets dispute."""
    return sliced(tw.claims(party=party, stance=stance), limit, offset)


@router.get("/escalation/{a}/{b}", responses=errors(422))
def escalation(
    a: Side,
    b: Side,
    tw: Tw,
    window: Annotated[int, Query(ge=2, le=90, description="Days of the trend window.")] = 7,
) -> dict[str, Any]:
    """The daily escalation series of the dyad a-b with its ceasefire windows and hourly counts."""
    return tw.escalation(a, b, window)


@router.get("/actors", response_model=Page, responses=errors(422))
def list_actors(
    tw: Tw,
    country: Country = None,
    sector: Sector = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page:
    """Actors mentioned in the stored articles, most mentioned first."""
    return sliced([as_dict(a) for a in tw.actors(country=country, sector=sector)], limit, offset)


@router.get("/dyads", response_model=Page, responses=errors(422))
def list_dyads(tw: Tw, limit: Limit = 100, offset: Offset = 0) -> Page:
    """Every pair of sides with events: count, intensity, first and last day, latest trend."""
    return sliced(tw.dyads(), limit, offset)
