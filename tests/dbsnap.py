"""A whole database as comparable values: every table's rows, sorted, without the columns that
record when something happened (ingestion, polling), so that two runs can be compared."""

from __future__ import annotations

import json
from collections.abc import Set as AbstractSet
from typing import Any

from sqlalchemy import create_engine, select

from trucewatch.config import database_url
from trucewatch.store.schema import metadata

# Columns that say when a run did something, not what it stored.
VOLATILE = {"ingested_at", "seen_at", "checked_at", "status"}
# Tables compared by default: everything but feed bookkeeping, which only watch runs fill.
FEED_TABLES = {"feeds", "feed_items"}


def snapshot(
    db: str, tables: set[str] | None = None, drop: AbstractSet[str] = frozenset()
) -> dict[str, list[str]]:
    """Sorted rows of each table (all but the feed tables unless named), as JSON strings."""
    engine = create_engine(database_url(db))
    out: dict[str, list[str]] = {}
    try:
        with engine.connect() as conn:
            for table in metadata.sorted_tables:
                if (tables is None and table.name in FEED_TABLES) or (tables and table.name not in tables):
                    continue
                rows = conn.execute(select(table)).mappings().all()
                out[table.name] = sorted(
                    json.dumps(_plain(row, VOLATILE | drop), sort_keys=True, default=str) for row in rows
                )
    finally:
        engine.dispose()
    return out


def _plain(row: Any, drop: AbstractSet[str]) -> dict[str, Any]:
    return {
        k: (bytes(v).hex() if isinstance(v, bytes | memoryview) else v)
        for k, v in row.items()
        if k not in drop
    }
