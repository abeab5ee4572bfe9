"""Extraction speed: events and articles per second, against spaCy's parse alone.

Generates N texts (default 2,000) by recombining sentences of the bundled example articles,
then times

1. spaCy alone: ``nlp.pipe`` of the model as shipped over the texts (what an extraction built
   on it would at least pay);
2. trucewatch's own spaCy pipeline alone: the same model with the attribute rules applied by
   index (``trucewatch.tag_rules``, the same annotation) and paragraph breaks as sentence ends;
3. trucewatch's whole extraction (``trucewatch.extract``: cleaning, parsing, actor resolution,
   events with all their attributes), in one process, with no database.

Run: ``python benchmarks/extract.py [--texts N] [--sentences K] [--runs R]``. Prints a table.
With ``--runs`` above 1 the two are timed in turn R times and the median ratio is given: on a
shared machine one run's ratio moves by a tenth either way. CPU seconds of this process are
shown beside wall-clock seconds, since other processes on the machine inflate the latter.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
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
    parser.add_argument("--runs", type=int, default=1, help="time both this many times, in turn")
    args = parser.parse_args()
    texts = make_texts(args.texts, args.sentences)
    shipped, own = spacy.load(MODEL), load_pipeline()
    Pipeline(Settings())  # build the matchers and gazetteer before timing
    lines = [
        json.dumps({"id": str(i), "text": t, "published": "2025-06-24T09:00Z"}) for i, t in enumerate(texts)
    ]
    n = len(texts)
    chars = sum(len(t) for t in texts) / n
    print(f"corpus: {n} texts of {args.sentences} sentences, {chars:.0f} characters each")
    print(f"{'run':<30}{'seconds':>10}{'cpu s':>10}{'texts/s':>10}{'events/s':>10}")
    ratios: list[float] = []
    for _ in range(args.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in shipped.pipe(texts, batch_size=64):
            pass
        spacy_s, spacy_cpu = time.perf_counter() - wall, time.process_time() - cpu
        wall = time.perf_counter()
        for _ in own.pipe(texts, batch_size=64):
            pass
        own_s = time.perf_counter() - wall

        wall, cpu = time.perf_counter(), time.process_time()
        events = sum(len(x.events) for x in trucewatch.extract(lines))
        whole_s, whole_cpu = time.perf_counter() - wall, time.process_time() - cpu

        print(f"{'spaCy nlp.pipe alone':<30}{spacy_s:>10.2f}{spacy_cpu:>10.2f}{n / spacy_s:>10.1f}{'':>10}")
        print(f"{'trucewatch spaCy pipeline':<30}{own_s:>10.2f}{'':>10}{n / own_s:>10.1f}{'':>10}")
        print(
            f"{'trucewatch extract':<30}{whole_s:>10.2f}{whole_cpu:>10.2f}"
            f"{n / whole_s:>10.1f}{events / whole_s:>10.1f}"
        )
        print(
            f"events found: {events}; extraction costs {whole_s / spacy_s:.2f} x spaCy's parse "
            f"({whole_cpu / spacy_cpu:.2f} x in CPU time)"
        )
        ratios.append(whole_s / spacy_s)
    if args.runs > 1:
        print(f"median over {args.runs} runs: {statistics.median(ratios):.2f} x spaCy's parse")


if __name__ == "__main__":
    main()
