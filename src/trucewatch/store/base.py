"""What every part of the store shares: the engine, error translation, and a lock across processes.

The store is split by subject (articles and derived tables in ``database.py``, feed state in
``feeds.py``, reports and duplicates in ``reports.py``); each part inherits this base, so a
database error reads the same everywhere and several processes writing to one database can
serialise the work that must not interleave.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, Insert, Table, insert, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError

from trucewatch.config import DEFAULT_BUSY_TIMEOUT
from trucewatch.errors import StoreError

log = logging.getLogger(__name__)

try:  # POSIX; elsewhere SQLite files are written by one process at a time anyway
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class StoreBase:
    """A database engine with the helpers the parts of the store use."""

    def __init__(self, engine: Engine, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.busy_timeout = busy_timeout

    @property
    def address(self) -> tuple[str, float] | None:
        """How another process opens this database (URL, lock wait); None for an SQLite
        database in memory, which only this process can see."""
        if self.dialect == "sqlite" and self._sqlite_file is None:
            return None
        return self.engine.url.render_as_string(hide_password=False), self.busy_timeout

    @property
    def _sqlite_file(self) -> str | None:
        """The file of an SQLite database given by path; None for any other (in memory, a
        ``file:`` URI, or another kind of database)."""
        database = self.engine.url.database
        if self.dialect != "sqlite" or not database or database.startswith(("file:", ":")):
            return None
        return database

    @property
    def location(self) -> str:
        """Where the data lives, for messages: a file path or a URL without its password."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite":
            return url.database or ":memory:"
        return url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except OperationalError as exc:
            raise StoreError(f"{self.location}: cannot {doing}: {_explain(exc)}") from exc
        except DBAPIError as exc:
            raise StoreError(f"{self.location}: cannot {doing}: {exc.orig}") from exc

    def _insert_ignoring(self, table: Table, keys: list[str]) -> Insert:
        """An INSERT that skips rows whose ``keys`` are already present (another process's)."""
        if self.dialect == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing(index_elements=keys)
        if self.dialect == "sqlite":
            return sqlite.insert(table).on_conflict_do_nothing(index_elements=keys)
        return insert(table)

    @contextlib.contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Hold a lock named ``name`` across every process using this database.

        The derived tables are rebuilt by reading all stored data for a key and then replacing
        its rows; two processes doing that at once could each miss the other's article, and two
        processes opening a new database would both create its tables. Under this lock each
        starts after the other has committed. PostgreSQL gives advisory locks; for a SQLite file,
        an exclusive lock on a file beside it does the same (one file serves every name, as these
        locks are never nested).
        """
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        if self.dialect == "postgresql":
            with self._errors(f"take the {name} lock"), self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    conn.commit()
            return
        database = self._sqlite_file
        if fcntl is None or database is None:
            yield
            return
        with contextlib.ExitStack() as stack:
            try:
                handle = stack.enter_context(Path(f"{database}.lock").open("a"))
                fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
            except OSError as exc:  # a read-only folder: nobody else can write here either
                log.debug("no lock file beside %s: %s", database, exc)
            yield


def _explain(exc: OperationalError) -> str:
    message = str(exc.orig)
    if "locked" in message:
        return "the database is locked by another process; try again when it has finished"
    if "readonly" in message or "read-only" in message:
        return "the database is read-only"
    if "unable to open" in message:
        return "the database file cannot be opened (missing folder or no permission)"
    return message
