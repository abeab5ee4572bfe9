"""The measures both evaluations share: ratios that remember their counts, macro F1, place names.

scikit-learn is not a dependency, and the few measures needed are short enough to write and
test here.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Ratio:
    """hits out of total; kept as counts so a report can say "3/4" and not only "0.75"."""

    hits: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        """The share, or None when nothing was counted."""
        return self.hits / self.total if self.total else None

    def add(self, hit: bool) -> Ratio:
        """This ratio with one more case counted."""
        return Ratio(self.hits + int(hit), self.total + 1)

    def __str__(self) -> str:
        value = self.value
        shown = "n/a" if value is None else f"{value:.3f}"
        return f"{shown} ({self.hits}/{self.total})"

    def as_dict(self) -> dict[str, float | int | None]:
        """For JSON output."""
        return {"value": self.value, "hits": self.hits, "total": self.total}


def macro_f1(pairs: Iterable[tuple[str, str]]) -> float:
    """Macro-averaged F1 of (gold, predicted) label pairs.

    The classes are the gold labels and every non-empty predicted label: a prediction of ""
    (nothing found) counts against the gold class (a false negative) but is not a class of its
    own, so texts where nothing was extracted lower recall without adding a zero-F1 class. A class
    with no true positive scores 0. Returns 0.0 for no pairs.
    """
    true_pos: Counter[str] = Counter()
    false_pos: Counter[str] = Counter()
    false_neg: Counter[str] = Counter()
    labels: set[str] = set()
    for gold, predicted in pairs:
        labels.add(gold)
        if predicted:
            labels.add(predicted)
        if gold == predicted:
            true_pos[gold] += 1
            continue
        false_neg[gold] += 1
        if predicted:
            false_pos[predicted] += 1
    if not labels:
        return 0.0
    total = 0.0
    for label in labels:
        tp = true_pos[label]
        denominator = 2 * tp + false_pos[label] + false_neg[label]
        total += 2 * tp / denominator if denominator else 0.0
    return total / len(labels)


def fold(text: str) -> str:
    """Text for loose comparison: accents removed, case folded, punctuation to single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain).split())


def same_place(a: str | None, b: str | None) -> bool:
    """Whether two place names are the same town: equal ignoring case and accents, or one
    containing the other ("Kramatorsk" and "Kramatorsk city"). Empty names never match."""
    left, right = fold(a or ""), fold(b or "")
    if not left or not right:
        return False
    return left == right or f" {left} " in f" {right} " or f" {right} " in f" {left} "
