"""The command line: parse arguments, call :mod:`trucewatch.api`, print.

Library errors arrive as :class:`~trucewatch.errors.TrucewatchError` and leave as one line on
standard error with exit code 1; rejected inputs are listed one a line and also make the exit
code 1, after the good inputs have been stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from trucewatch import api
from trucewatch.config import Settings, load_settings
from trucewatch.errors import TrucewatchError
from trucewatch.evaluation.acled import MEASURES as ACLED_MEASURES
from trucewatch.events.acled import ACLED_COLUMNS, acled_row, most_salient
from trucewatch.exports import FORMATS as EXPORT_FORMATS
from trucewatch.exports import RECORD_FORMATS
from trucewatch.ingest import FORMATS, count_inputs, parse_published
from trucewatch.ingest.feeds import read_feed_list
from trucewatch.ingest.fetch import FetchOptions
from trucewatch.model import Event, Mention, ParsedArticle, as_dict

app = typer.Typer(
    name="trucewatch",
    help="Turn news articles about conflicts and ceasefires into sourced, structured records.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
# Tables are read in terminals of any width, and in files and pipes where Rich would assume 80.
out = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)

SECTOR_STYLES = {
    "GOV": "bold cyan",
    "MIL": "bold red",
    "REB": "bold magenta",
    "CVL": "bold green",
    "IGO": "bold blue",
    "JRN": "bold yellow",
}


class State:
    """Options given before the command, shared by every command."""

    db: str | None = None
    config: Path | None = None


state = State()

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database: a SQLite file path or a URL (postgresql://...). Default: TRUCEWATCH_DB, the config.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of tables.")]


@app.callback()
def main_options(
    db: DbOption = None,
    config: Annotated[Path | None, typer.Option("--config", help="Path of a trucewatch.toml to use.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what each stage does.")] = False,
) -> None:
    """trucewatch reads news articles and keeps sourced records of who did what to whom."""
    state.db = db
    state.config = config
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


def fail(message: str) -> NoReturn:
    """Print one error line and exit 1."""
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(1)


@contextmanager
def workspace(db: str | None = None) -> Iterator[api.Trucewatch]:
    """Open the configured workspace, turning library errors into one clean line."""
    try:
        with api.open(db or state.db, state.config) as tw:
            yield tw
    except TrucewatchError as exc:
        fail(str(exc))


def emit_json(value: Any) -> None:
    """Write ``value`` as JSON on standard output."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def parse_date_option(value: str | None, name: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return parse_published(value, name)
    except TrucewatchError as exc:
        raise typer.BadParameter(str(exc), param_hint=name) from exc


@contextmanager
def ingest_progress(total: int | None) -> Iterator[Callable[[api.IngestReport], None]]:
    """A Rich progress bar over articles; silent when standard error is not a terminal."""
    progress = Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    task = progress.add_task("ingesting", total=total)
    with progress:
        yield lambda report: progress.update(task, completed=report.seen)


def print_report(report: api.IngestReport, as_json: bool) -> None:
    """Summarise an ingestion run and list each rejected input on its own line."""
    if as_json:
        emit_json(
            {
                "added": report.added,
                "unchanged": report.unchanged,
                "replaced": report.replaced,
                "rejected": [{"source": r.source, "reason": r.reason} for r in report.rejected],
            }
        )
    else:
        out.print(
            f"{len(report.added)} added, {len(report.unchanged)} already stored, "
            f"{len(report.replaced)} reprocessed, {len(report.rejected)} rejected"
        )
    for rejection in report.rejected:
        err.print(f"[red]rejected[/] {rejection}", highlight=False, soft_wrap=True)


@app.command()
def ingest(
    paths: Annotated[
        list[str], typer.Argument(help="Files, folders (read recursively) or - for standard input.")
    ],
    published: Annotated[
        str | None, typer.Option(help="Publication date for articles that lack one, e.g. 2025-06-24T09:30Z.")
    ] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet name, overriding the file's.")] = None,
    url: Annotated[str | None, typer.Option(help="Article URL, overriding the file's.")] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help=f"Input format: {', '.join(FORMATS)} (default: by suffix or content)."),
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Text encoding of the inputs (default: detected).")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Processes that parse in parallel.")] = 1,
    reprocess: Annotated[bool, typer.Option(help="Parse again and replace articles already stored.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Read articles from files, folders, JSON Lines or standard input and store what they say."""
    if fmt is not None and fmt not in FORMATS:
        raise typer.BadParameter(f"{fmt!r} is not one of {', '.join(FORMATS)}", param_hint="--format")
    when = parse_date_option(published, "--published")
    with workspace(db) as tw, ingest_progress(count_inputs(paths)) as progress:
        try:
            report = tw.ingest(
                paths,
                published=when,
                outlet=outlet,
                url=url,
                encoding=encoding,
                fmt=fmt,
                workers=workers,
                replace=reprocess,
                progress=progress,
            )
        except TrucewatchError as exc:
            fail(str(exc))
    print_report(report, as_json)
    if not report.ok:
        raise typer.Exit(1)


TimeoutOption = Annotated[
    float, typer.Option(min=0.1, help="Seconds a read may wait; a whole page gets three times this.")
]
RetriesOption = Annotated[int, typer.Option(min=0, help="Attempts after the first on timeouts and 5xx.")]
HostIntervalOption = Annotated[
    float, typer.Option(min=0.0, help="Seconds between two requests to one host (or its Crawl-delay).")
]


def fetch_options(timeout: float, retries: int, host_interval: float) -> FetchOptions:
    """The HTTP behaviour the options ask for."""
    return FetchOptions(timeout=timeout, deadline=3 * timeout, retries=retries, host_interval=host_interval)


@app.command()
def fetch(
    urls: Annotated[list[str], typer.Argument(help="Page URLs (http or https).")],
    published: Annotated[
        str | None, typer.Option(help="Publication date for pages that do not give one.")
    ] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet name, overriding the page's.")] = None,
    timeout: TimeoutOption = 10.0,
    retries: RetriesOption = 2,
    host_interval: HostIntervalOption = 1.0,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Download pages (robots.txt respected) and store their articles: text, title, date, outlet."""
    when = parse_date_option(published, "--published")
    with workspace(db) as tw, ingest_progress(len(urls)) as progress:
        try:
            report = tw.fetch(
                urls,
                options=fetch_options(timeout, retries, host_interval),
                published=when,
                outlet=outlet,
                progress=progress,
            )
        except TrucewatchError as exc:
            fail(str(exc))
    print_report(report, as_json)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def watch(
    feeds: Annotated[Path, typer.Argument(help="A file of RSS or Atom feed URLs, one a line (# comments).")],
    interval: Annotated[float, typer.Option(min=1.0, help="Seconds between two polls of the feeds.")] = 900.0,
    once: Annotated[bool, typer.Option("--once", help="Poll every feed once, then stop.")] = False,
    timeout: TimeoutOption = 10.0,
    retries: RetriesOption = 2,
    host_interval: HostIntervalOption = 1.0,
    db: DbOption = None,
) -> None:
    """Poll feeds and store each new item's article, one line per feed per poll; a restart resumes."""
    try:
        urls = read_feed_list(feeds)
    except TrucewatchError as exc:
        fail(str(exc))
    failed = False
    with workspace(db) as tw:
        try:
            for result in tw.watch(urls, interval, once, fetch_options(timeout, retries, host_interval)):
                failed |= result.status == "failed"
                out.print(
                    f"{dt.datetime.now():%Y-%m-%d %H:%M:%S} {result.line()}", highlight=False, soft_wrap=True
                )
                sys.stdout.flush()
        except KeyboardInterrupt:
            err.print("stopped; run the same command to resume")
        except TrucewatchError as exc:
            fail(str(exc))
    if once and failed:
        raise typer.Exit(1)


@app.command()
def batch(
    sources: Annotated[
        list[str], typer.Argument(help="Folders, JSON Lines or Parquet files (a 'text' column).")
    ],
    dask: Annotated[
        bool, typer.Option("--dask", help="Parse on Dask: a LocalCluster of --workers processes.")
    ] = False,
    scheduler: Annotated[
        str | None, typer.Option(help="Address of a Dask scheduler to use instead (implies --dask).")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes of the LocalCluster.")] = 2,
    partition_size: Annotated[int, typer.Option(min=1, help="Articles per partition.")] = 100,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help=f"Input format: {', '.join(FORMATS)} (default: by suffix)."),
    ] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date for articles that lack one.")
    ] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet name, overriding the inputs'.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ingest a large corpus partition by partition, on Dask or in this process, in batches."""
    when = parse_date_option(published, "--published")
    with workspace(db) as tw, ingest_progress(None) as progress:
        try:
            report = tw.batch(
                sources,
                dask=dask,
                scheduler=scheduler,
                workers=workers,
                partition_size=partition_size,
                fmt=fmt,
                published=when,
                outlet=outlet,
                progress=progress,
            )
        except TrucewatchError as exc:
            fail(str(exc))
    print_report(report, as_json)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def duplicates(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List groups of near-duplicate articles: the same text republished, by several outlets."""
    with workspace(db) as tw:
        groups = tw.duplicates()
    if as_json:
        emit_json(groups)
        return
    table = Table("group", "id", "published", "outlet", "title", title=f"{len(groups)} group(s)")
    for number, group in enumerate(groups, start=1):
        for a in group:
            table.add_row(
                str(number),
                a["id"][:10],
                a["published"].strftime("%Y-%m-%d %H:%M") if a["published"] else "-",
                a["outlet"] or "-",
                a["title"] or "-",
            )
    out.print(table)


@app.command()
def articles(
    outlet: Annotated[str | None, typer.Option(help="Only articles whose outlet contains this.")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after this date.")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before this date.")] = None,
    country: Annotated[
        str | None, typer.Option(help="Mentioning an actor of this country (ISO alpha-3).")
    ] = None,
    actor: Annotated[str | None, typer.Option(help="Mentioning an actor whose name contains this.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="Whose text contains this.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List stored articles, newest first."""
    since_d = parse_date_option(since, "--since")
    until_d = parse_date_option(until, "--until")
    with workspace(db) as tw:
        rows = tw.articles(
            outlet=outlet,
            since=since_d.date() if since_d else None,
            until=until_d.date() if until_d else None,
            country=country,
            actor=actor,
            text=text,
            limit=limit,
        )
    if as_json:
        emit_json(api.records(rows))
        return
    table = Table(
        "id", "published", "outlet", "title", "sentences", "mentions", title=f"{len(rows)} article(s)"
    )
    for row in rows:
        table.add_row(
            row.id[:10],
            row.published.strftime("%Y-%m-%d %H:%M") if row.published else "-",
            row.outlet or "-",
            row.title or row.source,
            str(row.sentences),
            str(row.mentions),
        )
    out.print(table)


def highlighted(parsed: ParsedArticle) -> Text:
    """The article text with each actor mention styled by its sector."""
    text = Text(parsed.article.text)
    for mention in parsed.mentions:
        style = "underline" if mention.as_place else SECTOR_STYLES.get(mention.actor.sector or "", "bold")
        text.stylize(style, mention.start, mention.end)
    return text


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id (or its first characters).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show an article with its resolved actors highlighted."""
    with workspace(db) as tw:
        try:
            parsed = tw.article(article_id)
        except TrucewatchError as exc:
            fail(str(exc))
    if as_json:
        emit_json(as_dict(parsed))
        return
    art = parsed.article
    out.print(f"[bold]{art.title or '(untitled)'}[/]", highlight=False)
    published = art.published.isoformat(sep=" ") if art.published else "date unknown"
    out.print(
        f"{art.outlet or 'outlet unknown'} · {published} · {art.url or art.source} · id {art.id}",
        highlight=False,
    )
    out.print()
    out.print(highlighted(parsed), soft_wrap=True)
    out.print()
    table = Table("words", "actor", "country", "sector", "office", "how", title="actors")
    for m in parsed.mentions:
        table.add_row(
            m.text,
            m.actor.name,
            m.actor.country or "?",
            m.actor.sector or "-",
            m.actor.office or "",
            m.how + (" (place)" if m.as_place else ""),
        )
    out.print(table)
    if parsed.events:
        out.print()
        out.print(f"[bold]{len(parsed.events)} event(s)[/]")
        for event in parsed.events:
            print_event(event, parsed)


def who(mentions: tuple[Mention, ...]) -> str:
    """Participants as "Name (CODE SECTOR)", comma-separated; "?" when unknown."""
    if not mentions:
        return "?"
    parts = []
    for m in mentions:
        a = m.actor
        code = " ".join(x for x in (a.country, a.sector) if x)
        parts.append(f"{a.name} ({code})" if code else a.name)
    return ", ".join(parts)


def event_sentence(event: Event, parsed: ParsedArticle) -> Text:
    """The event's sentence with its trigger reversed and its participants styled."""
    sentence = next(s for s in parsed.sentences if s.index == event.sentence)
    text = Text(sentence.text)
    for m in (*event.actors, *event.targets):
        if sentence.start <= m.start and m.end <= sentence.end:
            style = "bold cyan" if m in event.actors else "bold magenta"
            text.stylize(style, m.start - sentence.start, m.end - sentence.start)
    text.stylize("reverse", event.start - sentence.start, event.end - sentence.start)
    return text


def print_event(event: Event, parsed: ParsedArticle) -> None:
    """One event: what, who, when, where, how many, who says so, and the marked sentence."""
    what = event.category + (f"/{event.mode}" if event.mode else "")
    status = "" if event.status == "asserted" else f" [{event.status}]"
    out.print(f"[bold]{what}[/]{status}  {who(event.actors)} -> {who(event.targets)}", highlight=False)
    details = [f"date {describe_date(event)}"]
    if event.location:
        details.append(f"place {event.location.name} ({event.location.country or '?'})")
    if event.casualties:
        details.append(describe_casualties(event))
    if event.attributed_to:
        details.append(f"according to {event.attributed_to.text}")
    details.append(f"score {event.score:+.1f}, confidence {event.confidence:.2f}")
    out.print("  " + "; ".join(details), highlight=False)
    out.print(Text("  ") + event_sentence(event, parsed), soft_wrap=True)


def describe_date(event: Event) -> str:
    when = event.date
    if when.date is None:
        return "unknown"
    text = when.date.isoformat()
    if when.end:
        text += f" to {when.end.isoformat()}"
    return text + (" (article date)" if when.from_article else f" ({when.precision})")


def describe_casualties(event: Event) -> str:
    cas = event.casualties
    assert cas is not None
    parts = []
    for label, count in (("killed", cas.killed), ("injured", cas.injured), ("displaced", cas.displaced)):
        if count is not None:
            qualifier = "" if count.qualifier == "exact" else count.qualifier.replace("_", " ") + " "
            parts.append(f"{label} {qualifier}{count.value}")
    return ", ".join(parts) or "casualties"


@app.command()
def actors(
    country: Annotated[str | None, typer.Option(help="Only actors of this country (ISO alpha-3).")] = None,
    sector: Annotated[
        str | None, typer.Option(help="Only actors of this PLOVER sector (GOV, MIL, ...).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the actors found across stored articles, most mentioned first."""
    with workspace(db) as tw:
        rows = tw.actors(country=country, sector=sector)[:limit]
    if as_json:
        emit_json(api.records(rows))
        return
    table = Table("actor", "country", "sector", "kind", "mentions", "articles", title=f"{len(rows)} actor(s)")
    for row in rows:
        table.add_row(
            row.name, row.country or "?", row.sector or "-", row.kind, str(row.mentions), str(row.articles)
        )
    out.print(table)


@app.command()
def events(
    actor: Annotated[
        str | None, typer.Option(help="Events where an actor's name contains this (source or target).")
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="Events with a source or target of this country (ISO alpha-3).")
    ] = None,
    category: Annotated[str | None, typer.Option(help="PLOVER category, e.g. ASSAULT.")] = None,
    status: Annotated[
        str | None, typer.Option(help="asserted, alleged, denied, hypothetical, future or negated.")
    ] = None,
    since: Annotated[str | None, typer.Option(help="Events on or after this date.")] = None,
    until: Annotated[str | None, typer.Option(help="Events on or before this date.")] = None,
    article: Annotated[
        str | None, typer.Option(help="Only the events of this article (id or prefix).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 100,
    grouped: Annotated[
        bool,
        typer.Option("--grouped", help="One row per happening, its reports (from several articles) merged."),
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List stored events, oldest first, with their sentence (--grouped: happenings with their reports)."""
    since_d = parse_date_option(since, "--since")
    until_d = parse_date_option(until, "--until")
    with workspace(db) as tw:
        try:
            article_id = tw.store.resolve_id(article) if article else None
        except TrucewatchError as exc:
            fail(str(exc))
        filters: dict[str, Any] = {
            "actor": actor,
            "country": country,
            "category": category,
            "status": status,
            "article_id": article_id,
            "since": since_d.date() if since_d else None,
            "until": until_d.date() if until_d else None,
            "limit": limit,
        }
        if grouped:
            print_groups(tw.event_groups(**filters), tw.count_event_groups(**filters), as_json)
            return
        rows = tw.events(**filters)
    if as_json:
        emit_json(api.records(rows))
        return
    table = Table(
        "date",
        "event",
        "source",
        "target",
        "status",
        "place",
        "killed",
        "sentence",
        title=f"{len(rows)} event(s)",
    )
    for e in rows:
        killed = e.casualties.killed.value if e.casualties and e.casualties.killed else None
        table.add_row(
            e.date.date.isoformat() if e.date.date else "-",
            e.category + (f"/{e.mode}" if e.mode else ""),
            who(e.actors),
            who(e.targets),
            e.status,
            e.location.name if e.location else "-",
            "" if killed is None else str(killed),
            e.sentence_text,
        )
    out.print(table)


def print_groups(groups: list[dict[str, Any]], total: int, as_json: bool) -> None:
    """Happenings with their reports: how many, from how many (independent) articles and outlets."""
    if as_json:
        emit_json(groups)
        return
    table = Table(
        "date",
        "event",
        "sides",
        "place",
        "reports",
        "articles",
        "outlets",
        "first reported",
        "killed",
        "first report",
        title=f"{len(groups)} of {total} event(s), each with its reports",
    )
    for g in groups:
        figures = sorted({c["killed"] for c in g["casualties"] if c["killed"] is not None})
        killed = f"{figures[0]}-{figures[-1]}" if len(figures) > 1 else "".join(map(str, figures))
        table.add_row(
            g["date"] or "-",
            g["category"] + (f"/{'/'.join(g['modes'])}" if g["modes"] else ""),
            g["dyad"] or "?",
            g["place"] or "-",
            str(g["reports"]),
            f"{g['articles']} ({g['independent']} independent)"
            if g["independent"] < g["articles"]
            else str(g["articles"]),
            ", ".join(g["outlets"]) or "-",
            g["first_reported"] or "-",
            killed + (" (reports differ)" if g["casualties_differ"] else ""),
            g["first_report"]["sentence"],
        )
    out.print(table)


@app.command()
def extract(
    source: Annotated[
        str,
        typer.Argument(
            help='JSON Lines ({"id", "text", optional "published", "title", "outlet"}), or - for stdin.'
        ),
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="json: a line of events per input line; acled: an ACLED-style CSV row of the most "
            "salient event per input line.",
        ),
    ] = "json",
    workers: Annotated[int, typer.Option(min=1, help="Processes that parse in parallel.")] = 1,
) -> None:
    """Extract events from JSON Lines without touching any database, one output line per input line."""
    if fmt not in ("json", "acled"):
        raise typer.BadParameter(f"{fmt!r} is not json or acled", param_hint="--format")
    if source == "-":
        lines: Any = sys.stdin
    else:
        path = Path(source)
        if not path.is_file():
            fail(f"{source}: no such file")
        lines = path.open(encoding="utf-8", errors="replace")
    failed = 0
    writer = csv.DictWriter(sys.stdout, ACLED_COLUMNS, lineterminator="\n") if fmt == "acled" else None
    if writer is not None:
        writer.writeheader()
    try:
        for result in api.extract(lines, load_settings_or_fail(), workers):
            if result.error:
                failed += 1
                err.print(f"[red]line {result.line}[/]: {result.error}", highlight=False, soft_wrap=True)
            if writer is not None:
                text_id = result.id or str(result.line)
                row = acled_row(most_salient(result.events), result.events, text_id, result.countries)
                writer.writerow(row.as_csv_row())
                continue
            record = {
                "line": result.line,
                "id": result.id,
                "countries": as_dict(result.countries),
                "events": api.records(result.events),
            }
            if result.error:
                record["error"] = result.error
            sys.stdout.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    finally:
        if lines is not sys.stdin:
            lines.close()
    if failed:
        raise typer.Exit(1)


@app.command()
def export(
    what: Annotated[str, typer.Option("--what", help="events, ceasefires or claims.")] = "events",
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help=f"events: {', '.join(EXPORT_FORMATS)}; ceasefires and claims: json, csv."
        ),
    ] = None,
    out_path: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: standard output).")
    ] = None,
    actor: Annotated[
        str | None, typer.Option(help="Events only: where an actor's name contains this.")
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="Events only: with a participant of this country.")
    ] = None,
    category: Annotated[str | None, typer.Option(help="Events only: this PLOVER category.")] = None,
    since: Annotated[str | None, typer.Option(help="Events only: on or after this date.")] = None,
    until: Annotated[str | None, typer.Option(help="Events only: on or before this date.")] = None,
    db: DbOption = None,
) -> None:
    """Write stored events (PLOVER JSON, CSV, ACLED-style CSV), ceasefires or claims (JSON, CSV)."""
    if what not in ("events", "ceasefires", "claims"):
        raise typer.BadParameter(f"{what!r} is not events, ceasefires or claims", param_hint="--what")
    allowed = EXPORT_FORMATS if what == "events" else RECORD_FORMATS
    fmt = fmt or allowed[0]
    if fmt not in allowed:
        raise typer.BadParameter(
            f"{fmt!r} is not one of {', '.join(allowed)} for {what}", param_hint="--format"
        )
    since_d = parse_date_option(since, "--since")
    until_d = parse_date_option(until, "--until")
    filters = {
        "actor": actor,
        "country": country,
        "category": category,
        "since": since_d.date() if since_d else None,
        "until": until_d.date() if until_d else None,
    }

    def write(handle: Any) -> int:
        if what == "events":
            return tw.export(fmt, handle, **filters)
        return tw.export_records(what, fmt, handle)

    with workspace(db) as tw:
        try:
            if out_path is None:
                count = write(sys.stdout)
            else:
                with out_path.open("w", encoding="utf-8", newline="") as handle:
                    count = write(handle)
        except OSError as exc:
            fail(f"{out_path}: cannot write: {exc.strerror or exc}")
        except TrucewatchError as exc:
            fail(str(exc))
    if out_path is not None:
        err.print(f"{count} {what} written to {out_path}", highlight=False)


eval_app = typer.Typer(
    help="Measure accuracy against hand-coded data.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(eval_app, name="eval")


@eval_app.command("seeds")
def eval_seeds(
    gold: Annotated[Path, typer.Option("--gold", help="Gold JSON Lines (format of shared/gold/README.md).")],
    docs: Annotated[
        Path, typer.Option("--docs", help="Folder of the documents the gold file names (DOC.txt).")
    ],
    workers: Annotated[int, typer.Option(min=1, help="Processes that parse in parallel.")] = 1,
    as_json: JsonOption = False,
) -> None:
    """Recall per kind and per field against an analyst's gold items, listing the misses."""
    try:
        report = api.evaluate_seeds(gold, docs, load_settings_or_fail(), workers)
    except TrucewatchError as exc:
        fail(str(exc))
    if as_json:
        emit_json(report.as_dict())
    else:
        sys.stdout.write(report.format_report() + "\n")


@eval_app.command("acled")
def eval_acled(
    csv_path: Annotated[
        Path, typer.Argument(help="ACLED export CSV (with event_date, event_type, ..., notes).")
    ],
    limit: Annotated[int | None, typer.Option(min=1, help="Only the first N rows.")] = None,
    examples: Annotated[int, typer.Option(min=0, help="How many misses to list.")] = 10,
    workers: Annotated[int, typer.Option(min=1, help="Processes that parse in parallel.")] = 1,
    misses: Annotated[
        str | None,
        typer.Option(
            help="List the misses of this field instead of event types: " + ", ".join(ACLED_MEASURES) + "."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Extraction on each row's notes compared with ACLED's own coding, field by field."""
    if misses is not None and misses not in ACLED_MEASURES:
        fail(f"--misses: no field {misses!r}; choose one of {', '.join(ACLED_MEASURES)}")
    try:
        report = api.evaluate_acled(csv_path, load_settings_or_fail(), workers, limit, examples, misses)
    except TrucewatchError as exc:
        fail(str(exc))
    if as_json:
        emit_json(report.as_dict())
    else:
        sys.stdout.write(report.format_report() + "\n")


def names(items: list[dict[str, Any]]) -> str:
    return ", ".join(i["name"] for i in items) or "-"


@app.command()
def ceasefires(
    party: Annotated[
        str | None, typer.Option(help="Only ceasefires with this party (country code or name).")
    ] = None,
    phase: Annotated[str | None, typer.Option(help="Only ceasefires that went through this phase.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List ceasefire records: parties, mediators, phase, dates, hours held."""
    with workspace(db) as tw:
        rows = tw.ceasefires(party=party, phase=phase)
    if as_json:
        emit_json(rows)
        return
    out.print(ceasefire_table(rows))


def ceasefire_table(rows: list[dict[str, Any]]) -> Table:
    """Ceasefire records as a table: parties, mediators, phase, dates, hours held, sources."""
    table = Table(
        "id",
        "parties",
        "mediators",
        "phase",
        "declared",
        "effective",
        "1st violation",
        "collapsed",
        "hours held",
        "sources",
        title=f"{len(rows)} ceasefire(s)",
    )
    for r in rows:
        phase_text = r["current_phase"] + (" (contested)" if r["contested"] else "")
        table.add_row(
            r["id"][:8],
            " / ".join(p["name"] for p in r["parties"]),
            names(r["mediators"]),
            phase_text,
            r["declared_at"] or "-",
            r["effective_at"] or "-",
            r["first_violation_alleged_at"] or "-",
            r["collapsed_at"] or "-",
            "-" if r["hours_held"] is None else f"{r['hours_held']:.0f}",
            str(len(r["articles"])),
        )
    return table


@app.command()
def ceasefire(
    record_id: Annotated[str, typer.Argument(help="Ceasefire id (or its first characters).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one ceasefire: its timeline of phases with the sentences and outlets behind them."""
    with workspace(db) as tw:
        try:
            record = tw.ceasefire(record_id)
        except TrucewatchError as exc:
            fail(str(exc))
    if as_json:
        emit_json(record)
        return
    out.print(
        f"[bold]{' / '.join(p['name'] for p in record['parties'])}[/] ceasefire {record['id']}",
        highlight=False,
    )
    facts = [
        f"mediators: {names(record['mediators'])}",
        f"phase now: {record['current_phase']}",
        f"declared {record['declared_at'] or '?'}",
        f"effective {record['effective_at'] or '?'}",
        f"first alleged violation {record['first_violation_alleged_at'] or '-'}"
        + (f" (by {', '.join(record['first_violation_by'])})" if record["first_violation_by"] else ""),
        f"collapsed {record['collapsed_at'] or '-'}",
    ]
    if record["hours_held"] is not None:
        facts.append(f"held {record['hours_held']:.0f} hours")
    if record["violations_per_day"]:
        facts.append(
            "alleged violations/day: "
            + ", ".join(f"{k} {v}" for k, v in record["violations_per_day"].items())
        )
    if record["terms"]:
        facts.append("terms: " + "; ".join(record["terms"]))
    for fact in facts:
        out.print("  " + fact, highlight=False)
    if record["contested"]:
        out.print("[yellow]  reports disagree on the latest phase:[/]")
        for c in record["contested"]:
            out.print(f"    {c['phase']} ({c['outlet']}): {c['sentence']}", highlight=False, soft_wrap=True)
    out.print()
    for phase in record["phases"]:
        out.print(f"[bold]{phase['date'] or 'undated'}  {phase['phase']}[/]", highlight=False)
        for source in phase["sources"]:
            out.print(
                f"    {source['outlet'] or 'unknown outlet'}: {source['sentence']}",
                highlight=False,
                soft_wrap=True,
            )


@app.command()
def claims(
    party: Annotated[
        str | None, typer.Option(help="Only claims by or against this side (code or name).")
    ] = None,
    stance: Annotated[str | None, typer.Option(help="alleged or disputed.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List accusations with their denials and counter-accusations, and the claims articles dispute."""
    with workspace(db) as tw:
        rows = tw.claims(party=party, stance=stance)
    if as_json:
        emit_json(rows)
        return
    table = Table(
        "date",
        "accuser",
        "accused",
        "claim",
        "stance",
        "denied by",
        "counter",
        "outlet",
        title=f"{len(rows)} claim(s)",
    )
    for r in rows:
        about = r["about"][0]
        table.add_row(
            r["date"] or "-",
            r["accuser"]["name"] or "?",
            r["accused"]["name"] or "?",
            about["sentence"],
            r["stance"] + (f" by {r['disputed_by']}" if r["disputed_by"] else ""),
            ", ".join(d["by"]["name"] or "?" for d in r["denials"]) or "-",
            str(len(r["counter_accusations"])),
            r["outlet"] or "-",
        )
    out.print(table)


@app.command()
def escalation(
    a: Annotated[str, typer.Argument(help="One side (ISO alpha-3 country code, e.g. ISR).")],
    b: Annotated[str, typer.Argument(help="The other side (e.g. IRN).")],
    window: Annotated[int, typer.Option(min=2, help="Days of the trailing window for trend and flags.")] = 7,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Escalation between two sides, day by day: a terminal chart and the numbers."""
    with workspace(db) as tw:
        data = tw.escalation(a, b, window)
    if as_json:
        emit_json(data)
        return
    days = data["days"]
    if not days:
        out.print(f"no events between {a.upper()} and {b.upper()}")
        return
    peak = max(d["intensity"] for d in days) or 1.0
    out.print(
        f"[bold]escalation {data['dyad'].replace('|', ' - ')}[/]  "
        "(▲ sharp rise, ▼ sharp fall, ░ ceasefire in effect)"
    )
    table = Table("day", "intensity", "", "score", "events", "killed", "outlets", "trend", box=None)
    quiet = 0
    for i, d in enumerate(days):
        if not d["events"] and not d["flag"] and i not in (0, len(days) - 1):
            quiet += 1  # long runs of days without events are folded into one line
            continue
        if quiet:
            table.add_row(f"… {quiet} quiet day(s)", "", "", "", "", "", "", "")
            quiet = 0
        bar = "█" * round(24 * d["intensity"] / peak)
        shade = "░" if d["in_ceasefire"] else " "
        flag = {"up": "▲", "down": "▼"}.get(d["flag"] or "", "")
        table.add_row(
            d["day"],
            f"{d['intensity']:.1f}",
            f"{shade}{bar}{flag}",
            f"{d['score']:+.1f}",
            str(d["events"]),
            str(d["killed"]),
            str(len(d["outlets"])),
            f"{d['trend']:+.2f}",
        )
    out.print(table)
    for c in data["ceasefires"]:
        out.print(f"ceasefire {c['id'][:8]}: {c['start']} to {c['end']}", highlight=False)


@app.command()
def report(
    fmt: Annotated[str, typer.Option("--format", help="md (Markdown) or html.")] = "md",
    out_path: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: standard output).")
    ] = None,
    db: DbOption = None,
) -> None:
    """A brief: each ceasefire's state, the claims around it, the escalation trend, with sources."""
    if fmt not in ("md", "html"):
        raise typer.BadParameter(f"{fmt!r} is not md or html", param_hint="--format")
    with workspace(db) as tw:
        text = tw.report(fmt)
    if out_path is None:
        sys.stdout.write(text)
    else:
        try:
            out_path.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"{out_path}: cannot write: {exc.strerror or exc}")
        err.print(f"report written to {out_path}", highlight=False)


@app.command()
def rebuild(db: DbOption = None) -> None:
    """Recompute ceasefire records, claims and escalation from all stored articles."""
    with workspace(db) as tw:
        try:
            tw.rebuild()
        except TrucewatchError as exc:
            fail(str(exc))
        out.print(f"{len(tw.ceasefires())} ceasefire(s), {tw.count_claims()} claim(s) rebuilt")


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on. Beyond 127.0.0.1, api_token must be configured.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    db: DbOption = None,
) -> None:
    """Serve the dashboard and the REST API (under /api) over the database, with Uvicorn."""
    # Imported here: the web stack is only needed by this command, and loading it would slow
    # every other one.
    import uvicorn

    from trucewatch.web import create_app

    settings = load_settings_or_fail().with_db(db)
    try:
        application = create_app(settings, host=host)
    except TrucewatchError as exc:
        fail(str(exc))
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address goes in brackets in a URL
    err.print(
        f"trucewatch dashboard on http://{shown}:{port}/ (API under /api; Ctrl+C stops)", highlight=False
    )
    uvicorn.run(application, host=host, port=port, log_level="info")


def load_settings_or_fail() -> Settings:
    """The settings of the config file and environment, or one clean error line."""
    try:
        return load_settings(state.config, state.db)
    except TrucewatchError as exc:
        fail(str(exc))


def bundled_examples() -> Path | None:
    """The example corpus of a source checkout, or ./examples/articles."""
    for candidate in (
        Path(__file__).resolve().parents[2] / "examples" / "articles",
        Path("examples") / "articles",
    ):
        if candidate.is_dir():
            return candidate
    return None


@app.command()
def demo(
    corpus: Annotated[
        Path | None, typer.Argument(help="Folder of articles (default: the bundled examples).")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Processes that parse in parallel.")] = 1,
    as_json: JsonOption = False,
) -> None:
    """Ingest the example corpus into a throwaway database and print a short report."""
    folder = corpus or bundled_examples()
    if folder is None or not folder.is_dir():
        fail("example corpus not found: run from the project folder or give a folder of articles")
    with (
        tempfile.TemporaryDirectory(prefix="trucewatch-demo-") as tmp,
        workspace(str(Path(tmp) / "demo.db")) as tw,
    ):
        with ingest_progress(count_inputs([str(folder)])) as progress:
            report = tw.ingest([str(folder)], workers=workers, progress=progress)
        listing = tw.articles()
        top = [a for a in tw.actors() if not a.key.startswith("UNK:")][:15]
        records = tw.ceasefires()
        counts = {"events": tw.count_events(), "claims": tw.count_claims()}
    if as_json:
        emit_json(
            {
                "corpus": str(folder),
                "articles": api.records(listing),
                "actors": api.records(top),
                "ceasefires": records,
                **counts,
                "rejected": [str(r) for r in report.rejected],
            }
        )
    else:
        out.print(f"[bold]trucewatch demo[/] on {folder}", highlight=False)
        print_report(report, False)
        table = Table("published", "outlet", "title", "mentions", title="articles")
        for row in listing:
            table.add_row(
                row.published.strftime("%Y-%m-%d") if row.published else "-",
                row.outlet or "-",
                row.title or row.source,
                str(row.mentions),
            )
        out.print(table)
        actors_table = Table(
            "actor", "country", "sector", "mentions", "articles", title="most mentioned actors"
        )
        for a in top:
            actors_table.add_row(a.name, a.country or "?", a.sector or "-", str(a.mentions), str(a.articles))
        out.print(actors_table)
        out.print(ceasefire_table(records))
        out.print(
            f"{counts['events']} events and {counts['claims']} claims stored; `trucewatch report` on a "
            "database of your own writes the full brief.",
            highlight=False,
        )
    if not report.ok:
        raise typer.Exit(1)


def main() -> None:
    """Entry point of the ``trucewatch`` command."""
    app()
