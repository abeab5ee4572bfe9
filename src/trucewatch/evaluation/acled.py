"""Agreement with ACLED: each ACLED row's notes go through the system, its coding is the gold.

Each ACLED row codes one event and its ``notes`` describe it in a sentence or two, so a row is a
small labelled text: run the system on the notes, take the text's most salient event, map it to
ACLED's coding (events/acled.py) and compare field by field. Measures, over all rows and
separately over rows whose notes carry ACLED's own coding conventions ("coded as", "split
between", "[size=...]", which are ACLED's rules rather than news wording) and rows without:

- event type and sub-event type: accuracy and macro F1 (metrics.macro_f1);
- fatalities: exact match with ACLED's figure (0 when we found none);
- country: the event's country, compared by ISO code (ACLED's ``iso3`` column, else its name);
- location: the town, equal ignoring case and accents, or one name containing the other;
- actor1 / actor2 country: ACLED writes an actor's country only inside its name, so the gold
  country is read from "... (Country)" or "... Forces of Country ..."; a name with neither
  (a named group, "Taliban") is taken to be of the event's country, as ACLED's local actors are.
  actor2 is scored only on rows where ACLED has an actor2;
- inter1 / inter2: ACLED's interaction codes.

Rows are read and sent to the system one at a time; only the small per-row results are kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from trucewatch.errors import InputError
from trucewatch.evaluation.metrics import Ratio, macro_f1, same_place
from trucewatch.events.acled import AcledRow, acled_row, country_code, country_name, most_salient
from trucewatch.model import Event, TextCountries

# (id, events, the countries the text points to) per input
Run = Callable[[Iterable[dict[str, Any]]], Iterator[tuple[str | None, tuple[Event, ...], TextCountries]]]

REQUIRED_COLUMNS = (
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "inter1",
    "inter2",
    "country",
    "location",
    "fatalities",
    "notes",
)
CONVENTIONS = re.compile(r"coded as|split (?:up )?between|\[size=", re.IGNORECASE)
DATE_FORMATS = ("%d-%b-%y", "%d-%B-%y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%d/%m/%Y")
FORCES_OF = re.compile(r"\bForces of (?:the )?([^()]+?)\s*(?:\(|$)")
PARENTHESES = re.compile(r"\(([^()]+)\)")
MEASURES = (
    "event_type",
    "sub_event_type",
    "fatalities",
    "country",
    "location",
    "actor1_country",
    "actor2_country",
    "inter1",
    "inter2",
)
NOTES_SHOWN = 160
NONE_LABEL = "(none)"


@dataclass(frozen=True)
class AcledGold:
    """What ACLED coded for one row, reduced to what is compared."""

    id: str
    event_type: str
    sub_event_type: str
    actor1_country: str | None
    actor2_country: str | None
    has_actor2: bool
    inter1: int
    inter2: int
    iso3: str | None
    country: str
    location: str
    fatalities: int
    conventions: bool


@dataclass(frozen=True)
class RowResult:
    """One row's gold coding beside the system's (notes dropped to keep results small)."""

    gold: AcledGold
    ours: AcledRow

    def checks(self) -> dict[str, bool]:
        """Each measure for this row; measures that do not apply to it are left out."""
        g, o = self.gold, self.ours
        out = {
            "event_type": g.event_type == o.event_type,
            "sub_event_type": g.sub_event_type == o.sub_event_type,
            "fatalities": g.fatalities == o.fatalities,
            "country": (g.iso3 == o.iso3) if g.iso3 else same_place(g.country, o.country),
            "location": same_place(g.location, o.location),
            "inter1": g.inter1 == o.inter1,
            "inter2": g.inter2 == o.inter2,
        }
        if g.actor1_country:
            out["actor1_country"] = g.actor1_country == o.actor1_country
        if g.has_actor2 and g.actor2_country:
            out["actor2_country"] = g.actor2_country == o.actor2_country
        return out


@dataclass(frozen=True)
class AcledScores:
    """The measures over one set of rows."""

    rows: int
    accuracy: dict[str, Ratio]
    f1: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        """For JSON."""
        return {
            "rows": self.rows,
            "accuracy": {k: v.as_dict() for k, v in self.accuracy.items()},
            "macro_f1": self.f1,
        }


@dataclass(frozen=True)
class AcledMiss:
    """A row whose event type and sub-event type we got wrong (or another field: see
    ``evaluate_acled``'s ``field``), to read."""

    id: str
    gold: str
    ours: str
    rule: str
    notes: str


@dataclass(frozen=True)
class AcledReport:
    """Scores over all rows, rows with ACLED's coding conventions and rows without, and errors."""

    overall: AcledScores
    conventions: AcledScores
    plain: AcledScores
    confusion: tuple[tuple[str, str, int], ...]
    misses: tuple[AcledMiss, ...]
    skipped: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The report as plain values, for JSON."""
        return {
            "all": self.overall.as_dict(),
            "with_conventions": self.conventions.as_dict(),
            "without_conventions": self.plain.as_dict(),
            "confusion": [{"gold": g, "ours": o, "count": n} for g, o, n in self.confusion],
            "misses": [asdict(m) for m in self.misses],
            "skipped_without_notes": self.skipped,
        }

    def format_report(self) -> str:
        """The report as text: a table of measures by row set, the confusion, example misses."""
        sets = (("all", self.overall), ("conventions", self.conventions), ("plain", self.plain))
        lines = [
            f"ACLED evaluation: {self.overall.rows} rows ({self.conventions.rows} whose notes carry "
            f"ACLED's coding conventions, {self.plain.rows} without)"
            + (f"; {self.skipped} rows without notes skipped" if self.skipped else ""),
            "",
            f"  {'measure':<26}" + "".join(f"{name:>22}" for name, _ in sets),
        ]
        for name in ("event_type", "sub_event_type"):
            lines.append(f"  {name + ' macro F1':<26}" + "".join(f"{s.f1[name]:>22.3f}" for _, s in sets))
        for name in MEASURES:
            cells = "".join(f"{s.accuracy[name]!s:>22}" for _, s in sets)
            lines.append(f"  {name + ' accuracy':<26}{cells}")
        if self.confusion:
            lines += ["", "most frequent event type errors (ACLED -> ours)"]
            lines += [f"  {n:>5}  {g} -> {o}" for g, o, n in self.confusion]
        if self.misses:
            lines += ["", "example misses"]
            for miss in self.misses:
                lines.append(f"  {miss.id}: ACLED {miss.gold}; ours {miss.ours} (rule: {miss.rule or '-'})")
                lines.append(f"    {miss.notes}")
        return "\n".join(lines)


def iso_date(value: str) -> str | None:
    """ACLED's event_date ("9-May-20", or ISO in newer exports) as YYYY-MM-DD, or None."""
    value = value.strip()
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, pattern).date().isoformat()
        except ValueError:
            continue
    return None


def actor_country(name: str, default: str | None) -> str | None:
    """The country (ISO alpha-3) of an ACLED actor name, or ``default`` (the event's country).

    "Military Forces of Ukraine (2019-)" and "Police Forces of India (2014-)" name it after
    "Forces of"; "Protesters (Lebanon)" and "Civilians (Mexico)" in parentheses; others
    ("Taliban", "Unidentified Gang and/or Police Militia") are local actors.
    """
    match = FORCES_OF.search(name)
    if match and (code := country_code(match.group(1))):
        return code
    for inside in reversed(PARENTHESES.findall(name)):
        if any(ch.isalpha() for ch in inside) and (code := country_code(inside)):
            return code
    return default


def _int(value: str | None) -> int:
    try:
        return int(float(value)) if value and value.strip() else 0
    except ValueError:
        return 0


def gold_of(row: dict[str, str], row_id: str) -> AcledGold:
    """The compared fields of one ACLED CSV row."""
    iso3 = (row.get("iso3") or "").strip()
    if not country_name(iso3):  # none, or a retired code (older exports write ROM for Romania)
        iso3 = country_code(row.get("country")) or iso3
    actor2 = (row.get("actor2") or "").strip()
    return AcledGold(
        id=row_id,
        event_type=row["event_type"].strip(),
        sub_event_type=row["sub_event_type"].strip(),
        actor1_country=actor_country(row["actor1"], iso3),
        actor2_country=actor_country(actor2, iso3) if actor2 else None,
        has_actor2=bool(actor2),
        inter1=_int(row.get("inter1")),
        inter2=_int(row.get("inter2")),
        iso3=iso3,
        country=row["country"].strip(),
        location=row["location"].strip(),
        fatalities=_int(row.get("fatalities")),
        conventions=bool(CONVENTIONS.search(row["notes"])),
    )


def _field_values(result: RowResult, field: str) -> tuple[str, str]:
    """ACLED's and our value of one measure of a row, as shown in a miss."""
    g, o = result.gold, result.ours
    if field == "country":
        return f"{g.country} ({g.iso3 or '?'})", f"{o.country or NONE_LABEL} ({o.iso3 or '-'})"
    ours = getattr(o, field)
    return str(getattr(g, field)), NONE_LABEL if ours in ("", None) else str(ours)


def _rows(csv_path: Path, limit: int | None) -> Iterator[tuple[str, dict[str, str]]]:
    """(id, row) of the CSV, one at a time, at most ``limit``."""
    try:
        handle = csv_path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{csv_path}: cannot read: {exc.strerror or exc}") from exc
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{csv_path}: not an ACLED export: no column(s) {', '.join(missing)}")
        for number, row in enumerate(reader, start=1):
            if limit is not None and number > limit:
                return
            row_id = (row.get("data_id") or "").strip() or f"row-{number}"
            yield row_id, row


def _scores(results: list[RowResult]) -> AcledScores:
    accuracy = {name: Ratio() for name in MEASURES}
    for result in results:
        for name, ok in result.checks().items():
            accuracy[name] = accuracy[name].add(ok)
    f1 = {
        "event_type": macro_f1((r.gold.event_type, r.ours.event_type) for r in results),
        "sub_event_type": macro_f1((r.gold.sub_event_type, r.ours.sub_event_type) for r in results),
    }
    return AcledScores(len(results), accuracy, f1)


def evaluate_acled(
    csv_path: Path, run: Run, limit: int | None = None, examples: int = 10, field: str | None = None
) -> AcledReport:
    """Run the system on the notes of each ACLED row and compare its coding with ACLED's.

    ``run`` receives the inputs ({"id", "text", "published"}) lazily, one per row with notes,
    and yields (id, events, countries) in the same order (an id of None, from an input it could not read,
    is taken to be the next row). ``limit`` reads only the first rows; ``examples`` is how many
    misses to keep for reading: rows whose event type or sub-event type we got wrong, or with
    ``field`` (one of MEASURES, e.g. "country") the rows that measure counts wrong, with ACLED's
    and our values of that field.
    """
    if field is not None and field not in MEASURES:
        raise InputError(f"{field!r} is not one of {', '.join(MEASURES)}")
    pending: deque[tuple[AcledGold, str]] = deque()
    pending_ids: set[str] = set()
    results: list[RowResult] = []
    misses: list[AcledMiss] = []
    skipped = 0

    def inputs() -> Iterator[dict[str, Any]]:
        nonlocal skipped
        for row_id, row in _rows(csv_path, limit):
            notes = (row.get("notes") or "").strip()
            if not notes:
                skipped += 1
                continue
            pending.append((gold_of(row, row_id), notes))
            pending_ids.add(row_id)
            item: dict[str, Any] = {"id": row_id, "text": notes}
            published = iso_date(row.get("event_date") or "")
            if published:
                item["published"] = published
            yield item

    def score(events: tuple[Event, ...], countries: TextCountries | None = None) -> None:
        gold, notes = pending.popleft()
        pending_ids.discard(gold.id)
        row = acled_row(most_salient(events), events, gold.id, countries)
        result = RowResult(gold, replace(row, notes=""))
        results.append(result)
        if len(misses) >= examples:
            return
        shown = notes if len(notes) <= NOTES_SHOWN else notes[: NOTES_SHOWN - 3] + "..."
        if field is not None:
            if result.checks().get(field, True):
                return
            theirs, ours = _field_values(result, field)
            misses.append(AcledMiss(gold.id, theirs, ours, row.rule, shown))
        elif row.event_type != gold.event_type or row.sub_event_type != gold.sub_event_type:
            misses.append(
                AcledMiss(
                    gold.id,
                    f"{gold.event_type} / {gold.sub_event_type}",
                    f"{row.event_type or NONE_LABEL} / {row.sub_event_type or NONE_LABEL}",
                    row.rule,
                    shown,
                )
            )

    for result_id, events, countries in run(inputs()):
        if result_id is not None and result_id in pending_ids:
            while pending and pending[0][0].id != result_id:
                score(())
        if pending:
            score(events, countries)
    while pending:
        score(())

    confusion = Counter(
        (r.gold.event_type, r.ours.event_type or NONE_LABEL)
        for r in results
        if r.gold.event_type != r.ours.event_type
    )
    return AcledReport(
        overall=_scores(results),
        conventions=_scores([r for r in results if r.gold.conventions]),
        plain=_scores([r for r in results if not r.gold.conventions]),
        confusion=tuple((g, o, n) for (g, o), n in confusion.most_common(examples)),
        misses=tuple(misses),
        skipped=skipped,
    )
