"""JSON Lines: one article a line, ``{"text": ..., "title", "url", "outlet", "published", "language"}``.

Each line is read on its own: a line that is not JSON, not an object, or has no text is
reported with its line number and the rest of the file is still read. A file is read a line at
a time (:func:`file_lines`), so that a corpus of any size streams through.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from trucewatch.errors import InputError
from trucewatch.ingest.decode import looks_binary
from trucewatch.ingest.metadata import Metadata, metadata_from_mapping


@dataclass(frozen=True)
class JsonRecord:
    """One line of a JSON Lines file: its text, metadata and the other fields it carried."""

    line: int
    text: str
    meta: Metadata
    fields: dict[str, object]


def parse_line(line: str) -> tuple[str, Metadata, dict[str, object]]:
    """Text, metadata and all fields of one JSON line, or InputError naming what is wrong."""
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(raw, dict):
        raise InputError(f"expected a JSON object, got {type(raw).__name__}")
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("missing 'text' (a non-empty string)")
    return text, metadata_from_mapping(raw), raw


def iter_lines(text: str) -> Iterator[tuple[int, str]]:
    """Non-blank lines with their 1-based numbers."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line


def read_jsonl(text: str) -> Iterator[JsonRecord | tuple[int, InputError]]:
    """Each line as a record, or its line number with the error that stops it."""
    for number, line in iter_lines(text):
        try:
            body, meta, fields = parse_line(line)
        except InputError as exc:
            yield number, exc
            continue
        yield JsonRecord(number, body, meta, fields)


def file_lines(path: Path, encoding: str | None = None) -> Iterator[tuple[int, str | InputError]]:
    """Each non-blank line of a JSON Lines file with its 1-based number, read one at a time; a
    line that cannot be decoded (UTF-8, unless ``encoding`` says otherwise) comes as an error.
    InputError for a file that is empty or binary."""
    with Path(path).open("rb") as handle:
        if looks_binary(handle.read(8192)):
            raise InputError("binary file, not text")
        handle.seek(0)
        found = False
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            found = True
            try:
                yield number, raw.decode(encoding or ("utf-8-sig" if number == 1 else "utf-8"))
            except (UnicodeDecodeError, LookupError) as exc:
                yield number, InputError(f"cannot decode as {encoding or 'UTF-8'} ({exc}); give the encoding")
        if not found:
            raise InputError("empty file")
