"""Casualty figures: what each number counts, whose it is, over what period, and who reported it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from trucewatch.errors import DataFileError
from trucewatch.events import casualties
from trucewatch.events.casualties import find_casualties
from trucewatch.model import Casualties, Count
from trucewatch.nlp import load_pipeline


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_pipeline()


def figures(
    nlp: Language, text: str, prefix: str = "", places: dict[str, str] | None = None
) -> list[Casualties]:
    """Casualties of the first sentence of ``text``, as if ``text`` followed ``prefix`` in an article."""
    article = prefix + text
    table = places or {}

    def country_at(start: int, end: int) -> str | None:
        return table.get(article[start:end])

    sentence = next(nlp(text).sents)
    return find_casualties(sentence, len(prefix), country_at)


def value(count: Count | None) -> tuple[int, str] | None:
    return None if count is None else (count.value, count.qualifier)


@pytest.mark.parametrize(
    ("text", "killed", "injured", "displaced"),
    [
        ("At least 224 people have been killed in Iran.", (224, "at_least"), None, None),
        ("The strikes killed 12 Palestinians on Tuesday.", (12, "exact"), None, None),
        ("More than 50 soldiers died in the fighting.", (50, "more_than"), None, None),
        ("The explosion left 12 dead.", (12, "exact"), None, None),
        ("The crash caused 1 fatality.", (1, "exact"), None, None),
        ("No fatalities were reported.", (0, "exact"), None, None),
        ("No one was killed in the attack.", (0, "exact"), None, None),
        ("The death toll rose to 224.", (224, "exact"), None, None),
        ("Gaza's health ministry put the death toll at 50,000.", (50000, "exact"), None, None),
        ("The number of people killed reached 300.", (300, "exact"), None, None),
        ("The strikes caused the loss of at least 224 lives.", (224, "at_least"), None, None),
        ("The bodies of 30 people were recovered from the rubble.", (30, "exact"), None, None),
        ("Scores of people were killed.", (40, "at_least"), None, None),
        ("A child was killed in the strike.", (1, "exact"), None, None),
        ("Nobody was hurt.", None, (0, "exact"), None),
        ("Dozens of people were wounded.", None, (24, "at_least"), None),
        ("Nearly 30 people were injured in the blast.", None, (30, "about"), None),
        ("Some 300,000 people have been displaced since October.", None, None, (300000, "about")),
        ("Hundreds of thousands of people have fled their homes.", None, None, (200000, "at_least")),
        ("About 1,000 families were forced from their homes.", None, None, (1000, "about")),
    ],
)
def test_one_figure(
    nlp: Language,
    text: str,
    killed: tuple[int, str] | None,
    injured: tuple[int, str] | None,
    displaced: tuple[int, str] | None,
) -> None:
    (found,) = figures(nlp, text)
    assert (value(found.killed), value(found.injured), value(found.displaced)) == (killed, injured, displaced)


@pytest.mark.parametrize(
    "text",
    [
        "Israel launched 200 missiles at 12 sites.",
        "Rescue teams saved 30 lives.",
        "There were no immediate reports of casualties.",
        "Five soldiers were not hurt.",
        "The 12-day war ended in June.",
    ],
)
def test_no_figure(nlp: Language, text: str) -> None:
    assert figures(nlp, text) == []


def test_killed_and_wounded_in_one_clause_make_one_record(nlp: Language) -> None:
    (record,) = figures(nlp, "The attack hit a market, killing 5 and wounding 12.")
    assert (value(record.killed), value(record.injured)) == ((5, "exact"), (12, "exact"))
    assert record.text == "killing 5 and wounding 12"
    (left,) = figures(nlp, "The explosion left 12 dead and dozens wounded.")
    assert (value(left.killed), value(left.injured)) == ((12, "exact"), (24, "at_least"))


def test_separate_figures_stay_separate(nlp: Language) -> None:
    found = figures(
        nlp, "Israeli strikes killed 12 Palestinians on Tuesday, killing 5 and wounding 12 others."
    )
    assert [(value(f.killed), value(f.injured)) for f in found] == [
        ((12, "exact"), None),
        ((5, "exact"), (12, "exact")),
    ]
    soldiers = figures(nlp, "Five soldiers and three civilians were killed.")
    assert [(f.killed.value if f.killed else None, f.victims) for f in soldiers] == [
        (5, "soldiers"),
        (3, "civilians"),
    ]


def test_part_of_a_figure_is_not_counted_again(nlp: Language) -> None:
    (record,) = figures(
        nlp, "An Israeli strike killed 15 people, including five children, the ministry said."
    )
    assert value(record.killed) == (15, "exact") and record.victims == "people"


def test_range(nlp: Language) -> None:
    (record,) = figures(nlp, "Between 10 and 15 people were injured.")
    assert record.injured == Count(10, "exact", 15, "Between 10 and 15")


def test_casualties_are_counted_as_injured_and_none_means_none_of_either(nlp: Language) -> None:
    (some,) = figures(nlp, "The shelling caused 224 casualties.")
    assert some.killed is None and value(some.injured) == (224, "exact")
    (none,) = figures(nlp, "There were no casualties.")
    assert value(none.killed) == (0, "exact") and value(none.injured) == (0, "exact")


def test_offsets_point_into_the_article(nlp: Language) -> None:
    prefix = "GAZA CITY (Reuters)\n\nThe ceasefire broke down.\n"
    text = "At least 224 people have been killed and 1,277 injured in Iran, the health ministry said."
    (record,) = figures(nlp, text, prefix=prefix)
    article = prefix + text
    assert article[record.start : record.end] == record.text
    assert record.text == "At least 224 people have been killed and 1,277 injured"
    assert record.killed is not None and record.killed.text == "At least 224"


def test_victims_their_country_period_and_source(nlp: Language) -> None:
    places = {"Iran": "IRN", "Palestinians": "PSE", "Hezbollah": "LBN"}
    text = "At least 224 people have been killed in Iran over six days, the health ministry said."
    (record,) = figures(nlp, text, places=places)
    assert record.victims == "people"
    assert record.victims_country == "IRN"
    assert record.period_days == 6
    assert record.reported_by == "the health ministry"
    (gaza,) = figures(
        nlp, "More than 2,000 Palestinians have died, according to the Gaza health ministry.", places=places
    )
    assert (gaza.victims, gaza.victims_country, gaza.reported_by) == (
        "Palestinians",
        "PSE",
        "the Gaza health ministry",
    )
    (fighters,) = figures(nlp, "Israel said it has killed 20 Hezbollah fighters in a week.", places=places)
    assert (fighters.victims, fighters.victims_country, fighters.period_days) == (
        "Hezbollah fighters",
        "LBN",
        7,
    )
    (day,) = figures(nlp, "More than 50 soldiers died in the past 24 hours.")
    assert day.period_days == 1 and day.victims_country is None


def test_a_period_of_another_clause_is_not_the_figure_s(nlp: Language) -> None:
    found = figures(
        nlp, "Twelve people were killed in the past 24 hours, bringing the total number of deaths to 224."
    )
    assert [(f.killed.value if f.killed else None, f.period_days) for f in found] == [(12, 1), (224, None)]


def test_the_cited_source_wins_over_the_outlet(nlp: Language) -> None:
    (record,) = figures(nlp, "Two people were killed, Reuters reported, citing local officials.")
    assert record.reported_by == "local officials"


# --- properties ---------------------------------------------------------------------------------

TEMPLATES = [
    "{n} people were killed in the strike.",
    "The strike hit a crowded market, killing {n}.",
    "The attack caused {n} fatalities, officials said.",
    "Officials said {n} civilians had been killed.",
]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=2, max_value=10**7), st.sampled_from(TEMPLATES), st.booleans())
def test_generated_death_tolls(n: int, template: str, commas: bool) -> None:
    text = template.format(n=f"{n:,}" if commas else str(n))
    found = figures(load_pipeline(), text)
    assert len(found) == 1
    assert found[0].killed is not None and found[0].killed.value == n
    assert found[0].injured is None


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=2, max_value=10**5), st.integers(min_value=2, max_value=10**5))
def test_generated_killed_and_wounded(killed: int, wounded: int) -> None:
    text = f"The shelling hit the town, killing {killed:,} and wounding {wounded:,}."
    (record,) = figures(load_pipeline(), text)
    assert (value(record.killed), value(record.injured)) == ((killed, "exact"), (wounded, "exact"))


def test_bad_casualty_words_file_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nlp: Language
) -> None:
    text = Path(casualties.__file__).with_name("casualties.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "casualties.yaml"
    bad.write_text(text.replace("casualties: injured", "casualties: maybe"), encoding="utf-8")
    monkeypatch.setattr(casualties, "CASUALTIES_FILE", bad)
    casualties._lexicon.cache_clear()
    try:
        with pytest.raises(DataFileError, match=r"casualties\.yaml: ambiguous\.casualties"):
            figures(nlp, "Two people were killed.")
    finally:
        monkeypatch.undo()
        casualties._lexicon.cache_clear()
    assert figures(nlp, "Two people were killed.")
