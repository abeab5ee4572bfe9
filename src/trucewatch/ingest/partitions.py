"""A large corpus cut into partitions: folders, JSON Lines and Parquet, read as a stream.

:func:`partitions` walks the inputs and yields lists of at most ``size`` raw inputs (a file's
bytes, one JSON line, one Parquet row), holding one partition at a time however large the
corpus; :func:`read_partition` turns a partition into articles wherever it runs (in this
process or on a Dask worker). The split into reading and cleaning keeps what travels small and
the costly part on the workers; the articles come out exactly as ``read_sources`` would make
them, with the same sources (``file``, ``file:line``, ``file:row``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from trucewatch.errors import InputError
from trucewatch.ingest.clean import build_article
from trucewatch.ingest.jsonl import file_lines, parse_line
from trucewatch.ingest.metadata import Metadata, metadata_from_mapping
from trucewatch.ingest.sources import STDIN, SUFFIXES, ReadOptions, expand, read_bytes
from trucewatch.model import Article, Rejection

PARQUET = ".parquet"


@dataclass(frozen=True)
class RawInput:
    """One input as read from disk: a whole file's bytes, a JSON line, or a Parquet row."""

    source: str
    data: bytes | None = None
    line: str | None = None
    row: dict[str, Any] | None = None
    fmt: str | None = None


Partition = list[RawInput]


def partitions(paths: Iterable[str], size: int, fmt: str | None = None) -> Iterator[Partition | Rejection]:
    """Partitions of at most ``size`` inputs, in order, and a rejection for each unreadable path."""
    batch: Partition = []
    for item in _inputs(paths, size, fmt):
        if isinstance(item, Rejection):
            yield item
            continue
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _inputs(paths: Iterable[str], size: int, fmt: str | None) -> Iterator[RawInput | Rejection]:
    for item in expand(paths, {*SUFFIXES, PARQUET}):
        if isinstance(item, Rejection):
            yield item
            continue
        if item == STDIN:
            raise InputError("batch reads files and folders, not standard input; use ingest -")
        path = Path(item)
        kind = (
            fmt
            or SUFFIXES.get(path.suffix.lower())
            or ("parquet" if path.suffix.lower() == PARQUET else None)
        )
        try:
            if kind == "jsonl":
                yield from _jsonl_lines(path)
            elif kind == "parquet":
                yield from _parquet_rows(path, size)
            else:
                yield RawInput(str(path), data=path.read_bytes(), fmt=kind)
        except OSError as exc:
            yield Rejection(str(path), f"cannot read: {exc.strerror or exc}")


def _jsonl_lines(path: Path) -> Iterator[RawInput | Rejection]:
    try:
        for number, line in file_lines(path):
            if isinstance(line, InputError):
                yield Rejection(f"{path}:{number}", str(line))
            else:
                yield RawInput(f"{path}:{number}", line=line)
    except InputError as exc:
        yield Rejection(str(path), str(exc))


def _parquet_rows(path: Path, size: int) -> Iterator[RawInput | Rejection]:
    try:
        table = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        yield Rejection(str(path), f"not a Parquet file ({exc})")
        return
    if "text" not in table.schema_arrow.names:
        yield Rejection(str(path), "Parquet file has no 'text' column")
        return
    number = 0
    for batch in table.iter_batches(batch_size=size):
        for row in batch.to_pylist():
            number += 1
            yield RawInput(f"{path}:{number}", row=row)


def read_partition(partition: Partition, options: ReadOptions) -> Iterator[Article | Rejection]:
    """The articles of a partition, or a rejection for each input that is not one."""
    for raw in partition:
        if raw.data is not None:
            yield from read_bytes(raw.data, raw.source, raw.fmt, options)
            continue
        try:
            if raw.line is not None:
                text, meta, _ = parse_line(raw.line)
            else:
                text, meta = _row_text(raw.row or {})
            yield build_article(text, meta.overlaid(options.overrides), raw.source, options.rules)
        except InputError as exc:
            yield Rejection(raw.source, str(exc))


def _row_text(row: dict[str, Any]) -> tuple[str, Metadata]:
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("missing 'text' (a non-empty string)")
    fields = {k: v for k, v in row.items() if v is not None and k != "text"}
    return text, metadata_from_mapping(fields)
