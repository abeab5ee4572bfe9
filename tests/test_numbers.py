"""Counts as news writes them: figures, number words, qualifiers, ranges and vague words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from trucewatch.errors import DataFileError
from trucewatch.events import numbers
from trucewatch.events.numbers import find_counts, parse_count

ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
)
ONES += "seventeen eighteen nineteen"
TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def spell(n: int) -> str:
    """English words for 0 <= n < 10**9, written independently of the parser's tables."""
    ones = ONES.split()
    if n < 20:
        return ones[n]
    if n < 100:
        return TENS[n // 10] + (f"-{ones[n % 10]}" if n % 10 else "")
    if n < 1000:
        rest = n % 100
        return f"{ones[n // 100]} hundred" + (f" and {spell(rest)}" if rest else "")
    for size, name in ((10**6, "million"), (1000, "thousand")):
        if n >= size:
            rest = n % size
            return f"{spell(n // size)} {name}" + (f" {spell(rest)}" if rest else "")
    raise AssertionError(n)


@pytest.mark.parametrize(
    ("text", "value", "qualifier", "high"),
    [
        ("224", 224, "exact", None),
        ("1,200", 1200, "exact", None),
        ("two", 2, "exact", None),
        ("twenty-five", 25, "exact", None),
        ("Twenty five", 25, "exact", None),
        ("one hundred and twenty", 120, "exact", None),
        ("a dozen", 12, "exact", None),
        ("two dozen", 24, "exact", None),
        ("1.5 million", 1_500_000, "exact", None),
        ("2.3m", 2_300_000, "exact", None),
        ("a", 1, "exact", None),
        ("one", 1, "exact", None),
        ("at least 224", 224, "at_least", None),
        ("no fewer than 40", 40, "at_least", None),
        ("more than 50", 50, "more_than", None),
        ("over 100", 100, "more_than", None),
        ("nearly 30", 30, "about", None),
        ("almost 30", 30, "about", None),
        ("around 30", 30, "about", None),
        ("approximately 30", 30, "about", None),
        ("some 300,000", 300_000, "about", None),
        ("roughly 80", 80, "about", None),
        ("an estimated 1,000", 1000, "about", None),
        ("up to 15", 15, "up_to", None),
        ("as many as 15", 15, "up_to", None),
        ("fewer than 10", 10, "fewer_than", None),
        ("less than 10", 10, "fewer_than", None),
        ("between 10 and 15", 10, "exact", 15),
        ("10 to 15", 10, "exact", 15),
        ("10-15", 10, "exact", 15),
        ("two or three", 2, "exact", 3),
        ("50 or more", 50, "at_least", None),
        ("dozens", 24, "at_least", None),
        ("scores", 40, "at_least", None),
        ("hundreds of", 200, "at_least", None),
        ("thousands", 2000, "at_least", None),
        ("tens of thousands", 20_000, "at_least", None),
        ("hundreds of thousands", 200_000, "at_least", None),
        ("several", 3, "at_least", None),
        ("a few", 3, "about", None),
        ("more than a dozen", 12, "more_than", None),
        ("nearly two dozen", 24, "about", None),
        ("No fatalities", 0, "exact", None),
        ("no one", 0, "exact", None),
        ("nobody", 0, "exact", None),
    ],
)
def test_news_counts(text: str, value: int, qualifier: str, high: int | None) -> None:
    count = parse_count(text)
    assert count is not None
    assert (count.value, count.qualifier, count.high) == (value, qualifier, high)


def test_count_text_keeps_the_words_of_the_figure_only() -> None:
    count = parse_count("at least 224 people were killed")
    assert count is not None and count.text == "at least 224"
    vague = parse_count("hundreds of Palestinians")
    assert vague is not None and vague.text == "hundreds"


@pytest.mark.parametrize(
    "text", ["", "the ministry said", "F-16 jets", "$50", "at 11:15", "10%", "some people"]
)
def test_no_count(text: str) -> None:
    assert parse_count(text) is None


def test_a_change_is_not_a_range() -> None:
    found = find_counts("The toll rose from 200 to 224, and by 12 to 236.")
    assert [(m.count.value, m.count.high) for m in found] == [
        (200, None),
        (224, None),
        (12, None),
        (236, None),
    ]


def test_find_counts_gives_offsets_and_skips_lone_articles() -> None:
    text = "At least 224 people were killed and 1,277 injured; a child died and dozens fled."
    found = find_counts(text)
    assert [text[m.start : m.end] for m in found] == ["At least 224", "1,277", "dozens"]
    assert [m.count.value for m in find_counts(text, articles=True)] == [224, 1277, 1, 24]


QUALIFIER_PHRASES = [
    ("", "exact"),
    ("at least", "at_least"),
    ("more than", "more_than"),
    ("over", "more_than"),
    ("nearly", "about"),
    ("almost", "about"),
    ("around", "about"),
    ("approximately", "about"),
    ("some", "about"),
    ("roughly", "about"),
    ("an estimated", "about"),
    ("up to", "up_to"),
    ("fewer than", "fewer_than"),
    ("less than", "fewer_than"),
]


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(QUALIFIER_PHRASES))
def test_any_figure_with_any_qualifier(n: int, phrase: tuple[str, str]) -> None:
    words, qualifier = phrase
    for written in (f"{n:,}", str(n)):
        count = parse_count(f"{words} {written} people".strip())
        assert count is not None
        assert (count.value, count.qualifier) == (n, qualifier)


@given(st.integers(min_value=0, max_value=999_999_999))
def test_number_words_read_as_written(n: int) -> None:
    count = parse_count(spell(n))
    assert count is not None and count.value == n and count.qualifier == "exact"


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_between_gives_a_range(low: int, width: int) -> None:
    count = parse_count(f"between {low:,} and {low + width:,}")
    assert count is not None
    assert (count.value, count.high) == (low, low + width)


def test_bad_number_words_file_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "numbers.yaml"
    bad.write_text("units: {one: many}\n", encoding="utf-8")
    monkeypatch.setattr(numbers, "NUMBERS_FILE", bad)
    numbers._words.cache_clear()
    try:
        with pytest.raises(DataFileError, match=r"numbers\.yaml"):
            parse_count("two")
    finally:
        monkeypatch.undo()
        numbers._words.cache_clear()
    assert parse_count("two") is not None


@pytest.mark.parametrize("name", ["numbers.yaml", "time.yaml", "casualties.yaml", "attribution.yaml"])
def test_attribute_data_files_are_documented(name: str) -> None:
    text = (Path(numbers.__file__).parent / name).read_text(encoding="utf-8")
    assert text.startswith("#"), f"{name} must open with a comment documenting it"
    assert isinstance(yaml.safe_load(text), dict)


def test_count_words_are_the_words_of_numbers_not_of_qualifiers() -> None:
    words = numbers.count_words()
    assert {"twenty", "hundred", "dozen", "dozens", "nobody"} <= words
    assert not {"least", "than", "people"} & words
