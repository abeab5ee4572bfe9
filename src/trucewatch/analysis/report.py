"""The brief: the state of each ceasefire, the claims around it and the escalation trend.

Every statement in the brief is quoted with its outlet and date, so a reader can check it. The
brief is written in Markdown; the HTML form is the same text rendered by markdown-it with raw
HTML disabled, so article text can never inject markup.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from typing import Any

from markdown_it import MarkdownIt

from trucewatch.analysis.escalation import Day

PHASE_WORDS = {
    "proposed": "proposed",
    "agreed": "agreed",
    "in_effect": "in effect",
    "violation_alleged": "violation alleged",
    "collapsed": "collapsed",
    "renewed": "renewed",
    "extended": "extended",
    "rejected": "rejected",
}
# Sentences are quoted up to this length in the brief.
QUOTE_CHARS = 300
# Claims listed per ceasefire, newest first.
CLAIMS_PER_CEASEFIRE = 8


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


def _md(text: str) -> str:
    """Text safe inside Markdown: no emphasis, links or headings from article words."""
    for ch in "\\`*_[]#<>|":
        text = text.replace(ch, "\\" + ch)
    return text


def _source(source: Mapping[str, Any]) -> str:
    outlet = source.get("outlet") or "unknown outlet"
    published = (source.get("published") or "")[:10]
    return f"{_md(outlet)}, {published}" if published else _md(outlet)


def _trend_line(days: Sequence[Day]) -> str:
    if not days:
        return "No events between the parties."
    last = days[-1]
    week = days[-7:]
    total = sum(d.intensity for d in week)
    flags = [f"{d.day.isoformat()} {'rise' if d.flag == 'up' else 'fall'}" for d in days if d.flag]
    direction = "escalating" if last.trend > 0.5 else "calming" if last.trend < -0.5 else "steady"
    line = (
        f"Escalation {direction} (trend {last.trend:+.2f} per day) as of {last.day.isoformat()}: "
        f"intensity {total:.1f} over the last {len(week)} day(s), "
        f"{sum(d.events for d in week)} event(s), {sum(d.killed for d in week)} reported killed."
    )
    if flags:
        line += f" Sharp changes: {', '.join(flags[-5:])}."
    return line


def _ceasefire_section(
    record: Mapping[str, Any], claims: Sequence[Mapping[str, Any]], days: Sequence[Day]
) -> list[str]:
    parties = " / ".join(p["name"] for p in record["parties"])
    lines = [f"## {_md(parties)}", ""]
    mediators = ", ".join(m["name"] for m in record["mediators"]) or "none reported"
    state = PHASE_WORDS.get(record["current_phase"], record["current_phase"])
    facts = [
        f"**State:** {state}" + (" (reports disagree)" if record["contested"] else ""),
        f"**Mediators:** {_md(mediators)}",
        f"**Declared:** {record['declared_at'] or 'not reported'}; "
        f"**in effect:** {record['effective_at'] or 'not reported'}",
        f"**First alleged violation:** {record['first_violation_alleged_at'] or 'none reported'}",
        f"**Collapsed:** {record['collapsed_at'] or 'no'}",
    ]
    if record["hours_held"] is not None:
        facts.append(f"**Held:** {record['hours_held']:.0f} hours")
    if record.get("previous"):
        facts.append(f"**Follows:** ceasefire {record['previous'][:8]}")
    lines += [f"- {f}" for f in facts] + ["", "### Timeline", ""]
    for phase in record["phases"]:
        when = phase["date"] or "undated"
        for source in phase["sources"][:3]:
            words = PHASE_WORDS.get(phase["phase"], phase["phase"])
            lines.append(
                f"- {when}, {words}: \u201c{_md(_quote(source['sentence']))}\u201d ({_source(source)})"
            )
    if record["contested"]:
        lines += ["", "### Conflicting reports", ""]
        for c in record["contested"]:
            phase = PHASE_WORDS.get(c["phase"], c["phase"])
            outlet = _md(c["outlet"] or "unknown outlet")
            lines.append(f"- {phase}: \u201c{_md(_quote(c['sentence']))}\u201d ({outlet})")
    lines += ["", "### Claims", ""]
    if not claims:
        lines.append("- No accusations between the parties reported.")
    for claim in list(claims)[-CLAIMS_PER_CEASEFIRE:]:
        lines.append(_claim_line(claim))
    lines += ["", "### Escalation", "", _trend_line(days), ""]
    return lines


def _claim_line(claim: Mapping[str, Any]) -> str:
    who = f"{claim['accuser']['name'] or 'Someone'} accuses {claim['accused']['name'] or '?'}"
    stance = f" (disputed by {_md(claim['disputed_by'])})" if claim["stance"] == "disputed" else ""
    denials = "; ".join(
        f"denied by {_md(d['by']['name'] or '?')}: \u201c{_md(_quote(d['sentence']))}\u201d"
        for d in claim["denials"]
    )
    outlet = _md(claim["outlet"] or "unknown outlet")
    quote = _md(_quote(claim["sentence"]))
    line = f"- {claim['date'] or 'undated'}: {_md(who)}{stance}: \u201c{quote}\u201d ({outlet})"
    if denials:
        line += f". {denials}"
    if claim.get("counter_accusations"):
        line += f". {len(claim['counter_accusations'])} counter-accusation(s)."
    return line


def markdown_brief(
    ceasefires: Sequence[Mapping[str, Any]],
    claims: Sequence[Mapping[str, Any]],
    series_by_dyad: Mapping[str, Sequence[Day]],
    generated: dt.datetime | None = None,
) -> str:
    """The brief as Markdown."""
    stamp = (generated or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# trucewatch brief", "", f"Generated {stamp} from {len(ceasefires)} ceasefire record(s).", ""]
    for record in sorted(ceasefires, key=lambda r: r.get("end_date") or "", reverse=True):
        related = [
            c
            for c in claims
            if set(record["dyad"].split("|"))
            == set(c["accuser"]["countries"]) | set(c["accused"]["countries"])
        ]
        lines += _ceasefire_section(record, related, series_by_dyad.get(record["dyad"], ()))
    disputed = [c for c in claims if c["stance"] == "disputed"]
    if disputed:
        lines += ["## Disputed claims", ""] + [_claim_line(c) for c in disputed] + [""]
    return "\n".join(lines) + "\n"


def html_brief(markdown: str) -> str:
    """The brief as a standalone HTML page."""
    body = MarkdownIt("commonmark", {"html": False}).render(markdown)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape('trucewatch brief')}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5}h2{border-top:1px solid #ccc;padding-top:1rem}</style></head>\n<body>\n"
        f"{body}</body></html>\n"
    )
