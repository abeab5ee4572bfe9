"""Storage on a real SQLite file: one transaction per article, idempotent re-ingestion, errors."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select

import trucewatch
from trucewatch.api import Trucewatch
from trucewatch.errors import StoreError
from trucewatch.model import Event
from trucewatch.store import migrate
from trucewatch.store.schema import ceasefires, metadata

from .conftest import EXAMPLES
from .dbsnap import snapshot

TEXT = (
    "Hezbollah fired rockets at northern Israel on Monday, the Israeli military said, and Israeli "
    "jets struck targets in southern Lebanon in response. Lebanon's health ministry said two people "
    "were killed."
)


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {
            t: conn.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("articles", "sentences", "mentions")
        }


def test_migrations_create_the_schema_the_code_expects(db_path: Path) -> None:
    trucewatch.open(str(db_path)).close()
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_records_stored_before_their_last_day_was_a_column_get_it_from_their_record(
    corpus_db: Path, tmp_path: Path
) -> None:
    # the corpus's records, put back in a database at the revision before the column
    with trucewatch.open(str(corpus_db)) as tw:
        stored = tw.store.ceasefire_records()
    old = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with old.begin() as conn:
        command.upgrade(migrate.alembic_config(conn), "0004")
        conn.execute(
            ceasefires.insert(),
            [{"id": r["id"], "dyad": r["dyad"], "phase": r["current_phase"], "record": r} for r in stored],
        )
    assert migrate.upgrade(old)
    with old.connect() as conn:
        ends: dict[str, dt.date | None] = dict(
            conn.execute(select(ceasefires.c.id, ceasefires.c.end_date)).all()
        )
    old.dispose()
    assert {k: v.isoformat() for k, v in ends.items() if v} == {r["id"]: r["end_date"] for r in stored}
    assert all(r["end_date"] for r in stored)


def test_a_database_from_before_the_escalation_table_is_refilled_by_the_next_run(
    corpus_db: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.db"
    shutil.copy(corpus_db, old)
    engine = create_engine(f"sqlite:///{old}")
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0005")
    engine.dispose()
    with trucewatch.open(str(old)) as tw:
        queued = tw.store.pending_refresh(limit=10_000)
        assert len(queued) == len(tw.store.article_ids())
        assert snapshot(str(old), {"escalation_events"}) == {"escalation_events": []}
        tw.finish_pending()
        assert tw.store.pending_refresh() == []
    tables = {"escalation_events", "escalation_daily", "claims", "ceasefires", "event_clusters"}
    refilled = snapshot(str(old), tables)
    assert refilled["escalation_events"] and refilled["escalation_daily"]
    assert refilled == snapshot(str(corpus_db), tables)


def test_ingesting_twice_stores_once(db_path: Path) -> None:
    with trucewatch.open(str(db_path)) as tw:
        first = tw.ingest([EXAMPLES])
        before = counts(db_path)
        second = tw.ingest([EXAMPLES])
    assert len(first.added) >= 12 and first.ok
    assert second.added == [] and sorted(second.unchanged) == sorted(first.added)
    assert counts(db_path) == before
    assert before["sentences"] > before["articles"] > 0 and before["mentions"] > 0


def test_an_article_twice_in_one_input_is_stored_once_as_its_first_copy_says(
    db_path: Path, tmp_path: Path
) -> None:
    other = "Israeli jets struck targets in Gaza City on Tuesday, the Israeli military said."
    wire = tmp_path / "wire.jsonl"
    rows = [(TEXT, "First Wire"), (other, "Second Wire"), (TEXT, "Third Wire")]
    wire.write_text("".join(json.dumps({"text": t, "outlet": o}) + "\n" for t, o in rows), encoding="utf-8")
    alone = tmp_path / "alone.db"
    with trucewatch.open(str(alone)) as tw:
        tw.ingest_text(TEXT, outlet="First Wire")
        tw.ingest_text(other, outlet="Second Wire")
    with trucewatch.open(str(db_path)) as tw:
        report = tw.ingest([wire])
        assert len(report.added) == 2 and report.unchanged == [report.added[0]]
        assert sorted(str(a.outlet) for a in tw.articles()) == ["First Wire", "Second Wire"]
        again = tw.ingest([wire], replace=True)
        assert sorted(again.replaced) == sorted(report.added) and again.unchanged == [report.added[0]]
    assert counts(db_path) == counts(alone)
    assert snapshot(str(db_path), drop={"source"}) == snapshot(str(alone), drop={"source"})


def test_reprocessing_replaces_in_place_with_the_same_result(db_path: Path) -> None:
    with trucewatch.open(str(db_path)) as tw:
        tw.ingest_text(TEXT, outlet="Test Wire")
        before = counts(db_path)
        [aid] = [a.id for a in tw.articles()]
        old = tw.article(aid)
        report = tw.ingest_text(TEXT, outlet="Test Wire", replace=True)
        assert report.replaced == [aid]
        assert tw.article(aid).mentions == old.mentions
    assert counts(db_path) == before


def test_reprocessing_a_folder_replaces_every_article_and_leaves_the_same_tables(db_path: Path) -> None:
    # a run stores its articles several to a transaction; replacing them all, with what each
    # old version touched rebuilt, must leave the database as it was
    tables = {"events", "ceasefire_mentions", "ceasefires", "claims", "escalation_daily", "event_clusters"}
    with trucewatch.open(str(db_path)) as tw:
        first = tw.ingest([EXAMPLES])
        before, derived = counts(db_path), snapshot(str(db_path), tables)
        again = tw.ingest([EXAMPLES], replace=True)
    assert sorted(again.replaced) == sorted(first.added) and again.added == []
    assert counts(db_path) == before
    assert snapshot(str(db_path), tables) == derived


def test_article_is_found_by_id_prefix_and_filters(workspace: trucewatch.Trucewatch) -> None:
    workspace.ingest([EXAMPLES])
    listing = workspace.articles()
    dated = [a.published for a in listing if a.published]
    assert dated == sorted(dated, reverse=True)
    one = listing[0]
    assert workspace.article(one.id[:8]).article.id == one.id
    ledger = workspace.articles(outlet="levant ledger")
    assert ledger and all(a.outlet == "Levant Ledger" for a in ledger)
    lebanon = workspace.articles(country="LBN")
    assert lebanon and all(
        "Leban" in workspace.article(a.id).article.text or "Hezbollah" in workspace.article(a.id).article.text
        for a in lebanon
    )
    import datetime as dt

    in_2025 = workspace.articles(since=dt.date(2025, 1, 1), until=dt.date(2025, 12, 31))
    assert in_2025 and all(a.published and a.published.year == 2025 for a in in_2025)


def test_locked_database_is_reported_and_nothing_half_written(tmp_path: Path, db_path: Path) -> None:
    trucewatch.open(str(db_path)).close()
    config = tmp_path / "trucewatch.toml"
    config.write_text("busy_timeout = 0.2\n", encoding="utf-8")
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing
    try:
        with trucewatch.open(str(db_path), config) as tw, pytest.raises(StoreError, match="locked"):
            tw.ingest_text(TEXT)
    finally:
        holder.rollback()
        holder.close()
    assert counts(db_path) == {"articles": 0, "sentences": 0, "mentions": 0}


def test_a_write_waits_for_another_process_s_long_rebuild(db_path: Path) -> None:
    with trucewatch.open(str(db_path)) as tw:  # the default wait
        tw.ingest_text(TEXT)  # the pipeline loaded: the next write starts at once
        holder = sqlite3.connect(db_path, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")  # another process writes its event clusters, for 12 s
        releaser = threading.Timer(12, holder.commit)
        releaser.start()
        try:
            added = tw.ingest_text(TEXT.replace("two", "three")).added
        finally:
            releaser.join()
            holder.close()
    assert len(added) == 1 and counts(db_path)["articles"] == 2


def test_read_only_database_is_reported(db_path: Path) -> None:
    with trucewatch.open(str(db_path)) as tw:
        tw.ingest_text(TEXT)
    # A database opened read-only (a shared copy, a read-only mount); file permissions alone
    # would not stop the root user that CI runs as.
    read_only = f"sqlite:///file:{db_path}?mode=ro&uri=true"
    with trucewatch.open(read_only) as tw:
        assert len(tw.articles()) == 1
        with pytest.raises(StoreError, match="read-only"):
            tw.ingest_text(TEXT.replace("two", "three"))
    assert counts(db_path)["articles"] == 1


def test_event_sorts_and_map_places_are_the_databases(corpus: Trucewatch) -> None:
    everything = corpus.events()
    # a page in any order holds the events a full sort in Python would put there
    for sort, key in (("-killed", "killed"), ("score", "score"), ("-confidence", "confidence")):
        total, page = corpus.events_page(sort, 25, 10)
        assert total == len(everything)

        def value(e: Event, key: str = key) -> float:
            if key == "killed":
                return e.casualties.killed.value if e.casualties and e.casualties.killed else -1
            return float(getattr(e, key))

        ranked = sorted((value(e) for e in everything), reverse=sort.startswith("-"))
        assert [value(e) for e in page] == ranked[10:35]
    # the map's markers count every located event once
    places = corpus.event_places()
    located = [e for e in everything if e.location and e.location.latitude is not None]
    assert sum(p["events"] for p in places) == len(located) > 0
    iran = corpus.event_places(country="IRN")
    assert 0 < sum(p["events"] for p in iran) < len(located)
