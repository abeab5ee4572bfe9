"""Scale: articles per second and peak memory from 1,000 to 100,000 articles.

For each corpus size (``--sizes``, default 1000,10000,100000):

1. a corpus is written as JSON Lines, one article at a time: each recombines 8 to 12 sentences
   of the bundled examples, with its own outlet and a publication time within two years; one in
   ten is an earlier article republished by another outlet (a near-duplicate);
2. spaCy alone parses a sample of it (``--spacy-sample`` articles): the yardstick;
3. trucewatch ingests it into a fresh database, each run a separate process whose whole process
   tree is sampled for memory: ``ingest`` (one process), ``ingest --workers 2`` and
   ``batch --dask --workers 2``; on SQLite and on PostgreSQL (a throwaway server, when one is
   installed; its own memory is not counted).

Memory is the peak of the process tree's proportional set size (PSS, from
/proc/PID/smaps_rollup; RSS where that is missing): worker processes forked from the parent
share its pages (spaCy's model, the gazetteer), and a sum of their RSS would count each shared
page once per process; PSS splits a shared page among the processes sharing it, so the sum is
what the run costs the machine. The RSS sum is kept beside it for comparison with older
figures, and each run's memory is also logged once a minute (``memory_timeline``: seconds,
PSS in MB), which shows whether it grows with the corpus or levels off.

Prints a table (seconds, articles per second, time against spaCy's for the same articles, peak
memory of the process tree, the cores it kept busy on average (CPU seconds of the tree over wall
seconds; a PostgreSQL server's own are not counted), and the machine's load average, since other
work on the machine slows a run down) and the speed-up of two workers over one; each result is also
appended to ``--out`` as a JSON line the moment it is known, so that a long run left in the
background reports what finished. ``--keep DIR`` keeps the SQLite databases there, for a look
at what a run stored.

``--logs DIR`` runs each with ``--verbose`` and writes its log there, each line after the
second of the run it came in: when the workers ended, and each rebuild's size and time.

``--rounds N`` runs the ``--runs`` N times over, alternated, each round with its own spaCy
yardstick, and gives the median speed-up of two workers over one with each round's: this
machine's speed drifts by a fifth between invocations (spaCy read the same 500 articles at 15.8
and 23.2 a second), more than the gap a single pair is meant to show.

``--onto DB`` measures what a run costs when the database already holds many articles, without
ingesting them all again: DB is an SQLite database kept by an earlier run (``--keep``); each run
ingests into a copy of it (DB itself is left as it is) the articles that continue its corpus, the
same seeded sequence from where DB's articles end. Rebuilding derived rows grows with the
database, so a run of 20,000 onto 100,000 stored articles shows memory and rate past 100,000 in a
fifth of the time of a run from empty.

Run: ``python benchmarks/scale.py [--sizes 1000,10000] [--databases sqlite,postgresql]
[--runs single,workers2,dask] [--keep DIR] [--logs DIR] [--onto DB] [--rounds N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import json
import os
import random
import re
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import psutil
import spacy

from trucewatch.ingest import read_sources
from trucewatch.model import Article
from trucewatch.nlp import MODEL

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests import pgserver  # noqa: E402  (the same throwaway server the tests use)

# Seconds between two samples of a run's memory: reading /proc/PID/smaps_rollup of three large
# processes five times a second took 13% of a core from the run being measured.
SAMPLE_EVERY = 1.0

EXAMPLES = ROOT / "examples" / "articles"
OUTLETS = [f"Scale Outlet {n}" for n in range(7)]
RUNS = {
    "single": ["ingest", "{corpus}"],
    "workers2": ["ingest", "{corpus}", "--workers", "2"],
    "dask": ["batch", "{corpus}", "--dask", "--workers", "2", "--partition-size", "100"],
}


def sentences() -> list[str]:
    """The example corpus's sentences of a useful length."""
    texts = [a.text for a in read_sources([str(EXAMPLES)]) if isinstance(a, Article)]
    found = [s.strip() for t in texts for s in re.split(r"(?<=[.!?])\s+", t)]
    return sorted({s for s in found if 8 <= len(s.split()) <= 60})


def write_corpus(path: Path, count: int, seed: int = 1, skip: int = 0) -> Path:
    """``count`` synthetic articles as JSON Lines, written one at a time; with ``skip``, the
    ``count`` that follow the first ``skip`` of the same seeded sequence (drawn, not written, so
    that the articles after them, republications included, are those of one longer corpus)."""
    rng = random.Random(seed)
    pool = sentences()
    start = dt.datetime(2024, 1, 1)
    recent: list[str] = []
    with path.open("w", encoding="utf-8") as out:
        for n in range(skip + count):
            if recent and rng.random() < 0.1:
                text = rng.choice(recent) + f"\n\nRepublished by {OUTLETS[n % len(OUTLETS)]}."
            else:
                picked = rng.sample(pool, k=rng.randint(8, 12))
                text = "\n\n".join(" ".join(picked[i : i + 3]) for i in range(0, len(picked), 3))
                recent = [*recent[-99:], text]
            published = start + dt.timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
            if n < skip:
                continue
            record = {"text": text, "outlet": OUTLETS[n % len(OUTLETS)], "published": published.isoformat()}
            out.write(json.dumps(record) + "\n")
    return path


def spacy_rate(corpus: Path, sample: int) -> float:
    """Articles per second of spaCy alone (the model as shipped, nothing else) on a sample."""
    texts = []
    with corpus.open(encoding="utf-8") as lines:
        for line in lines:
            texts.append(json.loads(line)["text"])
            if len(texts) >= sample:
                break
    nlp = spacy.load(MODEL)
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    return len(texts) / (time.perf_counter() - started)


def own_memory(process: psutil.Process) -> tuple[int, int]:
    """A process's (PSS, RSS) in bytes; its RSS twice where the kernel gives no PSS."""
    rss = process.memory_info().rss
    try:
        rollup = Path(f"/proc/{process.pid}/smaps_rollup").read_text(encoding="ascii")
    except OSError:
        return rss, rss
    found = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
    return (int(found.group(1)) * 1024 if found else rss), rss


def tree_memory(process: psutil.Process) -> tuple[int, int]:
    """(PSS, RSS) of a process and all its descendants, in bytes."""
    pss = rss = 0
    for p in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            own_pss, own_rss = own_memory(p)
            pss, rss = pss + own_pss, rss + own_rss
    return pss, rss


@dataclass
class Memory:
    """What the sampler saw of a run's process tree."""

    peak_pss: int = 0
    peak_rss: int = 0
    timeline: list[tuple[int, int]] = field(default_factory=list)  # (seconds, PSS in MB)


def timed(command: list[str], log: Path | None = None) -> tuple[float, float, Memory]:
    """Run ``command``; its wall time, the CPU time of its process tree (user and system), and
    the tree's memory. ``log``: write there what the run logs, each line after the second of
    the run it came in."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stream = child.stderr
    assert stream is not None
    tail: deque[str] = deque(maxlen=30)  # the last lines, for the message if the run fails

    def read_log() -> None:
        with contextlib.ExitStack() as stack:
            out = stack.enter_context(log.open("w", encoding="utf-8")) if log else None
            for line in stream:
                tail.append(line)
                if out:
                    out.write(f"{time.perf_counter() - started:8.1f} {line}")
                    out.flush()

    reader = threading.Thread(target=read_log, daemon=True)
    reader.start()
    watched = psutil.Process(child.pid)
    memory = Memory()
    done = threading.Event()

    def sample() -> None:
        logged = 0.0
        while not done.is_set():
            with contextlib.suppress(psutil.Error):
                pss, rss = tree_memory(watched)
                memory.peak_pss, memory.peak_rss = max(memory.peak_pss, pss), max(memory.peak_rss, rss)
                elapsed = time.perf_counter() - started
                if elapsed - logged >= 60:
                    memory.timeline.append((round(elapsed), round(pss / 2**20)))
                    logged = elapsed
            time.sleep(SAMPLE_EVERY)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        child.wait()
        reader.join()
    finally:
        done.set()
        sampler.join()
        if child.poll() is None:  # the benchmark was stopped: stop the run too
            for p in [*watched.children(recursive=True), watched]:
                with contextlib.suppress(psutil.Error):
                    p.kill()
    if child.returncode not in (0, 1):  # 1: some inputs rejected, the rest stored
        raise RuntimeError(f"{' '.join(command)} failed: {''.join(tail)[-2000:]}")
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the run's processes, each waited for
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu, memory


def stored_articles(db: Path) -> int:
    """How many articles an SQLite database kept by an earlier run holds."""
    if not db.is_file():
        raise SystemExit(f"--onto {db}: no such file")
    with contextlib.closing(sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        try:
            (count,) = conn.execute("SELECT count(*) FROM articles").fetchone()
        except sqlite3.DatabaseError as problem:
            raise SystemExit(f"--onto {db}: not a trucewatch database ({problem})") from None
    return int(count)


def copy_database(source: Path, target: str) -> None:
    """A copy of an SQLite database through SQLite's backup API (a write-ahead log included)."""
    with (
        contextlib.closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


@contextlib.contextmanager
def databases(
    names: list[str], folder: Path, keep: Path | None = None
) -> Iterator[dict[str, Callable[[str], str]]]:
    """A factory of fresh database URLs for each database kind asked for (and available);
    SQLite files go to ``keep`` when given, else to ``folder``."""
    factories: dict[str, Callable[[str], str]] = {}
    with contextlib.ExitStack() as stack:
        if "sqlite" in names:
            files = keep or folder
            factories["sqlite"] = lambda label: str(files / f"{label}.db")
        if "postgresql" in names:
            binaries = pgserver.bindir()
            if binaries is None:
                print("PostgreSQL: no server binaries; skipped", file=sys.stderr)
            else:
                template = stack.enter_context(pgserver.running(binaries))
                factories["postgresql"] = partial(pgserver.create_database, template)
        yield factories


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--runs", default="single,workers2,dask")
    parser.add_argument("--spacy-sample", type=int, default=500)
    parser.add_argument("--out", type=Path, default=Path("scale-results.jsonl"))
    parser.add_argument("--keep", type=Path, help="folder to keep the SQLite databases in")
    parser.add_argument(
        "--logs", type=Path, help="folder to write each run's log in (run with --verbose), timed"
    )
    parser.add_argument(
        "--onto", type=Path, help="SQLite database kept by an earlier run: ingest into copies of it"
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="run the --runs this many times over, alternated"
    )
    args = parser.parse_args()
    if args.onto and args.databases != "sqlite":
        parser.error("--onto takes an SQLite database: give --databases sqlite with it")
    held = stored_articles(args.onto) if args.onto else 0
    for folder in (args.keep, args.logs):
        if folder:
            folder.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stopped: still stop the database server
    sizes = [int(s) for s in args.sizes.split(",")]
    runs = args.runs.split(",")
    results: list[dict[str, Any]] = []
    header = (
        f"{'articles':>9} {'database':<11}{'run':<10}{'seconds':>9}{'art/s':>8}{'x spaCy':>9}{'PSS MB':>9}"
        f"{'RSS MB':>9}{'cores':>7}{'load':>6}"
    )
    with (
        tempfile.TemporaryDirectory(prefix="trucewatch-scale-") as tmp,
        databases(args.databases.split(","), Path(tmp), args.keep) as factories,
    ):
        print(header, flush=True)
        for size in sizes:
            corpus = write_corpus(Path(tmp) / f"corpus-{size}.jsonl", size, skip=held)
            if held:
                print(f"onto {args.onto}: {held} articles already stored", flush=True)
            for round_ in range(1, args.rounds + 1):
                # each round measures its own yardstick: the machine's speed drifts
                yardstick = spacy_rate(corpus, min(size, args.spacy_sample))
                print(f"{size:>9} {'-':<11}{'spaCy':<10}{'':>9}{yardstick:>8.1f}{1.0:>9.2f}", flush=True)
                for (db_name, factory), run in itertools.product(factories.items(), runs):
                    name = f"s{size}_{run}" + (f"_onto{held}" if held else "")
                    name += f"_round{round_}" if args.rounds > 1 else ""
                    log = args.logs / f"{db_name}_{name}.log" if args.logs else None
                    row = measure(run, corpus, size, factory(name), args, log)
                    row.update(already_stored=held, database=db_name, round=round_)
                    row.update(spacy_articles_per_s=round(yardstick, 2))
                    row.update(x_spacy=round(yardstick / row["articles_per_s"], 2))
                    results.append(row)
                    with args.out.open("a", encoding="utf-8") as out:
                        out.write(json.dumps(row) + "\n")
                    show(row)
            corpus.unlink()
    for size in sizes:
        for db_name in factories:
            gains = []
            for round_ in range(1, args.rounds + 1):
                by_run = {
                    r["run"]: r
                    for r in results
                    if r["articles"] == size and r["database"] == db_name and r["round"] == round_
                }
                if "single" in by_run and "workers2" in by_run:
                    gains.append(by_run["workers2"]["articles_per_s"] / by_run["single"]["articles_per_s"])
            if gains:
                each = f" (rounds: {', '.join(f'{g:.2f}' for g in gains)})" if len(gains) > 1 else ""
                print(
                    f"{size} articles, {db_name}: 2 workers run {statistics.median(gains):.2f} times "
                    f"as fast as one{each}"
                )


def measure(
    run: str, corpus: Path, size: int, db: str, args: argparse.Namespace, log: Path | None
) -> dict[str, Any]:
    """One run of trucewatch over ``corpus`` (``size`` articles) into ``db``, a copy of
    ``--onto`` when given."""
    if args.onto:
        copy_database(args.onto, db)
    command = [sys.executable, "-m", "trucewatch", "--db", db]
    command += ["--verbose"] if args.logs else []
    command += [part.format(corpus=corpus) for part in RUNS[run]]
    seconds, cpu, memory = timed(command, log)
    return {
        "articles": size,
        "run": run,
        "seconds": round(seconds, 1),
        "articles_per_s": round(size / seconds, 2),
        "peak_mb": round(memory.peak_pss / 2**20),
        "peak_rss_mb": round(memory.peak_rss / 2**20),
        "cpu_s": round(cpu, 1),
        "load": round(os.getloadavg()[0], 1),
        "memory_timeline": memory.timeline,
    }


def show(row: dict[str, Any]) -> None:
    """Print one run's line of the table."""
    print(
        f"{row['articles']:>9} {row['database']:<11}{row['run']:<10}{row['seconds']:>9.1f}"
        f"{row['articles_per_s']:>8.2f}{row['x_spacy']:>9.2f}{row['peak_mb']:>9}{row['peak_rss_mb']:>9}"
        f"{row['cpu_s'] / row['seconds']:>7.2f}{row['load']:>6.1f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
