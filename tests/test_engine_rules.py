"""The engine's general rules of English news language, on sentences written for these tests:
which words make a trigger, which words fill its slots, and what is left out."""

from __future__ import annotations

import datetime as dt

import pytest

from trucewatch.config import Settings
from trucewatch.ingest import article_from_text
from trucewatch.ingest.metadata import Metadata
from trucewatch.ingest.sources import ReadOptions
from trucewatch.model import Event, Rejection
from trucewatch.pipeline import Pipeline

PUBLISHED = dt.datetime(2024, 5, 8, 9, 0)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(Settings())


def events(pipeline: Pipeline, text: str) -> tuple[Event, ...]:
    article = article_from_text(text, options=ReadOptions(Metadata(published=PUBLISHED)))
    [parsed] = pipeline.run([article])
    assert not isinstance(parsed, Rejection)
    return parsed.events


def categories(pipeline: Pipeline, text: str) -> list[str]:
    return [e.category for e in events(pipeline, text)]


def sectors(mentions: object) -> set[str | None]:
    return {m.actor.sector for m in mentions}  # type: ignore[attr-defined]


# 1. phrases: the other words of a verb phrase are its own children, never in another clause


def test_a_preposition_inside_the_object_does_not_complete_the_verb(pipeline: Pipeline) -> None:
    assert "REQUEST" not in categories(pipeline, "The minister called the raid on the convoy a disgrace.")


def test_an_infinitive_marker_is_not_a_particle(pipeline: Pipeline) -> None:
    found = events(
        pipeline, "Members of the teachers' union marched through the city to protest the new law."
    )
    assert "ACCUSE" not in [e.category for e in found]
    assert "PROTEST" in [e.category for e in found]


# 2. not_subject, not_complement


@pytest.mark.parametrize(
    "text",
    [
        "A powerful earthquake struck the coastal province on Sunday.",
        "Shares rallied in early trading on Monday.",
        "The ministry declined to comment on the report.",
    ],
)
def test_readings_ruled_out_by_subject_or_complement(pipeline: Pipeline, text: str) -> None:
    assert events(pipeline, text) == ()


# 3, 4. modifiers are not events


@pytest.mark.parametrize(
    "text",
    [
        "Riot police guarded the parliament building.",
        "The former general died of a heart attack last week.",
        "Settlers expanded a farm in the occupied valley.",
    ],
)
def test_modifiers_are_not_events(pipeline: Pipeline, text: str) -> None:
    assert "PROTEST" not in categories(pipeline, text)
    assert "ASSAULT" not in categories(pipeline, text)
    assert "COERCE" not in categories(pipeline, text)


def test_an_event_noun_framed_by_a_campaign_is_one(pipeline: Pipeline) -> None:
    assert "ASSAULT" in categories(pipeline, "The air force widened its bombing campaign in the north.")


def test_a_backer_is_not_the_participant_nor_the_place(pipeline: Pipeline) -> None:
    [attack] = [e for e in events(pipeline, "Iran-backed militias attacked a convoy near the border.")]
    assert {m.actor.country for m in attack.actors} == {None}
    assert attack.location is None or attack.location.country != "IRN"


# 5. a light verb and its event noun are one event


def test_a_light_verb_read_through_its_object_is_the_only_event(pipeline: Pipeline) -> None:
    found = events(pipeline, "Dock workers held a general strike in the port city.")
    assert [(e.category, e.mode) for e in found] == [("PROTEST", "strike")]


def test_a_light_verb_without_a_reading_of_its_own_carries_the_noun(pipeline: Pipeline) -> None:
    found = events(pipeline, "The navy carried out airstrikes on the island.")
    assert [e.category for e in found] == ["ASSAULT"]
    assert sectors(found[0].actors) == {"MIL"}


def test_a_hyphenated_event_noun(pipeline: Pipeline) -> None:
    found = events(pipeline, "Teachers staged a sit-in outside the education ministry.")
    assert [e.category for e in found] == ["PROTEST"]


# 6. modes of requests, refusals and threats come from what is asked for


def test_the_mode_of_a_request_is_its_content(pipeline: Pipeline) -> None:
    found = events(pipeline, "The mayor urged neighbouring states to send food and medicine.")
    request = next(e for e in found if e.category == "REQUEST")
    assert request.mode == "assist"


def test_the_mode_of_an_attack_can_come_from_the_means_it_names(pipeline: Pipeline) -> None:
    found = events(pipeline, "Observers counted forty bursts of fire involving small arms near Bakhmut.")
    assert any(e.category == "ASSAULT" and e.mode == "firearms" for e in found)


# 7. quantity nouns, subjects, modifiers that name no one


def test_objects_and_participants_are_read_through_quantity_nouns(pipeline: Pipeline) -> None:
    [rockets] = events(pipeline, "Militants fired dozens of rockets at the army base.")
    assert rockets.mode == "heavy-weapons"
    [arrest] = events(pipeline, "Police arrested dozens of students in the capital.")
    assert sectors(arrest.targets) == {"EDU"}


def test_adjectives_and_event_words_are_not_participants(pipeline: Pipeline) -> None:
    found = events(pipeline, "Large-scale strikes hit the harbour overnight.")
    assert all(not e.actors for e in found)
    assert events(pipeline, "The truce agreement came into force at midnight.") == ()


def test_a_country_that_only_names_a_currency_is_no_participant(pipeline: Pipeline) -> None:
    found = events(pipeline, "Shopkeepers protested against the soaring US dollar exchange rate.")
    protest = next(e for e in found if e.category == "PROTEST")
    assert "USA" not in {m.actor.country for m in (*protest.actors, *protest.targets)}


# arguments


def test_defenders_are_the_target_of_the_attack_they_repel(pipeline: Pipeline) -> None:
    [attack] = events(pipeline, "Soldiers repelled an attack by militants on their post near the border.")
    assert sectors(attack.actors) == {"REB"} and sectors(attack.targets) == {"MIL"}


def test_one_agent_serves_coordinated_passives(pipeline: Pipeline) -> None:
    [shooting] = events(pipeline, "Two soldiers were shot and killed by rebels near the border.")
    assert sectors(shooting.actors) == {"REB"} and sectors(shooting.targets) == {"MIL"}


def test_a_possessive_pronoun_refers_to_the_subject_of_its_clause(pipeline: Pipeline) -> None:
    [attack] = events(pipeline, "The Kenyan army repelled an ambush on its convoy.")
    assert {m.actor.country for m in attack.targets} == {"KEN"}


def test_a_body_found_is_a_killing(pipeline: Pipeline) -> None:
    [killing] = events(pipeline, "A journalist was found dead near the river on Tuesday.")
    assert killing.category == "ASSAULT" and sectors(killing.targets) == {"JRN"}


def test_what_police_disperse_happened(pipeline: Pipeline) -> None:
    found = categories(pipeline, "Police dispersed a demonstration of nurses outside the hospital.")
    assert "COERCE" in found and "PROTEST" in found


def test_what_is_called_for_has_not_happened(pipeline: Pipeline) -> None:
    assert categories(pipeline, "The bishops called for a ceasefire.") == ["REQUEST"]


def test_a_material_event_takes_the_place_of_the_sentence_before(pipeline: Pipeline) -> None:
    found = events(pipeline, "Fighting broke out in Kharkiv on Monday. Gunmen later attacked a convoy.")
    attack = next(e for e in found if e.sentence == 1)
    assert attack.location is not None and attack.location.country == "UKR"


def test_a_statement_does_not_take_a_place_from_elsewhere(pipeline: Pipeline) -> None:
    found = events(pipeline, "Shelling hit Kharkiv on Monday. The Polish government condemned the attack.")
    condemnation = next(e for e in found if e.category == "ACCUSE")
    assert condemnation.location is None


def test_a_response_answers_the_last_attack_on_its_source(pipeline: Pipeline) -> None:
    found = events(
        pipeline,
        "Colombian troops shelled Venezuelan army posts on Monday. Caracas responded with artillery fire.",
    )
    response = next(e for e in found if e.sentence == 1)
    assert {m.actor.country for m in response.actors} == {"VEN"}
    assert {m.actor.country for m in response.targets} == {"COL"}


def test_who_did_it_is_told_in_a_clause_about_the_event(pipeline: Pipeline) -> None:
    found = events(
        pipeline, "The raid on the border post, in which Kenyan troops crossed the river, drew protests."
    )
    raid = next(e for e in found if e.category == "ASSAULT")
    assert {m.actor.country for m in raid.actors} == {"KEN"}


def test_the_party_met_or_fought_with_is_the_recipient(pipeline: Pipeline) -> None:
    [clash] = events(pipeline, "Sudanese troops clashed with Chadian soldiers near the border.")
    assert {m.actor.country for m in clash.actors} == {"SDN"}
    assert {m.actor.country for m in clash.targets} == {"TCD"}


def test_coordinated_participants_keep_the_order_of_the_text(pipeline: Pipeline) -> None:
    [fire] = events(pipeline, "Troops of Peru and Ecuador exchanged fire across the river.")
    assert [m.actor.country for m in fire.actors][:2] == ["PER", "ECU"]


def test_the_means_of_one_event_is_shared_with_the_killing_it_caused(pipeline: Pipeline) -> None:
    found = events(pipeline, "Two farmers were killed when a landmine exploded near their field in Helmand.")
    assert {e.mode for e in found if e.category == "ASSAULT"} == {"explosives"}
