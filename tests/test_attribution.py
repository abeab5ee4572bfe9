"""Who a sentence says reported it: the source's words and their offsets in the article."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Span

from trucewatch.errors import DataFileError
from trucewatch.events import attribution
from trucewatch.events.attribution import attribution_for, find_attribution
from trucewatch.nlp import load_pipeline


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_pipeline()


def sentence(nlp: Language, text: str) -> Span:
    return next(nlp(text).sents)


@pytest.mark.parametrize(
    ("text", "source"),
    [
        (
            "Israel struck a nuclear site in Iran on Tuesday, the Israeli military said.",
            "the Israeli military",
        ),
        ("Iran's health ministry said 224 people had been killed.", "Iran's health ministry"),
        ("The ministry said in a statement that the strikes hit Tehran.", "The ministry"),
        (
            "According to reports from Iranian state media, Israel struck Tehran overnight.",
            "Iranian state media",
        ),
        ("The death toll rose to 224, according to the Gaza health ministry.", "the Gaza health ministry"),
        ("Hamas fired rockets at Tel Aviv, as reported by the Associated Press.", "the Associated Press"),
        ("Israeli warplanes struck Gaza at dawn, witnesses told Reuters.", "witnesses"),
        ("State media reported that the attack happened on Monday.", "State media"),
        (
            "Between 10 and 15 people were injured, Reuters reported, citing local officials.",
            "local officials",
        ),
        (
            "A child was killed and two women were wounded, Iranian state media reported.",
            "Iranian state media",
        ),
        ('"We struck back," the army said in a statement.', "the army"),
        (
            "The Gaza health ministry, which is run by Hamas, said 12 people were killed.",
            "The Gaza health ministry",
        ),
        (
            "Hossein Kermanpour, a health ministry spokesman, said 224 people had been killed.",
            "Hossein Kermanpour, a health ministry spokesman",
        ),
        ("TEHRAN (Reuters) - Israel struck Iran's nuclear facilities on Friday.", "Reuters"),
        (
            "Palestinian news agency WAFA reported that settlers attacked a village.",
            "Palestinian news agency WAFA",
        ),
        (
            "The attack killed 10, said Mohammed Ali, a spokesman for the civil defence.",
            "Mohammed Ali, a spokesman for the civil defence",
        ),
        ("Israel struck the Fordow site, a senior official told CNN on Sunday.", "a senior official"),
    ],
)
def test_source_words(nlp: Language, text: str, source: str) -> None:
    found = find_attribution(sentence(nlp, text))
    assert found is not None
    assert found.text == source
    assert text[found.start : found.end] == source
    assert found.actor is None


@pytest.mark.parametrize(
    "text",
    [
        "Israel struck Gaza on Monday.",
        "He said the strikes would continue.",
        "Hamas claimed responsibility for the attack.",
        "The man who said he saw the attack was arrested.",
        "Reuters could not independently verify the report.",
        '"We will respond," he told reporters.',
    ],
)
def test_no_source(nlp: Language, text: str) -> None:
    assert find_attribution(sentence(nlp, text)) is None


def test_offsets_are_in_the_article(nlp: Language) -> None:
    prefix = "Headline\n\nFirst paragraph here.\n"
    text = "Two people were killed, the Palestinian Red Crescent said."
    found = find_attribution(sentence(nlp, text), offset=len(prefix))
    assert found is not None
    assert (prefix + text)[found.start : found.end] == "the Palestinian Red Crescent"


def test_a_dateline_agency_gives_way_to_a_named_source(nlp: Language) -> None:
    # The parser makes the dateline a sentence of its own; the span here covers both.
    doc = nlp("GAZA (Reuters) - Twelve people were killed, the health ministry said.")
    found = find_attribution(doc[:])
    assert found is not None and found.text == "the health ministry"


def test_each_event_gets_the_source_that_governs_it(nlp: Language) -> None:
    text = "The army said Hamas fired rockets, while Hamas officials told Reuters that Israel shelled Rafah."
    span = sentence(nlp, text)
    by_word = {t.text: t for t in span}
    fired = attribution_for(span, by_word["fired"])
    shelled = attribution_for(span, by_word["shelled"])
    assert fired is not None and fired.text == "The army"
    assert shelled is not None and shelled.text == "Hamas officials"


def test_an_event_outside_any_report_takes_the_sentence_source(nlp: Language) -> None:
    span = sentence(nlp, "Rockets hit Haifa, police said, after sirens sounded across the north.")
    sounded = next(t for t in span if t.text == "sounded")
    found = attribution_for(span, sounded)
    assert found is not None and found.text == "police"


def test_bad_attribution_file_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nlp: Language
) -> None:
    bad = tmp_path / "attribution.yaml"
    bad.write_text("reporting_verbs: []\n", encoding="utf-8")
    span = sentence(nlp, "The army said it struck Gaza.")
    monkeypatch.setattr(attribution, "ATTRIBUTION_FILE", bad)
    attribution._words.cache_clear()
    try:
        with pytest.raises(DataFileError, match=r"attribution\.yaml"):
            find_attribution(span)
    finally:
        monkeypatch.undo()
        attribution._words.cache_clear()
    assert find_attribution(span) is not None
