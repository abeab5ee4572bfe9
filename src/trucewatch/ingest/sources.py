"""From paths (files, folders, ``-``) to articles: pick the reader, report what cannot be read.

Every input yields either an :class:`~trucewatch.model.Article` or a
:class:`~trucewatch.model.Rejection` naming it and the problem, so one bad file never stops
the others.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from trucewatch.errors import InputError
from trucewatch.ingest.clean import Boilerplate, build_article, default_boilerplate
from trucewatch.ingest.decode import decode
from trucewatch.ingest.html import read_html
from trucewatch.ingest.jsonl import JsonRecord, file_lines, parse_line, read_jsonl
from trucewatch.ingest.metadata import Metadata
from trucewatch.ingest.text import read_markdown, read_plain
from trucewatch.model import Article, Rejection

log = logging.getLogger(__name__)

FORMATS = ("text", "markdown", "html", "jsonl")
SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
STDIN = "-"


@dataclass(frozen=True)
class ReadOptions:
    """How inputs are read: metadata that overrides the file's, a forced encoding, the rules."""

    overrides: Metadata = field(default_factory=Metadata)
    encoding: str | None = None
    rules: Boilerplate = field(default_factory=default_boilerplate)


def sniff_format(text: str) -> str:
    """Guess the format of text whose name does not tell it."""
    head = text.lstrip("\ufeff \n\t")[:2000].lower()
    if head.startswith("{"):
        return "jsonl"
    if head.startswith(("<!doctype html", "<html", "<article", "<body", "<div", "<p>", "<p ")):
        return "html"
    if head.startswith("---\n") or head.startswith("# "):
        return "markdown"
    return "text"


def article_from_text(
    text: str, fmt: str = "text", source: str = "<text>", options: ReadOptions | None = None
) -> Article:
    """One article from text in a known format (not JSON Lines); InputError if it is not one."""
    options = options or ReadOptions()
    if fmt == "html":
        body, meta = read_html(text, url=options.overrides.url)
    elif fmt == "markdown":
        body, meta = read_markdown(text)
    elif fmt == "text":
        body, meta = read_plain(text)
    else:
        raise InputError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    return build_article(body, meta.overlaid(options.overrides), source, options.rules)


def articles_from_jsonl(text: str, source: str, options: ReadOptions) -> Iterator[Article | Rejection]:
    """Each line of a JSON Lines text as an article or a rejection naming the line."""
    for item in read_jsonl(text):
        if not isinstance(item, JsonRecord):
            number, error = item
            yield Rejection(f"{source}:{number}", str(error))
            continue
        try:
            meta = item.meta.overlaid(options.overrides)
            yield build_article(item.text, meta, f"{source}:{item.line}", options.rules)
        except InputError as exc:
            yield Rejection(f"{source}:{item.line}", str(exc))


def articles_from_jsonl_file(path: Path, options: ReadOptions) -> Iterator[Article | Rejection]:
    """Each line of a JSON Lines file as an article or a rejection, the file read a line at a time."""
    try:
        for number, line in file_lines(path, options.encoding):
            source = f"{path}:{number}"
            if isinstance(line, InputError):
                yield Rejection(source, str(line))
                continue
            try:
                text, meta, _ = parse_line(line)
                yield build_article(text, meta.overlaid(options.overrides), source, options.rules)
            except InputError as exc:
                yield Rejection(source, str(exc))
    except InputError as exc:
        yield Rejection(str(path), str(exc))
    except OSError as exc:
        yield Rejection(str(path), f"cannot read: {exc.strerror or exc}")


def read_bytes(
    data: bytes, source: str, fmt: str | None, options: ReadOptions
) -> Iterator[Article | Rejection]:
    """Articles from the raw bytes of one input, whose format is ``fmt`` or sniffed."""
    try:
        text = decode(data, options.encoding)
    except InputError as exc:
        yield Rejection(source, str(exc))
        return
    fmt = fmt or sniff_format(text)
    if fmt == "jsonl":
        yield from articles_from_jsonl(text, source, options)
        return
    try:
        yield article_from_text(text, fmt, source, options)
    except InputError as exc:
        yield Rejection(source, str(exc))


def expand(
    paths: Iterable[str], suffixes: Collection[str] = SUFFIXES.keys()
) -> Iterator[Path | Rejection | str]:
    """Files named or found in folders (recursively, ``suffixes``, no hidden files), or ``-``."""
    for raw in paths:
        if raw == STDIN:
            yield STDIN
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in suffixes
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                yield Rejection(raw, f"folder holds no {', '.join(sorted(set(suffixes)))} files")
            yield from found
        elif path.is_file():
            yield path
        elif path.exists():
            yield Rejection(raw, "not a regular file or folder")
        else:
            yield Rejection(raw, "no such file or folder")


def read_sources(
    paths: Iterable[str], options: ReadOptions | None = None, fmt: str | None = None
) -> Iterator[Article | Rejection]:
    """Every article in ``paths``, in order, with a rejection for each input that fails."""
    options = options or ReadOptions()
    for item in expand(paths):
        if isinstance(item, Rejection):
            yield item
        elif item == STDIN:
            yield from read_bytes(sys.stdin.buffer.read(), "<stdin>", fmt, options)
        else:
            path = Path(item)
            kind = fmt or SUFFIXES.get(path.suffix.lower())
            if kind == "jsonl":
                yield from articles_from_jsonl_file(path, options)
                continue
            try:
                data = path.read_bytes()
            except OSError as exc:
                yield Rejection(str(path), f"cannot read: {exc.strerror or exc}")
                continue
            yield from read_bytes(data, str(path), kind, options)


def count_inputs(paths: Iterable[str]) -> int | None:
    """How many articles ``paths`` hold, counting JSONL lines; None when standard input is read."""
    total = 0
    for item in expand(paths):
        if item == STDIN:
            return None
        if isinstance(item, Path) and SUFFIXES.get(item.suffix.lower()) == "jsonl":
            try:
                with item.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            except OSError:
                total += 1
        else:
            total += 1
    return total
