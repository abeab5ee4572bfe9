"""Batch ingestion over partitions, on a Dask LocalCluster or in one process, equals a plain run."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import trucewatch
from trucewatch import api, batch
from trucewatch.cli import app
from trucewatch.ingest import partitions as partitions_module
from trucewatch.ingest.partitions import partitions

from . import generated
from .dbsnap import snapshot

WORKERS = 2


def command_line(db: Path, *args: str) -> list[str]:
    """The trucewatch command line, run as a process of its own, on the database ``db``."""
    return [sys.executable, "-m", "trucewatch", "--db", str(db), *args]


class InFlight:
    """Partitions read but not yet stored, noted at each stored partition: patch ``partitions``
    in for the one the run reads, and hand ``progress`` to the run."""

    def __init__(self) -> None:
        self.read = 0
        self.ahead: list[int] = []

    def partitions(self, paths: Iterable[str], size: int, fmt: str | None = None) -> Iterator[Any]:
        for part in partitions(paths, size, fmt):
            self.read += 1
            yield part

    def progress(self, _: api.IngestReport) -> None:
        self.ahead.append(self.read - len(self.ahead) - 1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[dict[str, Any]]]:
    """A few hundred generated articles as JSON Lines (with a bad line) and a folder of files."""
    folder = tmp_path_factory.mktemp("batch")
    rows = generated.records(240, seed=11)
    jsonl = generated.write_jsonl(folder / "corpus.jsonl", rows[:200])
    with jsonl.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    files = folder / "files"
    files.mkdir()
    for n, row in enumerate(rows[200:]):
        front = f"title: {row['title']}\noutlet: {row['outlet']}\npublished: {row['published']}"
        (files / f"{n:03d}.md").write_text(f"---\n{front}\n---\n\n{row['text']}\n", encoding="utf-8")
    return jsonl, files, rows


@pytest.fixture(scope="module")
def plain(corpus: tuple[Path, Path, list[dict[str, Any]]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus ingested the ordinary way, one process."""
    jsonl, files, _ = corpus
    db = tmp_path_factory.mktemp("plain") / "plain.db"
    with trucewatch.open(str(db)) as tw:
        report = tw.ingest([jsonl, files])
    assert len(report.rejected) == 1
    return db


def test_dask_local_cluster_run_equals_a_single_process_run(
    corpus: tuple[Path, Path, list[dict[str, Any]]],
    plain: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    jsonl, files, _ = corpus
    flight = InFlight()
    monkeypatch.setattr(partitions_module, "partitions", flight.partitions)  # what Trucewatch.batch reads
    # A lead of three partitions of 20 a worker: the whole corpus would fit in the real one.
    monkeypatch.setattr(batch, "IN_FLIGHT_PER_WORKER", 60)
    db = tmp_path / "dask.db"
    with trucewatch.open(str(db)) as tw:
        report = tw.batch(
            [jsonl, files],
            dask=True,
            workers=WORKERS,
            partition_size=20,
            progress=flight.progress,
        )
    assert len(report.added) > 200 and [r.source for r in report.rejected] == [f"{jsonl}:201"]
    assert max(flight.ahead) <= 3 * WORKERS  # partitions are read as results come back, not all at once
    together, alone = snapshot(str(db)), snapshot(str(plain))
    assert together["event_clusters"] and together["ceasefires"] and together["article_signatures"]
    assert together == alone


def test_a_dask_worker_holds_the_lead_in_articles_and_two_partitions_at_least(
    corpus: tuple[Path, Path, list[dict[str, Any]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distributed import LocalCluster

    _, _, rows = corpus
    jsonl = generated.write_jsonl(tmp_path / "small.jsonl", rows[:36])  # nine partitions of four

    def ahead_of_each_stored(cluster: LocalCluster, lead: int) -> list[int]:
        """Partitions read but not yet stored, at each stored partition, with ``lead`` articles."""
        monkeypatch.setattr(batch, "IN_FLIGHT_PER_WORKER", lead)
        flight = InFlight()
        monkeypatch.setattr(partitions_module, "partitions", flight.partitions)
        with trucewatch.open(str(tmp_path / f"lead{lead}.db")) as tw:
            report = tw.batch(
                [jsonl],
                scheduler=cluster.scheduler_address,
                partition_size=4,
                progress=flight.progress,
            )
        assert len(report.added) == 36
        return flight.ahead

    # One worker process, so that what it holds is what the run keeps in flight.
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        # A lead of one article: a partition exceeds it, yet the worker has the next one at hand.
        assert ahead_of_each_stored(cluster, 1) == [1] * 8 + [0]
        # A lead of twelve articles is three partitions of four: two wait while one is stored.
        assert ahead_of_each_stored(cluster, 12) == [2] * 7 + [1, 0]


def test_a_dask_run_from_the_command_line_reports_its_own_results_not_dask_s_chatter(
    corpus: tuple[Path, Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    _, files, rows = corpus
    run = subprocess.run(
        command_line(tmp_path / "d.db", "batch", str(files), "--dask", "--partition-size", "20"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert f"{len(rows) - 200} added" in run.stdout + run.stderr
    assert "distributed" not in run.stdout + run.stderr  # no nanny, worker or scheduler lines


def test_ingest_with_two_worker_processes_equals_a_single_process_run(
    corpus: tuple[Path, Path, list[dict[str, Any]]], plain: Path, tmp_path: Path
) -> None:
    jsonl, files, _ = corpus
    db = tmp_path / "workers.db"
    result = CliRunner().invoke(
        app, ["--db", str(db), "ingest", str(jsonl), str(files), "--workers", str(WORKERS)]
    )
    assert result.exit_code == 1, result.output  # the bad line is rejected, the rest stored
    assert f"{jsonl}:201" in result.output
    assert snapshot(str(db)) == snapshot(str(plain))


def test_workers_end_when_the_ingest_that_started_them_is_killed(
    corpus: tuple[Path, Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    jsonl, _, _ = corpus
    parent = psutil.Popen(
        command_line(tmp_path / "k.db", "ingest", str(jsonl), "--workers", str(WORKERS)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while len(workers := parent.children()) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(workers) == WORKERS, "the workers did not start"
    finally:
        parent.kill()
    parent.wait(30)
    _, alive = psutil.wait_procs(workers, timeout=15)
    assert alive == [], f"workers outlived their parent: {alive}"


def test_parquet_in_one_process_gives_the_same_articles_and_events(
    corpus: tuple[Path, Path, list[dict[str, Any]]], plain: Path, tmp_path: Path
) -> None:
    _, files, rows = corpus
    table = pa.table({key: [r[key] for r in rows[:200]] for key in ("text", "title", "outlet", "published")})
    parquet = tmp_path / "corpus.parquet"
    pq.write_table(table, parquet, row_group_size=64)
    db = tmp_path / "parquet.db"
    result = CliRunner().invoke(
        app, ["--db", str(db), "batch", str(parquet), str(files), "--partition-size", "50", "--json"]
    )
    assert result.exit_code == 0, result.output
    # the same articles from another container: only where each came from differs
    assert snapshot(str(db), drop={"source"}) == snapshot(str(plain), drop={"source"})


def test_partitions_hold_a_bounded_number_of_inputs(corpus: tuple[Path, Path, list[dict[str, Any]]]) -> None:
    jsonl, files, _ = corpus
    parts = list(partitions([str(jsonl), str(files)], 64))
    sizes = [len(p) for p in parts if isinstance(p, list)]
    assert max(sizes) == 64 and sum(sizes) == 241
    sources = [raw.source for p in parts if isinstance(p, list) for raw in p]
    assert sources[0] == f"{jsonl}:1" and sources[201] == str(sorted(files.iterdir())[0])


def test_the_wait_for_a_rebuild_grows_with_the_articles_it_will_cover() -> None:
    # the last rebuild took 10 s for 64 articles: another of 64 keeps to a fifth of the time
    # after 40 s; one of 256 should take twice as long (the square root of four times as many
    # articles), so it waits 80 s
    pending = api._Pending(since=time.monotonic() - 50, cost=10.0, covered=64)
    pending.articles = {f"a{i}" for i in range(64)}
    assert pending.expected_cost() == pytest.approx(10.0)
    assert pending.due()
    pending.articles |= {f"b{i}" for i in range(192)}
    assert pending.expected_cost() == pytest.approx(20.0)
    assert not pending.due()
    pending.since -= 40
    assert pending.due()


def test_once_the_input_is_read_only_the_cap_calls_for_a_rebuild_before_the_last() -> None:
    # a minute since the last rebuild, which cost nothing: the share rule calls for one
    pending = api._Pending(since=time.monotonic() - 60)
    pending.articles = {f"a{i}" for i in range(api.REFRESH_EVERY)}
    items = pending.reading(["only input"])
    assert next(items) == "only input"
    assert pending.due()
    assert list(items) == []  # the input is all read: what is left was parsed ahead
    assert not pending.due()
    pending.articles |= {f"b{i}" for i in range(api.REFRESH_MOST)}
    assert pending.due()
