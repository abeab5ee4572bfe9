"""The dashboard's charts as Plotly figure specifications: plain dicts of data and layout that
the page embeds as JSON and ``static/app.js`` hands to ``Plotly.newPlot``.

Built as plain dicts rather than ``plotly.graph_objects`` figures: the browser's Plotly checks
them anyway, and skipping the Python-side validation keeps a page with thousands of markers
fast. Text that came from articles is HTML-escaped before it goes into hover labels, which
Plotly renders as (a subset of) HTML.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections import Counter, defaultdict
from typing import Any

from trucewatch.model import Event
from trucewatch.web.views import names, trigger_offsets

Figure = dict[str, Any]

# One colour per PLOVER category, cooperative categories in blues and greens, conflictual in
# oranges and reds, so that a glance at a chart shows which way things go.
CATEGORY_COLOURS = {
    "AGREE": "#1f77b4",
    "CONSULT": "#6baed6",
    "SUPPORT": "#17becf",
    "CONCEDE": "#2ca02c",
    "COOPERATE": "#98df8a",
    "AID": "#3f9b8f",
    "RETREAT": "#8c6d31",
    "REQUEST": "#9467bd",
    "REJECT": "#c5b0d5",
    "ACCUSE": "#e6ab02",
    "THREATEN": "#ff7f0e",
    "PROTEST": "#bcbd22",
    "SANCTION": "#e377c2",
    "MOBILIZE": "#7f7f7f",
    "COERCE": "#d62728",
    "ASSAULT": "#8b0000",
}
PHASE_COLOURS = {
    "proposed": "#9e9e9e",
    "agreed": "#1f77b4",
    "in_effect": "#2ca02c",
    "extended": "#98df8a",
    "renewed": "#17becf",
    "violation_alleged": "#ff7f0e",
    "collapsed": "#d62728",
    "rejected": "#7f7f7f",
}
CEASEFIRE_SHADE = "rgba(44, 160, 44, 0.15)"
DAY_MS = 86_400_000
BASE_LAYOUT: dict[str, Any] = {
    "margin": {"l": 56, "r": 16, "t": 32, "b": 48},
    "font": {"family": "system-ui, sans-serif", "size": 13},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
    "hoverlabel": {"align": "left"},
    "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"},
}


def _text(value: str) -> str:
    return html.escape(value, quote=False)


def colour(category: str) -> str:
    """The category's colour in every chart."""
    return CATEGORY_COLOURS.get(category, "#444444")


def escalation(
    series: dict[str, Any],
    events: list[Event] | None = None,
    title: str = "Escalation",
    xrange: list[str] | None = None,
) -> Figure:
    """Daily intensity of a dyad, ceasefire windows shaded, and (when given) one marker per event
    placed on its day's point of the curve; a marker's customdata carries what the page shows
    when it is clicked: id, date, what, who, sentence, article, trigger offsets, status.
    ``xrange`` (two ISO dates) is the span shown first; the reader can zoom out."""
    days = series["days"]
    x = [d["day"] for d in days]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": "intensity",
            "x": x,
            "y": [d["intensity"] for d in days],
            "line": {"color": "#444", "width": 1.5, "shape": "hv"},
            "hovertemplate": "%{x}<br>intensity %{y:.1f}<extra></extra>",
        }
    ]
    if events:
        # The curve must not catch the pointer where a marker sits on it: a click is for markers.
        data[0]["hoverinfo"] = "skip"
        data[0].pop("hovertemplate")
        data += _event_markers(days, events)
    shapes = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": w["start"],
            "x1": (dt.date.fromisoformat(w["end"]) + dt.timedelta(days=1)).isoformat(),
            "y0": 0,
            "y1": 1,
            "fillcolor": CEASEFIRE_SHADE,
            "line": {"width": 0},
            "layer": "below",
        }
        for w in series["ceasefires"]
    ]
    layout = {
        **BASE_LAYOUT,
        "title": {"text": _text(title), "x": 0, "font": {"size": 15}},
        "shapes": shapes,
        "xaxis": {"type": "date", "title": {"text": "day"}, **({"range": xrange} if xrange else {})},
        "yaxis": {"title": {"text": "intensity"}, "rangemode": "tozero"},
        "hovermode": "closest",
        "showlegend": bool(events),
    }
    return {"data": data, "layout": layout}


def _event_markers(days: list[dict[str, Any]], events: list[Event]) -> list[dict[str, Any]]:
    """One trace per category; events of one day are stacked a little apart above the curve."""
    level = {d["day"]: d["intensity"] for d in days}
    step = max([*level.values(), 1.0]) * 0.04
    seen: Counter[str] = Counter()
    by_category: dict[str, dict[str, list[Any]]] = defaultdict(lambda: {"x": [], "y": [], "customdata": []})
    for e in events:
        if e.date.date is None:
            continue
        day = e.date.date.isoformat()
        trace = by_category[e.category]
        trace["x"].append(day)
        trace["y"].append(level.get(day, 0.0) + step * seen[day])
        seen[day] += 1
        offsets = trigger_offsets(e) or (-1, -1)
        what = e.category + (f"/{e.mode}" if e.mode else "")
        trace["customdata"].append(
            [
                e.id,
                day,
                what,
                _text(f"{names(e.actors)} → {names(e.targets)}"),
                e.sentence_text,
                e.article_id,
                offsets[0],
                offsets[1],
                e.status,
            ]
        )
    return [
        {
            "type": "scatter",
            "mode": "markers",
            "name": category,
            "x": trace["x"],
            "y": trace["y"],
            "customdata": trace["customdata"],
            "marker": {"color": colour(category), "size": 9, "line": {"width": 1, "color": "#fff"}},
            "hovertemplate": "%{customdata[1]} %{customdata[2]}<br>%{customdata[3]}"
            "<br><i>click for the sentence</i><extra></extra>",
        }
        for category, trace in sorted(by_category.items())
    ]


def phase_spans(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Each dated phase of a ceasefire with the span it lasted: until the next phase change,
    and the last one until the record's end (or a day, when the record is still open)."""
    dated = [p for p in record["phases"] if p["date"]]
    spans = []
    for i, phase in enumerate(dated):
        start = dt.date.fromisoformat(phase["date"])
        later = [dt.date.fromisoformat(p["date"]) for p in dated[i + 1 :] if p["date"] > phase["date"]]
        end = later[0] if later else start + dt.timedelta(days=1)
        spans.append({"phase": phase["phase"], "start": start, "end": max(end, start + dt.timedelta(days=1))})
    return spans


def timeline(record: dict[str, Any]) -> Figure:
    """A Gantt-style strip of the ceasefire's phases: one row per kind of phase, one bar per
    time the ceasefire was in it."""
    spans = phase_spans(record)
    order = [p for p in PHASE_COLOURS if any(s["phase"] == p for s in spans)]
    data = []
    for phase in order:
        mine = [s for s in spans if s["phase"] == phase]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": phase.replace("_", " "),
                "y": [phase.replace("_", " ")] * len(mine),
                "base": [s["start"].isoformat() for s in mine],
                "x": [(s["end"] - s["start"]).days * DAY_MS for s in mine],
                "marker": {"color": PHASE_COLOURS[phase]},
                "customdata": [[s["start"].isoformat(), s["end"].isoformat()] for s in mine],
                "hovertemplate": f"{phase.replace('_', ' ')}: %{{customdata[0]}} to %{{customdata[1]}}"
                "<extra></extra>",
            }
        )
    layout = {
        **BASE_LAYOUT,
        "title": {"text": "Phases", "x": 0, "font": {"size": 15}},
        "barmode": "overlay",
        "xaxis": {"type": "date"},
        "yaxis": {
            "autorange": "reversed",
            "categoryorder": "array",
            "categoryarray": [p.replace("_", " ") for p in order],
        },
        "showlegend": False,
        "height": 90 + 34 * max(1, len(order)),
        "margin": {**BASE_LAYOUT["margin"], "l": 120},
    }
    return {"data": data, "layout": layout}


def violations(record: dict[str, Any]) -> Figure:
    """Alleged violations per day of the ceasefire, by the side that alleged them."""
    rates = record["violations_per_day"]
    sides = {p["code"]: p["name"] for p in record["parties"]}
    labels = [_text(sides.get(code, code)) for code in rates]
    data = [
        {
            "type": "bar",
            "x": labels,
            "y": list(rates.values()),
            "marker": {"color": "#ff7f0e"},
            "hovertemplate": "alleged by %{x}: %{y} a day<extra></extra>",
        }
    ]
    layout = {
        **BASE_LAYOUT,
        "title": {"text": "Alleged violations per day, by accusing side", "x": 0, "font": {"size": 15}},
        "yaxis": {"title": {"text": "per day"}, "rangemode": "tozero"},
        "height": 300,
    }
    return {"data": data, "layout": layout}


def world_map(places: list[dict[str, Any]]) -> Figure:
    """Events on a world map: a marker per place and category, sized by the number of events,
    coloured by category, over the country outlines the app serves itself."""
    by_category: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in places:
        by_category[p["category"]].append(p)
    data = [
        {
            "type": "scattergeo",
            "mode": "markers",
            "name": category,
            "lon": [p["longitude"] for p in rows],
            "lat": [p["latitude"] for p in rows],
            "text": [_text(f"{p['name']} ({p['country'] or '?'})") for p in rows],
            "customdata": [[p["events"], p["killed"]] for p in rows],
            "marker": {
                "color": colour(category),
                "size": [min(40, 6 + 4 * math.sqrt(p["events"])) for p in rows],
                "opacity": 0.8,
                "line": {"width": 0.5, "color": "#fff"},
            },
            "hovertemplate": "%{text}<br>"
            + category
            + ": %{customdata[0]} event(s), %{customdata[1]} killed<extra></extra>",
        }
        for category, rows in sorted(by_category.items())
    ]
    layout = {
        **BASE_LAYOUT,
        "height": 520,
        "margin": {"l": 0, "r": 0, "t": 8, "b": 0},
        "legend": {"orientation": "h", "x": 0, "y": -0.02, "yanchor": "top"},
        "geo": {
            "scope": "world",
            "resolution": 110,
            "projection": {"type": "natural earth"},
            "showland": True,
            "landcolor": "#eeeae2",
            "showcoastlines": True,
            "coastlinecolor": "#8a8a8a",
            "showcountries": True,
            "countrycolor": "#b0b0b0",
            "showocean": False,
            "showlakes": False,
            "showrivers": False,
            "showsubunits": False,
            "bgcolor": "#dbe9f4",
            "fitbounds": "locations" if places else False,
        },
    }
    return {"data": data, "layout": layout}
