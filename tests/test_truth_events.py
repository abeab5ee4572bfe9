"""Event recall on the example corpus, against our own annotation of it (examples/truth.yaml).

An annotated event is found when the article yields an event of its category whose sources
include one of the annotated sources and whose other participants include one of the annotated
targets (by country code). The annotation lists both sides of a two-sided event as sources and
targets ("Israel and Hamas agreed to a pause"), and names a struck territory as the target
("struck targets across the Strip"), so the recipients, the other sources and the event's place
all count for the target. The floor is pinned a little below what the engine reaches, so that a
change that loses events fails here.
"""

from __future__ import annotations

from pathlib import Path

import yaml

import trucewatch
from trucewatch.model import Event

from .conftest import ROOT

# Recall reached when the floor was pinned: 0.51 (68 of 133); the test says what it missed.
RECALL_FLOOR = 0.48


def _article_ids(corpus: trucewatch.Trucewatch) -> dict[str, str]:
    by_file: dict[str, str] = {}
    for a in corpus.articles():
        name = Path(a.source).name
        if ".jsonl:" in name:
            name = "wire.jsonl#" + name.rsplit(":", 1)[1]
        by_file[name] = a.id
    return by_file


def _others(event: Event) -> set[str | None]:
    """The countries on the receiving side of an event: its recipients, its place, and, when
    several sides act together, every side."""
    found = {m.actor.country for m in event.targets}
    if len({m.actor.country for m in event.actors}) > 1:
        found |= {m.actor.country for m in event.actors}
    if event.location is not None:
        found.add(event.location.country)
    return found


def event_recall(corpus: trucewatch.Trucewatch) -> tuple[int, int, list[str]]:
    """(found, annotated, the annotated events not found)."""
    truth = yaml.safe_load((ROOT / "examples" / "truth.yaml").read_text(encoding="utf-8"))
    by_file = _article_ids(corpus)
    found = total = 0
    missed: list[str] = []
    for entry in truth["articles"]:
        events = corpus.article(by_file[entry["file"].split("/")[-1]]).events
        for gold in entry["events"]:
            total += 1
            sources, targets = set(gold.get("source") or []), set(gold.get("target") or [])
            hit = any(
                e.category == gold["category"]
                and (not sources or sources & {m.actor.country for m in e.actors})
                and (not targets or targets & _others(e))
                for e in events
            )
            found += hit
            if not hit:
                missed.append(f"{gold['category']} {sorted(sources)} -> {sorted(targets)}: {gold['cue']}")
    return found, total, missed


def test_event_recall_on_the_example_corpus(corpus: trucewatch.Trucewatch) -> None:
    found, total, missed = event_recall(corpus)
    assert total >= 50
    assert found / total >= RECALL_FLOOR, f"{found}/{total}; missed:\n" + "\n".join(missed)
