"""Recall on the seed articles: how many of the analyst's gold items the system finds.

The gold file (shared/gold/README.md) lists, per article, events, casualty figures, claims and
ceasefires an analyst took out. It is not exhaustive, so only recall is measured here (precision
is measured on ACLED's single-event texts). Each item is found or missed as a whole; attributes
the gold gives beside the core (an event's place and date, a figure's source and period, a
claim's denial) are also scored separately, over the items that were found, so that a report
shows both "did it find the strike" and "did it place it right".

Ceasefire items are scored against the ceasefire records built from each document's statements
(found when a record joins the gold parties; each mediator and phase scored apart), and claims
marked ``stance: disputed`` against the claims the document disputes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from trucewatch.errors import InputError
from trucewatch.evaluation.metrics import Ratio, fold, same_place
from trucewatch.events.acled import country_code, country_name
from trucewatch.model import Event, Location, Mention

Run = Callable[[list[Path]], Mapping[str, "DocOutput | tuple[Event, ...]"]]
KINDS = ("event", "casualty", "claim", "ceasefire")
# killed_min is met by a figure of that value given as a floor or as exact.
FLOOR_QUALIFIERS = frozenset({"at_least", "more_than", "exact"})
PERIOD_TOLERANCE = 0.01


class GoldItem(BaseModel):
    """One line of the gold file; fields of later kinds and unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    doc: str
    kind: Literal["event", "casualty", "claim", "ceasefire"]
    cue: str = ""
    # event
    type: list[str] = []
    source: list[str] = []
    target: list[str] = []
    source_names: list[str] = []
    target_names: list[str] = []
    location: str | None = None
    date: dt.date | None = None
    # casualty
    killed_min: int | None = None
    killed: int | None = None
    where: list[str] = []
    period_days: float | None = None
    attributed_to: str | None = None
    # claim
    accuser: list[str] = []
    accused: list[str] = []
    denied_by: list[str] = []
    about: str = ""
    stance: str | None = None
    # ceasefire
    parties: list[str] = []
    party_names: list[str] = []
    mediators: list[str] = []
    phases: list[str] = []


@dataclass(frozen=True)
class DocOutput:
    """What the system made of one document: events, ceasefire records and claims (as stored)."""

    events: tuple[Event, ...] = ()
    ceasefires: tuple[dict[str, Any], ...] = ()
    claims: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class ItemResult:
    """How one gold item fared: found, missed or not scored, and its separately scored fields."""

    id: str
    doc: str
    kind: str
    cue: str
    outcome: Literal["found", "missed", "not scored"]
    fields: tuple[tuple[str, bool], ...] = ()
    note: str = ""


@dataclass(frozen=True)
class SeedReport:
    """The result of a seed evaluation: every item's outcome, with recall per kind and field."""

    items: tuple[ItemResult, ...]
    docs: tuple[str, ...] = field(default=())

    def recall(self) -> dict[str, Ratio]:
        """Recall per kind over the scored items, and "all"."""
        ratios: dict[str, Ratio] = {}
        for item in self.items:
            if item.outcome == "not scored":
                continue
            hit = item.outcome == "found"
            ratios[item.kind] = ratios.get(item.kind, Ratio()).add(hit)
            ratios["all"] = ratios.get("all", Ratio()).add(hit)
        ordered = [k for k in (*KINDS, "all") if k in ratios]
        return {k: ratios[k] for k in ordered}

    def field_scores(self) -> dict[str, Ratio]:
        """Accuracy of each separately scored field ("event.location", ...) over found items."""
        ratios: dict[str, Ratio] = {}
        for item in self.items:
            for name, ok in item.fields:
                key = f"{item.kind}.{name}"
                ratios[key] = ratios.get(key, Ratio()).add(ok)
        return dict(sorted(ratios.items()))

    def misses(self) -> list[ItemResult]:
        """The items the system did not find."""
        return [i for i in self.items if i.outcome == "missed"]

    def not_scored(self) -> list[ItemResult]:
        """The items no scorer exists for yet (ceasefires, disputed claims)."""
        return [i for i in self.items if i.outcome == "not scored"]

    def as_dict(self) -> dict[str, Any]:
        """The report as plain values, for JSON."""
        return {
            "docs": list(self.docs),
            "recall": {k: v.as_dict() for k, v in self.recall().items()},
            "fields": {k: v.as_dict() for k, v in self.field_scores().items()},
            "missed": [{"id": i.id, "kind": i.kind, "cue": i.cue, "note": i.note} for i in self.misses()],
            "not_scored": [{"id": i.id, "kind": i.kind, "note": i.note} for i in self.not_scored()],
            "items": [
                {"id": i.id, "doc": i.doc, "kind": i.kind, "outcome": i.outcome, "fields": dict(i.fields)}
                for i in self.items
            ],
        }

    def format_report(self) -> str:
        """The report as text for a terminal."""
        scored = len(self.items) - len(self.not_scored())
        lines = [
            f"Seed evaluation: {len(self.items)} gold items in {len(self.docs)} document(s), "
            f"{scored} scored, {len(self.not_scored())} not scored yet",
            "",
            "recall by kind",
        ]
        lines += [f"  {kind:<10} {ratio}" for kind, ratio in self.recall().items()]
        fields = self.field_scores()
        if fields:
            lines += ["", "fields, over the items found where the gold gives them"]
            lines += [f"  {name:<20} {ratio}" for name, ratio in fields.items()]
        waiting = self.not_scored()
        if waiting:
            lines += ["", "not scored yet"]
            lines += [f"  {i.id:<12} {i.kind:<9} {i.note}" for i in waiting]
        missed = self.misses()
        if missed:
            lines += ["", f"missed ({len(missed)})"]
            for item in missed:
                lines.append(f"  {item.id:<12} {item.kind:<9} {item.note}")
                if item.cue:
                    lines.append(f"  {'':<12} cue: {item.cue}")
        return "\n".join(lines)


def read_gold(path: Path) -> list[GoldItem]:
    """The gold items of a JSON Lines file; InputError names the file and line of a bad one."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read gold file: {exc.strerror or exc}") from exc
    items: list[GoldItem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(GoldItem.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: line {number}: not valid JSON ({exc.msg})") from exc
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InputError(f"{path}: line {number}: {where}: {first['msg']}") from exc
    return items


# Matching


def _actor_matches(mention: Mention, codes: Sequence[str], names: Sequence[str]) -> bool:
    """A system actor matches by name when the gold names the organisation, else by country."""
    if names:
        haystacks = (fold(mention.actor.name), fold(mention.text))
        return any(fold(n) and fold(n) in h for n in names for h in haystacks)
    return mention.actor.country in codes


def covers(mentions: Sequence[Mention], codes: Sequence[str], names: Sequence[str] = ()) -> bool:
    """Whether a side's actors include at least one of the gold's codes (or names)."""
    return any(not m.as_place and _actor_matches(m, codes, names) for m in mentions)


def _place_matches(loc: Location | None, gold: str) -> bool:
    if loc is None:
        return False
    if same_place(loc.name, gold) or same_place(loc.text, gold):
        return True
    # a gold place that is a country ("Qatar") is met by any place in that country
    code = country_code(gold)
    return code is not None and loc.country == code and same_place(country_name(code), gold)


def _date_matches(event: Event, gold: dt.date) -> bool:
    when = event.date
    if when.date is None:
        return False
    if when.end is not None:
        return when.date <= gold <= when.end
    return when.date == gold


def _score_event(item: GoldItem, events: Sequence[Event]) -> ItemResult:
    found = [
        e
        for e in events
        if e.category in item.type
        and covers(e.actors, item.source, item.source_names)
        and covers(e.targets, item.target, item.target_names)
    ]
    fields: list[tuple[str, bool]] = []
    if found and item.location:
        fields.append(("location", any(_place_matches(e.location, item.location) for e in found)))
    if found and item.date:
        gold_date = item.date
        fields.append(("date", any(_date_matches(e, gold_date) for e in found)))
    who = "/".join(item.source_names or item.source) + " -> " + "/".join(item.target_names or item.target)
    note = f"{'/'.join(item.type)} {who}"
    return _result(item, bool(found), fields, note)


def _figure_matches(item: GoldItem, event: Event) -> bool:
    cas = event.casualties
    if cas is None or cas.killed is None:
        return False
    killed = cas.killed
    if item.killed_min is not None:
        if killed.value != item.killed_min or killed.qualifier not in FLOOR_QUALIFIERS:
            return False
    elif item.killed is None or killed.value != item.killed:
        return False
    if not item.where:
        return True
    places = {cas.victims_country, event.location.country if event.location else None}
    return bool(places & set(item.where))


def _attribution_matches(gold: str, event: Event) -> bool:
    wanted = gold.casefold()
    said = [event.casualties.reported_by if event.casualties else None]
    if event.attributed_to:
        said.append(event.attributed_to.text)
        if event.attributed_to.actor:
            said.append(event.attributed_to.actor.name)
    return any(s and wanted in s.casefold() for s in said)


def _score_casualty(item: GoldItem, events: Sequence[Event]) -> ItemResult:
    found = [e for e in events if _figure_matches(item, e)]
    fields: list[tuple[str, bool]] = []
    if found and item.attributed_to:
        gold = item.attributed_to
        fields.append(("attribution", any(_attribution_matches(gold, e) for e in found)))
    if found and item.period_days is not None:
        days = item.period_days
        fields.append(
            (
                "period",
                any(
                    e.casualties is not None
                    and e.casualties.period_days is not None
                    and abs(e.casualties.period_days - days) < PERIOD_TOLERANCE
                    for e in found
                ),
            )
        )
    number = item.killed_min if item.killed_min is not None else item.killed
    floor = "at least " if item.killed_min is not None else ""
    note = f"{floor}{number} killed in {'/'.join(item.where) or 'any place'}"
    return _result(item, bool(found), fields, note)


def _denied(accusation: Event, deniers: Sequence[str], events: Sequence[Event]) -> bool:
    """Whether an actor of ``deniers`` denies the accusation or what it alleges, linked to it."""
    by_id = {e.id: e for e in events}
    about = {accusation.id} | {target for kind, target in accusation.links if kind == "alleges"}
    for event in events:
        linked = any(("denies", a) in event.links for a in about) or any(
            ("denied_by", event.id) in by_id[a].links for a in about if a in by_id
        )
        if linked and covers(event.actors, deniers):
            return True
    return False


def _score_disputed(item: GoldItem, claims: Sequence[dict[str, Any]], who: str) -> ItemResult:
    """A contested claim: a claim the article disputes, against the gold's accused."""
    found = any(
        c["stance"] == "disputed"
        and set(c["accused"]["countries"]) & set(item.accused)
        and (not item.accuser or set(c["accuser"]["countries"]) & set(item.accuser))
        for c in claims
    )
    return _result(item, found, [], f"{who}, disputed ({item.about})")


def _score_ceasefire(item: GoldItem, records: Sequence[dict[str, Any]]) -> ItemResult:
    """A ceasefire record between the gold's parties; each mediator and phase scored apart."""
    wanted = set(item.parties)
    candidates = [r for r in records if wanted <= set(r["dyad"].split("|"))]
    if item.party_names:
        names = {n.lower() for n in item.party_names}
        candidates = [r for r in candidates if names & {p["name"].lower() for p in r["parties"]}]
    note = f"{' / '.join(item.party_names or item.parties)}: {', '.join(item.phases)}"
    if item.mediators:
        note += f"; mediated by {'/'.join(item.mediators)}"
    if not candidates:
        return _result(item, False, [], note)

    def phases_of(record: dict[str, Any]) -> set[str]:
        return {p["phase"] for p in record["phases"]}

    best = max(candidates, key=lambda r: len(phases_of(r) & set(item.phases)))
    mediators = {m["code"] for m in best["mediators"]}
    fields = [("mediator", m in mediators) for m in item.mediators]
    fields += [(f"phase.{p}", p in phases_of(best)) for p in item.phases]
    return _result(item, True, fields, note)


def _score_claim(
    item: GoldItem, events: Sequence[Event], claims: Sequence[dict[str, Any]] = ()
) -> ItemResult:
    who = f"{'/'.join(item.accuser) or 'someone'} accuses {'/'.join(item.accused)}"
    if item.stance == "disputed":
        return _score_disputed(item, claims, who)
    accusations = [
        e
        for e in events
        if e.category == "ACCUSE"
        and covers(e.targets, item.accused)
        and (not item.accuser or covers(e.actors, item.accuser))
    ]
    fields: list[tuple[str, bool]] = []
    found = bool(accusations)
    if accusations and item.denied_by:
        denied = any(_denied(a, item.denied_by, events) for a in accusations)
        fields.append(("denial", denied))
        found = denied
    note = who + (f", denied by {'/'.join(item.denied_by)}" if item.denied_by else "")
    if item.about:
        note += f" ({item.about})"
    return _result(item, found, fields, note)


def _result(item: GoldItem, found: bool | None, fields: list[tuple[str, bool]], note: str) -> ItemResult:
    outcome: Literal["found", "missed", "not scored"]
    outcome = "not scored" if found is None else "found" if found else "missed"
    return ItemResult(item.id, item.doc, item.kind, item.cue, outcome, tuple(fields), note)


def score_item(item: GoldItem, output: DocOutput | Sequence[Event]) -> ItemResult:
    """One gold item against what the system made of its document."""
    out = output if isinstance(output, DocOutput) else DocOutput(tuple(output))
    if item.kind == "event":
        return _score_event(item, out.events)
    if item.kind == "casualty":
        return _score_casualty(item, out.events)
    if item.kind == "claim":
        return _score_claim(item, out.events, out.claims)
    return _score_ceasefire(item, out.ceasefires)


def evaluate_seeds(gold_path: Path, docs: Path, run: Run) -> SeedReport:
    """Score the system's events on the seed articles against the gold file.

    ``docs`` is the folder of the articles (``<doc>.txt`` for each gold ``doc``); ``run`` turns
    their paths into events per document stem. InputError when the gold file is bad or names an
    article that is not in ``docs``.
    """
    items = read_gold(gold_path)
    stems = list(dict.fromkeys(item.doc for item in items))
    paths = [docs / f"{stem}.txt" for stem in stems]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise InputError(f"{docs}: no article for gold document(s): {', '.join(missing)}")
    events = run(paths) if paths else {}
    results = tuple(score_item(item, events.get(item.doc, DocOutput())) for item in items)
    return SeedReport(results, tuple(stems))
