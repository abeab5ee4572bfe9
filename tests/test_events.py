"""Event extraction on sentences written for the tests: who did what to whom, and how we know."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from trucewatch.config import Settings
from trucewatch.ingest import article_from_text
from trucewatch.ingest.metadata import Metadata
from trucewatch.ingest.sources import ReadOptions
from trucewatch.model import Event, ParsedArticle, Rejection
from trucewatch.pipeline import Pipeline

PUBLISHED = dt.datetime(2025, 6, 25, 9, 0)  # a Wednesday


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(Settings())


def parse(pipeline: Pipeline, text: str, published: dt.datetime | None = PUBLISHED) -> ParsedArticle:
    article = article_from_text(text, options=ReadOptions(Metadata(published=published)))
    [parsed] = pipeline.run([article])
    assert not isinstance(parsed, Rejection)
    return parsed


def countries(mentions: Sequence[object]) -> set[str | None]:
    return {m.actor.country for m in mentions}  # type: ignore[attr-defined]


def only(events: Sequence[Event], category: str, **expected: object) -> Event:
    hits = [e for e in events if e.category == category]
    assert hits, f"no {category} event in {[(e.category, e.trigger) for e in events]}"
    for key, value in expected.items():
        hits = [e for e in hits if getattr(e, key) == value]
    assert hits, f"no {category} event with {expected}"
    return hits[0]


def test_active_voice_with_mode_place_and_casualties(pipeline: Pipeline) -> None:
    parsed = parse(
        pipeline,
        "Israeli warplanes struck Tehran on Tuesday, killing at least 20 people, "
        "according to the Associated Press.",
    )
    event = only(parsed.events, "ASSAULT")
    assert countries(event.actors) == {"ISR"} and countries(event.targets) == {"IRN"}
    assert event.mode == "aerial"
    assert event.location is not None and event.location.name == "Tehran" and event.location.country == "IRN"
    assert event.date.date == dt.date(2025, 6, 24) and not event.date.from_article
    assert event.casualties is not None and event.casualties.killed is not None
    assert (event.casualties.killed.value, event.casualties.killed.qualifier) == (20, "at_least")
    assert event.attributed_to is not None and "Associated Press" in event.attributed_to.text
    assert event.status == "asserted"
    assert event.quad == 4 and event.score < -8
    assert 0 < event.confidence <= 1


def test_passive_voice_puts_the_agent_first(pipeline: Pipeline) -> None:
    event = only(parse(pipeline, "Tehran was struck by Israeli jets overnight.").events, "ASSAULT")
    assert countries(event.actors) == {"ISR"} and countries(event.targets) == {"IRN"}


def test_nominal_events(pipeline: Pipeline) -> None:
    parsed = parse(
        pipeline,
        "The Israeli strikes on Gaza drew condemnation. Iran's missile attack on a U.S. base in Qatar "
        "caused no casualties.",
    )
    gaza = only(parsed.events, "ASSAULT", sentence=0)
    assert countries(gaza.actors) == {"ISR"} and countries(gaza.targets) == {"PSE"}
    base = only(parsed.events, "ASSAULT", sentence=1)
    assert countries(base.actors) == {"IRN"} and countries(base.targets) == {"USA"}
    assert base.location is not None and base.location.country == "QAT"


def test_coordinated_sources(pipeline: Pipeline) -> None:
    event = only(
        parse(pipeline, "Saudi Arabia, Egypt and Malaysia urged Israel and Iran to show restraint.").events,
        "REQUEST",
    )
    assert countries(event.actors) == {"SAU", "EGY", "MYS"}
    assert countries(event.targets) >= {"ISR"}


def test_accusation_alleges_and_denial_denies(pipeline: Pipeline) -> None:
    parsed = parse(
        pipeline,
        "Israeli Defence Minister Israel Katz accused Tehran of launching missiles at Israel. "
        "Iranian President Masoud Pezeshkian denied the accusation.",
    )
    accuse = only(parsed.events, "ACCUSE")
    assert countries(accuse.actors) == {"ISR"} and countries(accuse.targets) == {"IRN"}
    alleged = [e for e in parsed.events if e.status == "alleged"]
    assert alleged and alleged[0].category == "ASSAULT" and countries(alleged[0].actors) == {"IRN"}
    assert ("alleges", alleged[0].id) in accuse.links
    denial = only(parsed.events, "REJECT", mode="deny")
    assert countries(denial.actors) == {"IRN"}
    assert ("denies", accuse.id) in denial.links
    assert countries(denial.targets) == {"ISR"}


def test_denied_event_is_its_own_record(pipeline: Pipeline) -> None:
    parsed = parse(pipeline, "Hezbollah denied firing rockets at Israel on Monday.")
    fired = only(parsed.events, "ASSAULT")
    assert fired.status == "denied" and countries(fired.actors) == {"LBN"}
    denial = only(parsed.events, "REJECT")
    assert ("denies", fired.id) in denial.links


@pytest.mark.parametrize(
    ("text", "category", "mode"),
    [
        ("Israel and Hamas agreed to a ceasefire in Gaza on Wednesday.", "CONCEDE", "ceasefire"),
        ("Egypt called for a ceasefire between Israel and Hamas.", "REQUEST", "yield"),
        ("Hamas rejected the Israeli truce proposal on Monday.", "REJECT", "yield"),
    ],
)
def test_ceasefire_events_follow_plover(pipeline: Pipeline, text: str, category: str, mode: str) -> None:
    event = only(parse(pipeline, text).events, category)
    assert event.mode == mode
    assert "ceasefire" in event.context


def test_ceasefire_taking_effect_and_violation(pipeline: Pipeline) -> None:
    parsed = parse(
        pipeline,
        "The ceasefire between Israel and Hezbollah took effect on Wednesday morning. "
        "Hours later Israel accused Hezbollah of firing rockets at its troops in violation of the truce.",
    )
    effect = only(parsed.events, "RETREAT", mode="ceasefire")
    assert countries(effect.actors) == {"ISR", "LBN"}
    violations = [e for e in parsed.events if any(k == "violates" for k, _ in e.links)]
    assert violations and violations[0].category == "ASSAULT"
    assert ("violates", effect.id) in violations[0].links


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Israel did not strike Iran on Tuesday.", "negated"),
        ("An Israeli attack on Iran would be a disaster, the minister said.", "hypothetical"),
        ("Trump will meet Putin in Alaska next week.", "future"),
        ("Iran accused Israel of attacking its embassy.", "alleged"),
        ("He dismissed allegations that the army had shelled the village.", "alleged"),
    ],
)
def test_modality(pipeline: Pipeline, text: str, status: str) -> None:
    statuses = {e.status for e in parse(pipeline, text).events}
    assert status in statuses


def test_sides_that_accuse_each_other_are_sources_and_targets(pipeline: Pipeline) -> None:
    parsed = parse(pipeline, "Russia and Ukraine accused one another of shelling the plant.")
    accusation = only(parsed.events, "ACCUSE")
    assert countries(accusation.actors) == countries(accusation.targets) == {"RUS", "UKR"}
    assert all(m.actor.country for e in parsed.events for m in e.actors)  # no actor called "one"


def test_relative_clause_of_a_report_noun_is_not_alleged(pipeline: Pipeline) -> None:
    parsed = parse(pipeline, "The reports that reached Geneva said Russian forces shelled Kharkiv on Monday.")
    assert only(parsed.events, "ASSAULT").status == "asserted"


def test_pronoun_takes_the_last_person_named(pipeline: Pipeline) -> None:
    parsed = parse(
        pipeline,
        "Iranian President Masoud Pezeshkian spoke to reporters in Tehran. "
        "He appealed to Malaysian Prime Minister Anwar Ibrahim for support.",
    )
    event = next(e for e in parsed.events if e.sentence == 1)
    assert countries(event.actors) == {"IRN"} and countries(event.targets) == {"MYS"}


def test_provenance_points_into_the_article(pipeline: Pipeline) -> None:
    parsed = parse(pipeline, "Russian forces shelled Kharkiv on Monday. Ukraine condemned the attack.")
    text = parsed.article.text
    for event in parsed.events:
        sentence = next(s for s in parsed.sentences if s.index == event.sentence)
        assert text[sentence.start : sentence.end] == event.sentence_text
        assert sentence.start <= event.start < event.end <= sentence.end
        assert text[event.start : event.end] == event.trigger


def test_same_article_same_event_ids(pipeline: Pipeline) -> None:
    text = "Hamas fighters attacked Israeli troops near Rafah on Sunday."
    first = [e.id for e in parse(pipeline, text).events]
    assert first and first == [e.id for e in parse(pipeline, text).events]


def test_text_without_events_gives_none(pipeline: Pipeline) -> None:
    parsed = parse(
        pipeline, "The weather in Beirut was mild and the markets were busy with shoppers all week."
    )
    assert parsed.events == ()


def test_undated_article_says_the_date_is_unknown(pipeline: Pipeline) -> None:
    event = only(parse(pipeline, "Russian drones struck Odesa.", published=None).events, "ASSAULT")
    assert event.date.date is None and event.date.from_article
