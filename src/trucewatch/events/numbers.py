"""Counts as news writes them: "224", "1,200", "twenty-five", "at least 224", "dozens", "between 10 and 15".

Casualty figures, and the numbers in "58 days ago", come in words as often as in digits, with a
qualifier that matters as much as the figure ("more than 50" is not "50"). This module turns
such words into a :class:`~trucewatch.model.Count`: the value, its qualifier, the upper bound of
a range, and the words themselves. The words it knows are data, in ``numbers.yaml``.

Stages, for each position in the text:

1. Split the text into words (digits with their commas, words, hyphens), keeping offsets.
2. A qualifier phrase ("at least", "nearly", "up to"), or "between" opening a range.
3. A number: a zero phrase ("no", "nobody"), a vague phrase with its conventional value
   ("dozens" is at least 24), digits with an optional scale ("1.5 million"), or number words
   composed by the usual rules ("one hundred and twenty", "two dozen").
4. A suffix qualifier ("or more") or a second number closing a range ("10 to 15", "two or three").
5. The qualifier given in the text wins over a vague phrase's own; without either, "exact".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from trucewatch.datafiles import load_model
from trucewatch.model import Count

NUMBERS_FILE = Path(__file__).with_name("numbers.yaml")
QUALIFIERS = ("exact", "at_least", "more_than", "about", "up_to", "fewer_than")
Qualifier = Literal["exact", "at_least", "more_than", "about", "up_to", "fewer_than"]
T = TypeVar("T")

# Digits (with thousands commas and a decimal part), words, dashes, and any other single character.
_WORD_RE = re.compile(r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[A-Za-z]+|[-–—]|\S")
# Characters glued before digits that make them part of a code or a sum, not a count ("F-16", "$50").
_NOT_COUNT_BEFORE = set("$£€¥#/:")
_NOT_COUNT_AFTER = set("%:/")


class VagueSpec(BaseModel):
    """A phrase with no figure of its own: the value and qualifier it stands for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: int = Field(ge=0)
    qualifier: Qualifier


class NumbersFile(BaseModel):
    """The whole ``numbers.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    units: dict[str, int]
    tens: dict[str, int]
    scales: dict[str, int]
    digit_scales: dict[str, int]
    multipliers: dict[str, int]
    articles: list[str]
    zero: list[str]
    vague: dict[str, VagueSpec]
    qualifiers: dict[Qualifier, list[str]]
    suffixes: dict[Qualifier, list[str]]
    range_words: list[str]


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class CountMatch:
    """A count found in a text: ``start``/``end`` are character offsets in that text."""

    start: int
    end: int
    count: Count


@dataclass(frozen=True)
class _Words:
    """``numbers.yaml`` compiled: phrases as word tuples under their first word, longest first,
    so that a word is tried only against the phrases that start with it."""

    units: dict[str, int]
    tens: dict[str, int]
    scales: dict[str, int]
    digit_scales: dict[str, int]
    multipliers: dict[str, int]
    articles: frozenset[str]
    zero: dict[str, tuple[tuple[tuple[str, ...], int], ...]]  # each phrase with its value, 0
    vague: dict[str, tuple[tuple[tuple[str, ...], VagueSpec], ...]]
    qualifiers: dict[str, tuple[tuple[tuple[str, ...], str], ...]]
    suffixes: dict[str, tuple[tuple[tuple[str, ...], str], ...]]
    range_words: frozenset[str]
    # every word a number or a count can start with: most words of a text are neither, and are
    # passed over at once
    number_starts: frozenset[str]
    count_starts: frozenset[str]


def _split(text: str) -> list[_Word]:
    return [_Word(m.start(), m.end(), m.group().lower()) for m in _WORD_RE.finditer(text)]


def _phrase(words: str) -> tuple[str, ...]:
    return tuple(w.text for w in _split(words))


def _by_first_word(
    pairs: list[tuple[tuple[str, ...], T]],
) -> dict[str, tuple[tuple[tuple[str, ...], T], ...]]:
    """(phrase, value) pairs under the phrase's first word, longest phrase first."""
    grouped: dict[str, list[tuple[tuple[str, ...], T]]] = {}
    for pair in sorted(pairs, key=lambda pair: -len(pair[0])):
        grouped.setdefault(pair[0][0], []).append(pair)
    return {first: tuple(found) for first, found in grouped.items()}


@cache
def _words() -> _Words:
    """``numbers.yaml``, read and validated once per process."""
    data = load_model(NUMBERS_FILE, NumbersFile, "number words")
    vague = [(_phrase(k), v) for k, v in data.vague.items()]
    quals: list[tuple[tuple[str, ...], str]] = [
        (_phrase(w), q) for q, ws in data.qualifiers.items() for w in ws
    ]
    suffixes: list[tuple[tuple[str, ...], str]] = [
        (_phrase(w), q) for q, ws in data.suffixes.items() for w in ws
    ]
    zero = [_phrase(z) for z in data.zero]
    number_starts = frozenset(
        [p[0] for p, _ in vague]
        + [p[0] for p in zero]
        + [k.lower() for k in (*data.units, *data.tens, *data.scales, *data.multipliers, *data.articles)]
    )
    qualifiers = _by_first_word(quals)
    return _Words(
        units={k.lower(): v for k, v in data.units.items()},
        tens={k.lower(): v for k, v in data.tens.items()},
        scales={k.lower(): v for k, v in data.scales.items()},
        digit_scales={k.lower(): v for k, v in data.digit_scales.items()},
        multipliers={k.lower(): v for k, v in data.multipliers.items()},
        articles=frozenset(a.lower() for a in data.articles),
        zero=_by_first_word([(z, 0) for z in zero]),
        vague=_by_first_word(vague),
        qualifiers=qualifiers,
        suffixes=_by_first_word(suffixes),
        range_words=frozenset(w.lower() for w in data.range_words),
        number_starts=number_starts,
        count_starts=frozenset(qualifiers) | number_starts | {"between"},
    )


def count_words() -> frozenset[str]:
    """Every word that can be part of a number (not the qualifiers): for patterns elsewhere."""
    w = _words()
    words = set(w.units) | set(w.tens) | set(w.scales) | set(w.multipliers) | set(w.articles)
    for phrase, _ in (pair for pairs in w.vague.values() for pair in pairs):
        words.update(phrase)
    for phrase, _ in (pair for pairs in w.zero.values() for pair in pairs):
        words.update(phrase)
    return frozenset(x for x in words if x.isalpha())


@cache
def number_regex() -> str:
    """A regular expression (no groups) for a number in digits or words: "58", "fifty-eight", "a"."""
    w = _words()
    words = set(w.units) | set(w.tens) | set(w.scales) | set(w.multipliers) | set(w.articles)
    for phrase, _ in (pair for pairs in w.vague.values() for pair in pairs):
        words.add(" ".join(phrase))
    alternation = "|".join(re.escape(x).replace(r"\ ", r"\s+") for x in sorted(words, key=len, reverse=True))
    word = rf"(?:{alternation})"
    return rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?|{word}(?:(?:\s+|\s*-\s*|\s+and\s+){word})*)\b"


def _match(words: list[_Word], i: int, phrase: tuple[str, ...]) -> bool:
    return tuple(w.text for w in words[i : i + len(phrase)]) == phrase


def _is_count_digits(text: str, words: list[_Word], j: int) -> bool:
    """Digits that stand for a count, not part of a code ("F-16"), a sum ("$50") or a time ("11:15")."""
    word = words[j]
    before = text[word.start - 1] if word.start > 0 else " "
    after = text[word.end] if word.end < len(text) else " "
    if before in _NOT_COUNT_BEFORE or after in _NOT_COUNT_AFTER:
        return False
    if before == "-" and word.start > 1 and text[word.start - 2].isalpha():
        return False
    if before.isalpha():
        return False
    if after.isalpha():
        following = words[j + 1].text if j + 1 < len(words) else ""
        return following in _words().digit_scales
    return True


def _digits_at(text: str, words: list[_Word], j: int) -> tuple[int, int] | None:
    if not _is_count_digits(text, words, j):
        return None
    value = float(words[j].text.replace(",", ""))
    k = j + 1
    w = _words()
    if k < len(words) and words[k].start == words[k - 1].end and words[k].text in w.digit_scales:
        value *= w.digit_scales[words[k].text]
        k += 1
    while k < len(words) and (words[k].text in w.scales or words[k].text in w.multipliers):
        value *= w.scales.get(words[k].text) or w.multipliers[words[k].text]
        k += 1
    return round(value), k


def _number_words_at(words: list[_Word], j: int, articles: bool) -> tuple[int, int] | None:
    """Number words composed by the usual rules: "twenty-five", "one hundred and twenty", "a dozen"."""
    w = _words()
    total = current = 0
    last = ""  # the kind of the previous word: unit, tens, hundred, scale
    k = j
    while k < len(words):
        word = words[k].text
        nxt = words[k + 1].text if k + 1 < len(words) else ""
        if word in w.articles and not last:
            if nxt in w.scales or nxt in w.multipliers:
                current, last = 1, "unit"
            elif articles:
                return 1, k + 1
            else:
                return None
        elif word in w.units and last in ("", "tens", "hundred", "scale"):
            current += w.units[word]
            last = "unit"
        elif word in w.tens and last in ("", "hundred", "scale"):
            current += w.tens[word]
            last = "tens"
        elif word == "hundred" and last in ("unit", "tens") and current % 100:
            current *= 100
            last = "hundred"
        elif word in w.multipliers and last in ("unit", "tens"):
            current *= w.multipliers[word]
            last = "scale"
        elif word in w.scales and last in ("unit", "tens", "hundred"):
            total += current * w.scales[word]
            current = 0
            last = "scale"
        elif word == "-" and last == "tens" and nxt in w.units:
            pass  # "twenty-five"
        elif word == "and" and last in ("hundred", "scale") and (nxt in w.units or nxt in w.tens):
            pass  # "one hundred and twenty"
        else:
            break
        k += 1
    if not last:
        return None
    # A trailing "and" or "-" is not part of the number.
    while k > j and words[k - 1].text in ("-", "and"):
        k -= 1
    return total + current, k


def _number_at(
    text: str, words: list[_Word], j: int, articles: bool
) -> tuple[int, str | None, int, bool] | None:
    """(value, the vague phrase's qualifier or None, end index, written in digits) of a number at ``j``."""
    if j >= len(words):
        return None
    w = _words()
    first = words[j].text
    if first in w.number_starts:
        for phrase, spec in w.vague.get(first, ()):
            if _match(words, j, phrase):
                return spec.value, spec.qualifier, j + len(phrase), False
        for phrase, _ in w.zero.get(first, ()):
            if _match(words, j, phrase):
                return 0, None, j + len(phrase), False
    if words[j].text[0].isdigit():
        digits = _digits_at(text, words, j)
        return None if digits is None else (digits[0], None, digits[1], True)
    found = _number_words_at(words, j, articles)
    return None if found is None else (found[0], None, found[1], False)


def _count_at(text: str, words: list[_Word], i: int, articles: bool) -> tuple[Count, int] | None:
    """The count that starts at word ``i``, and the index after it."""
    w = _words()
    qualifier: str | None = None
    j = i
    first = words[i].text
    if first not in w.count_starts and not first[0].isdigit():
        return None
    if first in w.qualifiers:
        for phrase, qual in w.qualifiers[first]:
            if _match(words, j, phrase):
                qualifier, j = qual, j + len(phrase)
                break
    between = j < len(words) and words[j].text == "between"
    if between:
        j += 1
    number = _number_at(text, words, j, articles)
    if number is None:
        return None
    value, vague_qualifier, end, digits = number
    high: int | None = None
    suffix: str | None = None
    if end < len(words) and words[end].text in w.suffixes:
        for phrase, qual in w.suffixes[words[end].text]:
            if _match(words, end, phrase):
                suffix, end = qual, end + len(phrase)
                break
    if between:
        if end >= len(words) or words[end].text != "and":
            return None
        second = _number_at(text, words, end + 1, articles=False)
        if second is None or second[0] <= value:
            return None
        high, end = second[0], second[2]
    elif suffix is None and end < len(words) and words[end].text in w.range_words:
        preceding = words[i - 1].text if i > 0 else ""
        second = _number_at(text, words, end + 1, articles=False)
        # "rose from 200 to 224" and "by 12 to 224" are changes, not ranges.
        if (
            second is not None
            and second[0] > value
            and second[3] == digits
            and preceding not in ("from", "by")
        ):
            high, end = second[0], second[2]
    final = qualifier or suffix or vague_qualifier or "exact"
    # "of" closes "hundreds of" but is not part of the figure.
    span = text[words[i].start : words[end - 1].end]
    return Count(value=value, qualifier=final, high=high, text=span), end


def find_counts(text: str, articles: bool = False) -> list[CountMatch]:
    """Every count in ``text``, left to right, with its character offsets.

    ``articles`` lets "a" or "an" alone count as one ("a child was killed"); it is off by
    default because most articles in a text are not counts.
    """
    words = _split(text)
    found: list[CountMatch] = []
    i = 0
    while i < len(words):
        hit = _count_at(text, words, i, articles)
        if hit is None:
            i += 1
            continue
        count, end = hit
        found.append(CountMatch(words[i].start, words[end - 1].end, count))
        i = end
    return found


def parse_count(text: str) -> Count | None:
    """The first count in ``text`` ("at least 224 people" gives at_least 224), or None.

    "a"/"an" alone counts as one here, since the caller hands over words it takes for a count.
    """
    found = find_counts(text, articles=True)
    return found[0].count if found else None
