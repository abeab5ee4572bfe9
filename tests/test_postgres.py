"""The same schema, migrations and results on PostgreSQL, and ingestion from several processes.

A PostgreSQL server is started for the session on a temporary data directory (Debian's
postgresql package, which ``.ci/run`` installs); without one the tests are skipped saying so.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

import trucewatch
from trucewatch.analysis import update
from trucewatch.config import database_url
from trucewatch.store.schema import metadata

from . import generated, pgserver, testsite
from .conftest import EXAMPLES
from .dbsnap import snapshot
from .testsite import FAST
from .webserver import Server

_names = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A running PostgreSQL server for the session: a URL template with ``{db}``."""
    binaries = pgserver.bindir()
    if binaries is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl): install Debian's postgresql package")
    with pgserver.running(binaries) as template:
        yield template


@pytest.fixture
def pg_db(pg_server: str) -> str:
    """A fresh, empty database on the session's server."""
    return pgserver.create_database(pg_server, f"trucewatch_{next(_names)}")


def test_migrations_build_the_schema_the_code_expects(pg_db: str) -> None:
    trucewatch.open(pg_db).close()
    engine = create_engine(database_url(pg_db))
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    engine.dispose()


def test_the_example_corpus_gives_the_same_records_as_on_sqlite(
    pg_db: str, corpus_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the 16 articles' refresh shared with a process of its own, as a long run's is; on
    # SQLite, done in the process itself
    monkeypatch.setattr(update, "APART_FROM", 1)
    with trucewatch.open(pg_db) as tw:
        assert tw.ingest([EXAMPLES]).ok
    on_postgres, on_sqlite = snapshot(pg_db), snapshot(str(corpus_db))
    assert on_postgres["ceasefires"] and on_postgres["event_clusters"]
    assert on_postgres == on_sqlite


def test_three_processes_ingesting_overlapping_inputs_store_each_article_once(
    pg_db: str, tmp_path: Path
) -> None:
    rows = generated.records(36, seed=5)
    inputs = [
        generated.write_jsonl(tmp_path / "a.jsonl", rows[:24]),
        generated.write_jsonl(tmp_path / "b.jsonl", rows[12:][::-1]),
        generated.write_jsonl(tmp_path / "c.jsonl", rows[:6] + rows[24:]),
    ]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "trucewatch", "--db", pg_db, "ingest", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in inputs
    ]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    one = tmp_path / "one.db"
    with trucewatch.open(str(one)) as tw:
        assert tw.ingest([generated.write_jsonl(tmp_path / "all.jsonl", rows)]).ok
    # which process stored an article (its source, file:line) is a race; all else must agree
    together, alone = snapshot(pg_db, drop={"source"}), snapshot(str(one), drop={"source"})
    assert len(together["articles"]) == len({r["text"] for r in rows})
    assert together == alone
    assert together["refresh_queue"] == []


def test_a_watch_goes_on_through_a_server_restart_without_a_failed_poll(
    pg_server: str, pg_db: str, site: Server
) -> None:
    """A team's server restarted between two polls: the watch's pooled connections are cut, and
    it takes new ones instead of failing a poll on each dead one."""
    feed = site.url("/feed.xml")
    with trucewatch.open(pg_db) as tw:
        rounds = tw.watch([feed], 0.0, options=FAST)
        assert next(rounds).line() == f"{feed}: 3 new, 3 stored, 0 already seen"
        pgserver.restart(pg_server)
        testsite.set_feed(site, 4, etag='"feed-v2"')
        assert next(rounds).line() == f"{feed}: 1 new, 1 stored, 3 already seen"
        rounds.close()
        assert len(tw.articles()) == 4
        assert tw.store.pending_refresh() == []
