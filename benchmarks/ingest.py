"""Ingestion speed: articles per second through the whole pipeline, against spaCy alone.

Builds a corpus of N articles (default 400) by recombining the paragraphs of the bundled
examples (so every text is distinct and realistic), then times

1. spaCy alone: ``nlp.pipe`` over the texts;
2. trucewatch: reading, cleaning, parsing, actor resolution and storing in a fresh SQLite file,
   with 1 worker and with ``--workers`` workers.

Run: ``python benchmarks/ingest.py [--articles N] [--workers K]``. Prints a table of figures.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import spacy

import trucewatch
from trucewatch.config import Settings
from trucewatch.ingest import read_sources
from trucewatch.model import Article
from trucewatch.nlp import MODEL, load_pipeline
from trucewatch.pipeline import Pipeline

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


def make_corpus(n: int, folder: Path, seed: int = 1) -> Path:
    """Write ``n`` articles as JSON Lines, each a fresh mix of the examples' paragraphs."""
    paragraphs = [
        p for a in read_sources([str(EXAMPLES)]) if isinstance(a, Article) for p in a.text.split("\n\n")
    ]
    rng = random.Random(seed)
    path = folder / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            body = "\n\n".join(rng.sample(paragraphs, k=6))
            out.write(
                json.dumps({"text": body, "outlet": f"Bench {i % 7}", "published": "2025-06-24T09:00Z"})
                + "\n"
            )
    return path


def time_spacy(texts: list[str]) -> float:
    """Seconds of spaCy alone, the model as shipped, over ``texts``."""
    nlp = spacy.load(MODEL)
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    return time.perf_counter() - start


def time_trucewatch(corpus: Path, folder: Path, workers: int) -> float:
    db = folder / f"bench-{workers}.db"
    with trucewatch.open(str(db)) as tw:
        start = time.perf_counter()
        report = tw.ingest([corpus], workers=workers)
        elapsed = time.perf_counter() - start
    assert report.ok and len(report.added) > 0, report.rejected[:3]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus = make_corpus(args.articles, folder)
        texts = [a.text for a in read_sources([str(corpus)]) if isinstance(a, Article)]
        load_pipeline()  # loading is not what is measured, for spaCy or for trucewatch:
        Pipeline(Settings())  # the matchers, catalogue and gazetteer are built once per process
        spacy_s = time_spacy(texts)
        one_s = time_trucewatch(corpus, folder, 1)
        many_s = time_trucewatch(corpus, folder, args.workers)
    n = len(texts)
    chars = sum(len(t) for t in texts)
    print(f"corpus: {n} articles, {chars / n:.0f} characters each on average")
    print(f"{'run':<28}{'seconds':>10}{'articles/s':>12}{'x spaCy time':>14}")
    print(f"{'spaCy nlp.pipe alone':<28}{spacy_s:>10.2f}{n / spacy_s:>12.1f}{1.0:>14.2f}")
    print(f"{'trucewatch, 1 worker':<28}{one_s:>10.2f}{n / one_s:>12.1f}{one_s / spacy_s:>14.2f}")
    label = f"trucewatch, {args.workers} workers"
    print(f"{label:<28}{many_s:>10.2f}{n / many_s:>12.1f}{many_s / spacy_s:>14.2f}")
    print(f"speed-up of {args.workers} workers over 1: {one_s / many_s:.2f}")


if __name__ == "__main__":
    main()
