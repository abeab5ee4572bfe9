"""From cleaned articles to parsed records: parse, split sentences, resolve actors, find events
and ceasefire statements.

:class:`Pipeline` holds what is costly to build (the spaCy pipeline, the actor matchers) and is
built once per process. :func:`process` runs it in this process or, with ``workers > 1``, in a
pool of processes that each build their own, feeding them batches while keeping results in
input order and memory bounded.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import Generic, NamedTuple, TypeVar

from trucewatch.actors.catalogue import Catalogue, cached_catalogue, catalogue_recipe
from trucewatch.actors.resolve import ActorResolver
from trucewatch.buildcache import Recipe, cache_dir
from trucewatch.config import Settings
from trucewatch.events.ceasefire import CeasefireFinder, ceasefire_lexicon
from trucewatch.events.extract import EventExtractor
from trucewatch.events.grammar import grammar
from trucewatch.events.lexicon import Lexicon, cached_lexicon, lexicon_recipe
from trucewatch.events.ontology import ontology
from trucewatch.events.place import Gazetteer, cached_gazetteer, gazetteer_recipe
from trucewatch.events.time import SentenceDates
from trucewatch.ingest.fingerprint import fingerprint, lsh_shape
from trucewatch.model import Article, ParsedArticle, Rejection, Sentence
from trucewatch.nlp import BATCH_SIZE, Chunk, load_pipeline, parse_texts, release, sentence_start, text_of

log = logging.getLogger(__name__)
T = TypeVar("T")

# Articles sent to a worker at a time: large enough to amortise pickling, small enough that
# progress is reported often and memory stays flat.
WORKER_BATCH = 16
# Batches handed to the workers ahead of the one the caller is taking, per worker. The caller
# stops taking results while it rebuilds derived rows, for seconds at 10,000 articles and up to
# two or three minutes at 100,000; the workers go on with what they were handed and then wait.
# 32 a worker (1,024 articles for two) are half a minute of two workers' output: at 100,000
# articles the tree's CPU fell from 1.95 cores to one during each long rebuild, the workers
# idle. While the caller rebuilds on one core, two workers share the other and
# finish some 17 articles a second; 128 a worker (4,096 articles) outlast a four-minute
# rebuild. A parsed article waiting to be taken holds some 70 KB, so they cost at most about
# 290 MB.
AHEAD_PER_WORKER = 128
# Articles parsed at a time in this process: spaCy's own batch, since its layers run faster
# over more texts at once (a batch of 16 parses some 5% slower than one of 64) and nothing
# needs to travel to a worker.
LOCAL_BATCH = BATCH_SIZE
# Batches of LOCAL_BATCH parsed ahead of the caller in this process. The caller stops taking
# them while it rebuilds derived rows: a few seconds at 10,000 articles, where one batch ahead
# was enough (the parse never waited), but up to a minute or more at 100,000, where the parse
# waited for the rest of each rebuild. 32 batches are some 2,000 articles, a minute and more of
# parsing; a parsed article waiting holds some 50 KB (nlp.drop_tensor), so they cost at most
# about 100 MB.
LOCAL_AHEAD = 32
# Seconds between a worker's checks that the process that started it is still there.
PARENT_CHECK = 1.0


class Pipeline:
    """The NLP, resolution and extraction stages for one process."""

    def __init__(self, settings: Settings) -> None:
        self.nlp = load_pipeline()
        cached = _structures(settings)
        self.resolver = ActorResolver(self.nlp, cached.catalogue.get())
        self.extractor = EventExtractor(cached.lexicon.get(), grammar(), ontology(), cached.gazetteer.get())
        self.ceasefires = CeasefireFinder(ceasefire_lexicon(tuple(settings.ceasefire_files)), grammar())

    def run(self, articles: Sequence[Article]) -> list[ParsedArticle | Rejection]:
        """Parse a batch; an article whose processing fails becomes a Rejection, not a crash."""
        return self.finish(articles, parse_texts(self.nlp, (a.text for a in articles)))

    def finish(
        self, articles: Sequence[Article], parsed: Iterable[Sequence[Chunk]]
    ) -> list[ParsedArticle | Rejection]:
        """Everything after spaCy's parse, for a batch and its parsed chunks."""
        results: list[ParsedArticle | Rejection] = []
        for article, chunks in zip(articles, parsed, strict=True):
            try:
                results.append(self.parse(article, chunks))
            except Exception as exc:  # one bad article must not stop the run; the error is reported
                log.exception("processing %s failed", article.source)
                results.append(Rejection(article.source, f"processing failed: {type(exc).__name__}: {exc}"))
            finally:
                release(chunks)
        return results

    def parse(self, article: Article, chunks: Sequence[Chunk]) -> ParsedArticle:
        """Sentences, actor mentions and events of one article from its parsed chunks."""
        sentences = tuple(_sentences(chunks))
        mentions = tuple(self.resolver.resolve(chunks, sentences, article.published))
        dates = SentenceDates(article.published)  # events and ceasefire statements share them
        events = tuple(self.extractor.extract(article, chunks, sentences, mentions, dates))
        ceasefires = tuple(self.ceasefires.find(article, chunks, sentences, mentions, events, dates))
        countries = self.extractor.countries(chunks)
        return ParsedArticle(
            article, sentences, mentions, events, ceasefires, countries, fingerprint(article.text)
        )


def _sentences(chunks: Sequence[Chunk]) -> Iterator[Sentence]:
    index = 0
    for chunk in chunks:
        for sent in chunk.doc.sents:
            stripped = text_of(sent).strip()
            if not stripped:
                continue
            start = chunk.offset + sentence_start(sent)
            yield Sentence(index, start, start + len(stripped), stripped)
            index += 1


def build_ahead(settings: Settings) -> None:
    """Build the structures a pipeline reads from the cache (the catalogue, the lexicon, the
    gazetteer) in a short-lived child process, when the cache lacks any of them.

    A process that builds them itself keeps some 145 MB more for the rest of its life than one
    that reads them back (488 MB against 343 once its pipeline is loaded): the build's
    temporary objects leave its heap in pieces it does not give back. Called before the
    long-lived processes of a run start (the one that writes, the workers), it lets each of
    them read. Should the child fail (a malformed extra file, say), each process builds its own
    and reports the error as it would have.
    """
    if cache_dir() is None or all(cached.recipe.is_stored() for cached in _structures(settings)):
        return  # with the cache off, every process builds its own: a child's build is lost
    child = multiprocessing.get_context("spawn").Process(
        target=_build_structures, args=(settings,), name="trucewatch-build"
    )
    child.start()
    child.join()
    if child.exitcode:
        log.debug("building the cached structures ahead failed (exit code %s)", child.exitcode)


@dataclass(frozen=True)
class _Cached(Generic[T]):
    """A structure kept in the build cache: what it is built from, and how to get it."""

    recipe: Recipe
    get: Callable[[], T]


class _Structures(NamedTuple):
    """The cached structures a pipeline reads, for one run's settings: read by the pipeline,
    and by :func:`build_ahead` to tell whether the cache holds them."""

    catalogue: _Cached[Catalogue]
    lexicon: _Cached[Lexicon]
    gazetteer: _Cached[Gazetteer]


def _structures(settings: Settings) -> _Structures:
    """The cached structures for these settings (their extra data files)."""
    actors, lexicon = tuple(settings.actor_files), tuple(settings.lexicon_files)
    places, missions = tuple(settings.place_files), tuple(settings.mission_files)
    return _Structures(
        _Cached(catalogue_recipe(actors), partial(cached_catalogue, actors)),
        _Cached(lexicon_recipe(lexicon), partial(cached_lexicon, lexicon)),
        _Cached(gazetteer_recipe(places, missions), partial(cached_gazetteer, places, missions)),
    )


def _build_structures(settings: Settings) -> None:
    """The child of :func:`build_ahead`: build and store, quietly; the run reports any error."""
    try:
        for cached in _structures(settings):
            cached.get()
    except Exception:
        os._exit(1)


_worker: Pipeline | None = None
_worker_settings: Settings | None = None


def _start_worker(settings: Settings) -> None:
    """Build this process's pipeline, unless it has one for these settings: a worker forked from
    a parent that built it before starting the pool inherits the parent's."""
    global _worker, _worker_settings
    if _worker is None or _worker_settings != settings:
        _worker, _worker_settings = Pipeline(settings), settings


def _init_worker(settings: Settings) -> None:
    """A worker's start: its pipeline, and a watch on the parent that started it."""
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    _start_worker(settings)


def _exit_with_parent(parent: int) -> None:
    """End this worker once its parent is gone (killed, say): a forked worker holds its own copy
    of the pipe the parent feeds it by, so it would wait for work forever, holding its memory."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK)
    os._exit(1)


def _run_in_worker(batch: list[Article]) -> list[ParsedArticle | Rejection]:
    assert _worker is not None, "worker not initialised"
    return _worker.run(batch)


def batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """``items`` in lists of ``size`` (the last may be shorter), read as they are needed."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _parsed_ahead(
    pipeline: Pipeline, batches: Iterator[list[Article]]
) -> Iterator[tuple[list[Article], list[list[Chunk]]]]:
    """Each batch with its parsed chunks, parsed in a thread up to LOCAL_AHEAD batches ahead of
    the caller.

    spaCy's layers release the GIL for their matrix products, so in one process the parse of
    the next batches overlaps the extraction, storing and rebuilding of this one. The input is
    read in the thread too; whatever it or the parse raises is raised here, in order. A caller
    that stops early stops the thread after the batch it is parsing.
    """
    Parsed = tuple[list[Article], list[list[Chunk]]]
    ready: queue.Queue[Parsed | BaseException | None] = queue.Queue(maxsize=LOCAL_AHEAD)  # None: the end
    stop = threading.Event()

    def hand_over(item: Parsed | BaseException | None) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def parse_all() -> None:
        try:
            for batch in batches:
                parsed = list(parse_texts(pipeline.nlp, (a.text for a in batch)))
                if not hand_over((batch, parsed)):
                    return
        except BaseException as exc:  # handed to the caller, who raises it
            hand_over(exc)
        else:
            hand_over(None)

    thread = threading.Thread(target=parse_all, name="trucewatch-parse", daemon=True)
    thread.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def process(
    articles: Iterable[Article], settings: Settings, workers: int = 1
) -> Generator[ParsedArticle | Rejection, None, None]:
    """Parse ``articles`` in input order, in this process or in ``workers`` processes; a caller
    that stops early closes the generator, which stops the parse and the workers."""
    build_ahead(settings)
    if workers <= 1:
        pipeline = Pipeline(settings)
        for batch, parsed in _parsed_ahead(pipeline, batches(articles, LOCAL_BATCH)):
            yield from pipeline.finish(batch, parsed)
        return
    # Built here once, the pipeline's read-only bulk (the gazetteer, the model's weights, the
    # actor matchers) is shared by the forked workers page by page instead of copied into each;
    # frozen, its objects are left alone by the garbage collector, whose passes would write to
    # every page. Where workers are spawned, not forked, each builds its own.
    _start_worker(settings)
    lsh_shape()  # datasketch, imported here once, not by each worker's first fingerprint
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(settings,)) as pool:
            pending: deque[Future[list[ParsedArticle | Rejection]]] = deque()
            for batch in batches(articles, WORKER_BATCH):
                pending.append(pool.submit(_run_in_worker, batch))
                if len(pending) >= workers * AHEAD_PER_WORKER:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
    finally:
        gc.unfreeze()
