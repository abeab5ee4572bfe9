"""The Jinja2 environment of the dashboard: templates beside this module, autoescaping on, and
the few filters and globals every page uses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from trucewatch import __version__
from trucewatch.web.views import names, query, safe_url

TEMPLATES = Path(__file__).with_name("templates")
# The main navigation: (path, label); the layout marks the current one with aria-current.
NAVIGATION = [
    ("/", "Overview"),
    ("/ceasefires", "Ceasefires"),
    ("/dyads", "Dyads"),
    ("/events", "Events"),
    ("/map", "Map"),
    ("/claims", "Claims"),
    ("/articles", "Articles"),
    ("/actors", "Actors"),
    ("/downloads", "Downloads"),
]


def when(value: Any) -> str:
    """A date or time as the pages show it: ISO date, minutes for times, "-" when unknown."""
    if value is None or value == "":
        return "-"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def figure_json(figure: dict[str, Any]) -> Markup:
    """A figure as JSON safe to place inside <script type="application/json">: every <, > and
    & is escaped, so no article text can close the element."""
    text = json.dumps(figure, ensure_ascii=False, separators=(",", ":"), default=str)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# Autoescaping is on for every template: article text, titles, names and URLs all come from
# outside, and none of them may become markup.
environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=environment)
templates.env.filters.update(when=when, names=names, figure_json=figure_json, safe_url=safe_url)
templates.env.globals.update(navigation=NAVIGATION, version=__version__, query=query)
