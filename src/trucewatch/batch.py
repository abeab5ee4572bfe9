"""Ingestion and extraction of a large corpus over partitions, in this process or on Dask.

The same function, :func:`parse_partition`, runs on every partition (read, clean, parse,
extract); here one partition after another, or on a Dask cluster: a LocalCluster of worker
processes started for the run, or the scheduler at an address. A bounded lead of articles
per worker is in flight (IN_FLIGHT_PER_WORKER), so the cluster holds a bounded number of
results however long the corpus; the client writes them to the database as they come back
(see ``Trucewatch.batch``). Results come back in the order partitions finish, which does not
change what is stored: article ids come from content and the derived tables do not depend on
order.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING

from trucewatch.config import Settings
from trucewatch.ingest.partitions import Partition, read_partition
from trucewatch.ingest.sources import ReadOptions
from trucewatch.model import Article, ParsedArticle, Rejection
from trucewatch.pipeline import AHEAD_PER_WORKER, WORKER_BATCH, Pipeline, batches, build_ahead

if TYPE_CHECKING:
    from dask.typing import Key
    from distributed import Client

log = logging.getLogger(__name__)

# Articles submitted per worker, in whole partitions, before waiting for one to finish: the
# lead ``ingest --workers`` gives its workers (AHEAD_PER_WORKER batches of WORKER_BATCH), for
# the same reason. The client stops gathering results while it rebuilds derived rows, up to
# two or three minutes at 100,000 articles; with two partitions a worker in flight (400
# articles for two workers, half a minute of their work) a PostgreSQL run fell from 1.66
# cores busy at 2,000 to 20,000 articles to 1.14 at 60,000 to 68,000, in stretches of one to
# three minutes at under one core. A finished result waits in its worker's memory: with 2,100
# articles waiting a worker grew from 324 to 400 MB of RSS, some 36 KB an article, about 75 MB
# a worker at most (and kept by the allocator once the results are taken).
IN_FLIGHT_PER_WORKER = AHEAD_PER_WORKER * WORKER_BATCH

Result = list[ParsedArticle | Rejection]

# Dask settings for the run, in this process and in the workers of a LocalCluster it starts.
DASK_CONFIG = {
    # A worker samples its own stacks every 10 ms into call trees it keeps for the dashboard;
    # with spaCy's deep stacks they grew by some 15 MB per worker per 1,000 articles, without
    # end. A LocalCluster started here has no dashboard; its scheduler's HTTP endpoints (which
    # it serves even so) take a free port, not 8787, which a second run or a user's own
    # cluster may hold.
    "distributed.worker.profile.enabled": False,
    # Each stream of messages (the client's to the scheduler, the scheduler's to each worker)
    # keeps its last 1,000 messages under 1 MB for debugging, and a partition travels whole in
    # two of them: at 100 articles a partition, the writing process's heap grew by some 4 MB
    # per 1,000 articles (6,000 articles traced), up to 1,000 partitions sent long ago. Ten are
    # kept.
    "distributed.admin.low-level-log-length": 10,
}


@cache
def cached_pipeline(settings: Settings) -> Pipeline:
    """One pipeline per process and settings, built when first needed (a Dask worker keeps its
    own across partitions; a watch builds it at its first new item)."""
    return Pipeline(settings)


def parse_partition(partition: Partition, settings: Settings, options: ReadOptions) -> Result:
    """Read and parse one partition: each input as a parsed article or a rejection, in order.

    The pipeline gets WORKER_BATCH articles at a time, as in ``ingest --workers``: a partition
    of any size then costs a worker no more parsing memory than a small batch.
    """
    items = list(read_partition(partition, options))
    articles = [a for a in items if isinstance(a, Article)]
    pipeline = cached_pipeline(settings)
    parsed = iter([r for batch in batches(articles, WORKER_BATCH) for r in pipeline.run(batch)])
    return [item if isinstance(item, Rejection) else next(parsed) for item in items]


def run_local(
    parts: Iterable[Partition | Rejection], settings: Settings, options: ReadOptions
) -> Iterator[Result]:
    """Each partition's results, parsed in this process."""
    build_ahead(settings)
    for part in parts:
        yield [part] if isinstance(part, Rejection) else parse_partition(part, settings, options)


def run_dask(
    parts: Iterable[Partition | Rejection],
    settings: Settings,
    options: ReadOptions,
    scheduler: str | None = None,
    workers: int = 2,
) -> Iterator[Result]:
    """Each partition's results, parsed on Dask: a LocalCluster of ``workers`` processes, or
    the cluster whose scheduler is at ``scheduler``."""
    import dask
    from distributed import Client, LocalCluster

    if not log.isEnabledFor(logging.INFO):
        # Dask's own INFO lines (each nanny, worker and connection started and closed, some
        # thirty a run) show only when trucewatch's do (-v); its warnings always show.
        logging.getLogger("distributed").setLevel(logging.WARNING)
    with dask.config.set(DASK_CONFIG), contextlib.ExitStack() as stack:
        cluster = None
        if not scheduler:
            build_ahead(settings)  # before the workers start, so that each reads them
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                    silence_logs=logging.WARNING,
                )
            )
        yield from _submitted(stack.enter_context(Client(scheduler or cluster)), parts, settings, options)


def _submitted(
    client: Client, parts: Iterable[Partition | Rejection], settings: Settings, options: ReadOptions
) -> Iterator[Result]:
    """Each partition's results as they come back, with IN_FLIGHT_PER_WORKER articles a worker
    in flight (in whole partitions, two at least, so that a worker has the next one at hand)."""
    from distributed import as_completed

    workers = max(1, len(client.scheduler_info()["workers"]))
    running = as_completed()
    sizes: dict[Key, int] = {}  # articles in each partition in flight, by its future's key

    def full() -> bool:
        return len(sizes) >= 2 * workers and sum(sizes.values()) >= IN_FLIGHT_PER_WORKER * workers

    def done() -> Result:
        future = next(running)
        del sizes[future.key]
        return future.result()

    for part in parts:
        if isinstance(part, Rejection):
            yield [part]
            continue
        future = client.submit(parse_partition, part, settings, options, pure=False)
        running.add(future)
        sizes[future.key] = len(part)
        while full():
            yield done()
    while sizes:
        yield done()
