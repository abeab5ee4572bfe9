"""Parameters shared by the API routes and the downloads, each checked once here: a value
outside its pattern or range is a 422 before any route code runs.

Free text is bounded and free of control characters, which no filter needs and some
databases refuse; ids are lowercase hex (an id or its first characters); sides are ISO alpha-3
codes.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Depends, Path, Query
from pydantic import BaseModel

from trucewatch.api import EVENT_SORTS, Trucewatch
from trucewatch.events.lexicon import STATUSES
from trucewatch.events.ontology import ontology
from trucewatch.model import PHASES
from trucewatch.web.workspace import workspace

# The largest page any list returns: enough for a table, small enough that no request makes the
# server read and serialise a whole database at once.
MAX_PAGE = 500
MAX_OFFSET = 1_000_000_000


def _one_of(values: tuple[str, ...] | list[str]) -> str:
    return "^(" + "|".join(values) + ")$"


PLAIN = r"^[^\x00-\x1f\x7f]*$"
HEX_ID = "^[0-9a-f]{4,64}$"
Text = Annotated[str | None, Query(max_length=200, pattern=PLAIN)]
Country = Annotated[
    str | None, Query(pattern="^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3 code, or UNO, EUR, IGO ...")
]
Sector = Annotated[str | None, Query(pattern="^[A-Za-z]{3}$", description="PLOVER sector: GOV, MIL, REB ...")]
Category = Annotated[
    str | None, Query(pattern=_one_of(list(ontology().categories)), description="PLOVER category.")
]
Status = Annotated[str | None, Query(pattern=_one_of(STATUSES))]
Phase = Annotated[
    str | None, Query(pattern=_one_of(PHASES), description="A phase the ceasefire went through.")
]
Stance = Annotated[Literal["alleged", "disputed"] | None, Query()]
Day = Annotated[dt.date | None, Query(description="YYYY-MM-DD")]
ArticleRef = Annotated[str | None, Query(pattern=HEX_ID, description="Article id or its first characters.")]
MinConfidence = Annotated[float | None, Query(ge=0, le=1)]
Sort = Annotated[
    str, Query(pattern=_one_of(EVENT_SORTS), description="date, score, ...; '-' first: descending.")
]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Items per page, at most {MAX_PAGE}.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
ArticleId = Annotated[str, Path(pattern=HEX_ID, description="An article id or its first characters.")]
RecordId = Annotated[str, Path(pattern=HEX_ID, description="A record id or its first characters.")]
Side = Annotated[str, Path(pattern="^[A-Za-z]{3}$", description="A side: ISO alpha-3 country code.")]
Tw = Annotated[Trucewatch, Depends(workspace)]


def _event_filters(
    tw: Tw,
    actor: Text = None,
    country: Country = None,
    category: Category = None,
    status: Status = None,
    since: Day = None,
    until: Day = None,
    article: ArticleRef = None,
    min_confidence: MinConfidence = None,
) -> dict[str, Any]:
    """The event filters of ``trucewatch events``, as query parameters: what the events API and
    the events download share (an article given by its id's first characters)."""
    return {
        "actor": actor,
        "country": country,
        "category": category,
        "status": status,
        "since": since,
        "until": until,
        "article_id": tw.resolve_article(article) if article else None,
        "min_confidence": min_confidence,
    }


EventFilters = Annotated[dict[str, Any], Depends(_event_filters)]


class ErrorBody(BaseModel):
    """Every error: what went wrong, and for bad parameters which ones."""

    error: str
    details: list[dict[str, Any]] | None = None


MEANINGS = {
    401: "a write without the API token",
    403: "a write with a wrong API token",
    404: "no record with this id",
    413: "request body over the server's limit",
    422: "a parameter or body the server cannot use",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` entry documenting these error statuses."""
    return {s: {"model": ErrorBody, "description": MEANINGS[s]} for s in statuses}
