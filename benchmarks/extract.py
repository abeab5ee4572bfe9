"""Extraction speed: events and articles per second, against spaCy's parse alone.

Generates N texts (default 2,000) by recombining sentences of the bundled example articles,
then times

1. spaCy alone: ``nlp.pipe`` over the texts (what any extraction must at least pay);
2. trucewatch's whole extraction (``trucewatch.extract``: cleaning, parsing, actor resolution,
   events with all their attributes), in one process, with no database.

Run: ``python benchmarks/extract.py [--texts N] [--sentences K]``. Prints a table.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import trucewatch
from trucewatch.config import Settings
from trucewatch.ingest import read_sources
from trucewatch.model import Article
from trucewatch.nlp import load_pipeline
from trucewatch.pipeline import Pipeline

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


def make_texts(n: int, sentences: int, seed: int = 7) -> list[str]:
    """``n`` texts of ``sentences`` sentences each, drawn from the example corpus."""
    nlp = load_pipeline()
    pool = [
        s.text.strip()
        for a in read_sources([str(EXAMPLES)])
        if isinstance(a, Article)
        for s in nlp(a.text).sents
        if len(s.text.split()) > 5
    ]
    rng = random.Random(seed)
    return [" ".join(rng.sample(pool, k=sentences)) for _ in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--sentences", type=int, default=3)
    args = parser.parse_args()
    texts = make_texts(args.texts, args.sentences)
    nlp = load_pipeline()
    Pipeline(Settings())  # build the matchers and gazetteer before timing

    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    spacy_s = time.perf_counter() - start

    lines = [
        json.dumps({"id": str(i), "text": t, "published": "2025-06-24T09:00Z"}) for i, t in enumerate(texts)
    ]
    start = time.perf_counter()
    events = sum(len(x.events) for x in trucewatch.extract(lines))
    whole_s = time.perf_counter() - start

    n = len(texts)
    chars = sum(len(t) for t in texts) / n
    print(f"corpus: {n} texts of {args.sentences} sentences, {chars:.0f} characters each")
    print(f"{'run':<30}{'seconds':>10}{'texts/s':>10}{'events/s':>10}")
    print(f"{'spaCy nlp.pipe alone':<30}{spacy_s:>10.2f}{n / spacy_s:>10.1f}{'':>10}")
    print(f"{'trucewatch extract':<30}{whole_s:>10.2f}{n / whole_s:>10.1f}{events / whole_s:>10.1f}")
    print(f"events found: {events}; extraction costs {whole_s / spacy_s:.2f} x spaCy's parse")


if __name__ == "__main__":
    main()
