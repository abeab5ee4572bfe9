"""PLOVER events mapped to ACLED's coding: each rule of acled.yaml, the actors, the most salient event."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from pydantic import ValidationError

from trucewatch.events.acled import (
    ACLED_COLUMNS,
    ACLED_FILE,
    AcledSpec,
    acled_row,
    acled_spec,
    country_code,
    country_name,
    most_salient,
)
from trucewatch.model import Actor, Event, TextCountries

from .builders import event, group, organisation, place, state

GAZA = place("Gaza City", "PSE", 31.5, 34.47)
MONTERREY = place("Monterrey", "MEX", 25.67, -100.31)
BEIRUT = place("Beirut", "LBN", 33.89, 35.5)


def types(e: Event, others: list[Event] | None = None) -> tuple[str, str]:
    row = acled_row(e, others or [e], "t1")
    return row.event_type, row.sub_event_type


def test_the_data_file_is_documented_and_valid() -> None:
    text = ACLED_FILE.read_text(encoding="utf-8")
    assert text.startswith("#")
    spec = acled_spec()
    assert spec.rules[-1].when.empty
    assert all(r.sub_event_type in spec.types[r.event_type] for r in spec.rules)


def test_a_rule_with_an_unknown_type_or_no_catch_all_is_refused() -> None:
    raw = yaml.safe_load(ACLED_FILE.read_text(encoding="utf-8"))
    bad_type = {**raw, "rules": [{**raw["rules"][0], "sub_event_type": "Drive-by"}, *raw["rules"][1:]]}
    with pytest.raises(ValidationError, match="not an ACLED type"):
        AcledSpec.model_validate(bad_type)
    with pytest.raises(ValidationError, match="catch-all"):
        AcledSpec.model_validate({**raw, "rules": raw["rules"][:-1]})


@pytest.mark.parametrize(
    ("mode", "text", "expected"),
    [
        ("aerial", "Jets bombed the depot.", ("Explosions/Remote violence", "Air/drone strike")),
        ("drone", "A drone hit the depot.", ("Explosions/Remote violence", "Air/drone strike")),
        (
            "heavy-weapons",
            "Artillery pounded the hills.",
            ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
        ),
        (
            "explosives",
            "A roadside bomb went off.",
            ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
        ),
        ("explosives", "Someone threw a grenade at the shop.", ("Explosions/Remote violence", "Grenade")),
        ("suicide-attack", "A bomber blew himself up.", ("Explosions/Remote violence", "Suicide bomb")),
        (
            "abduct",
            "Gunmen seized two teachers.",
            ("Violence against civilians", "Abduction/forced disappearance"),
        ),
        ("sexual", "Soldiers assaulted women.", ("Violence against civilians", "Sexual violence")),
    ],
)
def test_assaults_by_weapon_and_kind(mode: str, text: str, expected: tuple[str, str]) -> None:
    e = event(
        "ASSAULT", mode, source=[state("ISR", "MIL")], target=[group("CVL", "PSE")], where=GAZA, text=text
    )
    assert types(e) == expected


def test_armed_against_armed_is_an_armed_clash_with_state_and_rebel_codes() -> None:
    army = state("NGA", "MIL", "Nigerian army")
    rebels = organisation("Lake Front", "NGA", "REB")
    e = event("ASSAULT", "firearms", source=[army], target=[rebels], where=place("Maiduguri", "NGA"))
    row = acled_row(e, [e], "t1")
    assert (row.event_type, row.sub_event_type) == ("Battles", "Armed clash")
    assert (row.actor1, row.inter1) == ("Military Forces of Nigeria", 1)
    assert (row.actor2, row.inter2) == ("Lake Front", 2)
    assert row.country == "Nigeria" and row.iso3 == "NGA"


def test_a_clash_word_makes_a_battle_even_without_a_target() -> None:
    e = event("ASSAULT", source=[group("REB", "SYR")], trigger="clashed", where=place("Idlib", "SYR"))
    assert types(e) == ("Battles", "Armed clash")


def test_gunfire_on_soldiers_by_unknown_men_is_a_battle() -> None:
    e = event("ASSAULT", "firearms", source=[group("UAF")], target=[state("MEX", "MIL")], where=MONTERREY)
    assert types(e) == ("Battles", "Armed clash")


def test_an_attack_on_civilians_names_local_unidentified_attackers() -> None:
    e = event("ASSAULT", "firearms", source=[group("UAF")], target=[group("CVL")], where=MONTERREY, killed=3)
    row = acled_row(e, [e], "t1")
    assert (row.event_type, row.sub_event_type) == ("Violence against civilians", "Attack")
    assert (row.actor1, row.inter1, row.actor1_country) == ("Unidentified Armed Group (Mexico)", 3, "MEX")
    assert (row.actor2, row.inter2) == ("Civilians (Mexico)", 7)
    assert row.fatalities == 3
    assert (row.latitude, row.longitude, row.location) == (25.67, -100.31, "Monterrey")


def test_an_assault_with_no_target_is_an_attack_on_civilians() -> None:
    e = event("ASSAULT", "firearms", source=[group("CRM")], where=MONTERREY)
    row = acled_row(e, [e], "t1")
    assert (row.event_type, row.sub_event_type) == ("Violence against civilians", "Attack")
    assert row.actor1 == "Unidentified Gang (Mexico)" and row.actor2 == "Civilians (Mexico)"


def test_foreign_forces_are_external_and_a_state_named_as_a_whole_acts_through_its_military() -> None:
    e = event("ASSAULT", "aerial", source=[state("ISR")], target=[group("CVL")], where=GAZA)
    row = acled_row(e, [e], "t1")
    assert (row.actor1, row.inter1, row.actor1_country) == ("Military Forces of Israel", 8, "ISR")
    assert (row.actor2, row.inter2, row.actor2_country) == ("Civilians (Palestine)", 7, "PSE")
    assert row.country == "Palestine"


def test_police_crowd_control_on_protesters_is_excessive_force() -> None:
    police = state("CHL", "COP")
    e = event(
        "ASSAULT",
        "crowd-control",
        source=[police],
        target=[group("CVL")],
        where=place("Valparaiso", "CHL"),
        text="Police fired tear gas at the protesters.",
    )
    row = acled_row(e, [e], "t1")
    assert (row.event_type, row.sub_event_type) == ("Protests", "Excessive force against protesters")
    assert (row.actor1, row.inter1) == ("Police Forces of Chile", 1)
    assert (row.actor2, row.inter2) == ("Protesters (Chile)", 6)


def test_riots_and_mob_violence() -> None:
    rioters = group("CVL")
    riot = event(
        "PROTEST", "riot", source=[rioters], where=BEIRUT, text="Youths burned tyres and threw stones."
    )
    row = acled_row(riot, [riot], "t1")
    assert (row.event_type, row.sub_event_type) == ("Riots", "Violent demonstration")
    assert (row.actor1, row.inter1, row.actor2, row.inter2) == ("Rioters (Lebanon)", 5, "", 0)
    on_people = event("PROTEST", "riot", source=[rioters], target=[group("CVL")], where=BEIRUT)
    assert types(on_people) == ("Riots", "Mob violence")
    mob = event("PROTEST", "riot", source=[rioters], where=BEIRUT, text="A mob set a van alight.")
    assert types(mob) == ("Riots", "Mob violence")


def test_civilians_who_attack_are_rioters() -> None:
    crowd = group("CVL", name="demonstrators")
    police = state("GRC", "COP")
    athens = place("Piraeus", "GRC")
    stones = event(
        "ASSAULT",
        "primitive",
        source=[crowd],
        target=[police],
        where=athens,
        text="Demonstrators threw stones at riot police.",
    )
    row = acled_row(stones, [stones], "t1")
    assert (row.event_type, row.sub_event_type) == ("Riots", "Violent demonstration")
    assert (row.actor1, row.inter1, row.actor2, row.inter2) == (
        "Rioters (Greece)",
        5,
        "Police Forces of Greece",
        1,
    )
    brawl = event(
        "ASSAULT", "beat", source=[group("CVL", name="villagers")], target=[group("CVL")], where=athens
    )
    assert types(brawl) == ("Riots", "Mob violence")
    lynching = event(
        "ASSAULT", "beat", target=[group("CVL")], where=athens, text="A mob beat a man accused of theft."
    )
    assert acled_row(lynching, [lynching], "t1").actor1 == "Rioters (Greece)"


def test_an_attack_of_unknown_means_on_soldiers_is_a_battle() -> None:
    e = event("ASSAULT", None, target=[state("MLI", "MIL")], where=place("Gao", "MLI"))
    row = acled_row(e, [e], "t1")
    assert (row.event_type, row.sub_event_type) == ("Battles", "Armed clash")
    assert (row.actor1, row.inter1) == ("Unidentified Armed Group (Mali)", 3)


def test_a_peaceful_protest_and_one_met_by_police() -> None:
    demo = event("PROTEST", "demo", source=[group("CVL")], target=[state("LBN", "GOV")], where=BEIRUT)
    row = acled_row(demo, [demo], "t1")
    assert (row.event_type, row.sub_event_type) == ("Protests", "Peaceful protest")
    assert (row.actor1, row.inter1, row.actor2, row.inter2) == ("Protesters (Lebanon)", 6, "", 0)
    arrest = event(
        "COERCE", "arrest", id="e2", source=[state("LBN", "COP")], target=[group("CVL")], where=BEIRUT
    )
    row = acled_row(demo, [demo, arrest], "t1")
    assert (row.event_type, row.sub_event_type) == ("Protests", "Protest with intervention")
    assert (row.actor2, row.inter2) == ("Police Forces of Lebanon", 1)


def test_a_protest_with_no_named_protesters_still_has_protesters() -> None:
    demo = event("PROTEST", "demo", where=place("Lahore", "PAK"))
    row = acled_row(demo, [demo], "t1")
    assert (row.actor1, row.inter1) == ("Protesters (Pakistan)", 6)


@pytest.mark.parametrize(
    ("category", "mode", "killed", "expected"),
    [
        ("COERCE", "arrest", None, ("Strategic developments", "Arrests")),
        ("COERCE", "seize", None, ("Strategic developments", "Looting/property destruction")),
        ("ASSAULT", "destroy", None, ("Strategic developments", "Looting/property destruction")),
        ("ASSAULT", "destroy", 2, ("Violence against civilians", "Attack")),
        ("MOBILIZE", "troops", None, ("Strategic developments", "Change to group/activity")),
        ("CONCEDE", "ceasefire", None, ("Strategic developments", "Agreement")),
        ("AGREE", None, None, ("Strategic developments", "Agreement")),
        ("RETREAT", "withdraw", None, ("Strategic developments", "Change to group/activity")),
        ("REQUEST", "yield", None, ("Strategic developments", "Other")),
        ("ACCUSE", "allege", None, ("Strategic developments", "Other")),
    ],
)
def test_strategic_developments(
    category: str, mode: str | None, killed: int | None, expected: tuple[str, str]
) -> None:
    e = event(
        category,
        mode,
        source=[state("UKR", "MIL")],
        target=[group("CVL")],
        killed=killed,
        where=place("Sumy", "UKR"),
    )
    assert types(e) == expected


def test_named_organisations_keep_their_name_and_an_international_body_is_external() -> None:
    un = organisation("United Nations", "UNO", "IGO", kind="igo")
    militia = organisation("Hill Brigade", "LBN", "PRM")
    e = event("ASSAULT", "firearms", source=[militia], target=[un], where=place("Tyre", "LBN"))
    row = acled_row(e, [e], "t1")
    assert (row.actor1, row.inter1) == ("Hill Brigade", 3)
    assert (row.actor2, row.inter2) == ("United Nations", 8)


def test_no_event_gives_an_empty_row_and_columns_are_acled_names() -> None:
    row = acled_row(None, [], "t9")
    assert row.id == "t9" and row.event_type == "" and row.inter1 == 0
    assert list(row.as_csv_row()) == list(ACLED_COLUMNS)
    assert {"event_type", "sub_event_type", "actor1", "inter2", "fatalities", "notes"} <= set(ACLED_COLUMNS)


def test_row_carries_the_date_and_the_sentence_as_notes() -> None:
    e = event(
        "PROTEST", "demo", when=dt.date(2024, 2, 29), text="Farmers marched on the ministry.", where=BEIRUT
    )
    row = acled_row(e, [e], "t1")
    assert row.event_date == "2024-02-29" and row.notes == "Farmers marched on the ministry."


def test_country_names_follow_acled() -> None:
    assert country_name("TUR") == "Turkey"
    assert country_name("COD") == "Democratic Republic of Congo"
    assert country_name("ISR") == "Israel"
    assert country_name("UNO") == "" and country_name(None) == ""
    assert country_code("Democratic Republic of Congo") == "COD"
    assert country_code("Republic of Congo") == "COG"
    assert country_code("Niger") == "NER" and country_code("Nigeria") == "NGA"
    assert country_code("Palestine") == "PSE"
    assert country_code("Atlantis") is None


def test_most_salient_prefers_asserted_violence_then_the_earliest_sentence() -> None:
    appeal = event("REQUEST", "yield", id="r", sentence=0)
    strike = event("ASSAULT", "aerial", id="s", sentence=2)
    denied_raid = event("ASSAULT", "firearms", id="d", sentence=1, status="negated")
    assert most_salient([appeal, strike, denied_raid]) == strike
    early = event("PROTEST", "demo", id="p", sentence=1)
    assert most_salient([strike, early]) == early
    assert most_salient([]) is None
    assert most_salient([appeal, denied_raid]) == appeal


def test_most_salient_breaks_ties_by_casualties_then_confidence() -> None:
    plain = event("ASSAULT", "firearms", id="a", confidence=0.9)
    deadly = event("ASSAULT", "firearms", id="b", killed=4, confidence=0.5)
    assert most_salient([plain, deadly]) == deadly
    sure = event("ASSAULT", "firearms", id="c", confidence=0.95)
    assert most_salient([plain, sure]) == sure
    alleged = event("ASSAULT", "firearms", id="e", status="alleged")
    talk = event("CONSULT", id="f")
    assert most_salient([talk, alleged]) == alleged


def test_crowd_control_away_from_any_protest_is_an_attack() -> None:
    police = state("ISR", "COP")
    e = event(
        "ASSAULT",
        "crowd-control",
        source=[police],
        target=[group("CVL")],
        where=place("Hebron", "PSE"),
        text="Police fired tear gas at farmers working their fields.",
    )
    assert types(e) == ("Violence against civilians", "Attack")


def test_a_withdrawal_that_hands_over_ground_is_a_transfer_of_territory() -> None:
    e = event(
        "RETREAT",
        "withdraw",
        source=[state("MLI", "MIL")],
        where=place("Menaka", "MLI"),
        text="The army withdrew from the base and handed over its positions to a militia.",
    )
    assert types(e) == ("Strategic developments", "Non-violent transfer of territory")


def test_heavy_weapons_with_small_arms_are_an_armed_clash() -> None:
    rebels, army = group("REB", "UKR"), state("UKR", "MIL")
    shelling = event("ASSAULT", "heavy-weapons", source=[rebels], target=[army], text="Rebels fired mortars.")
    assert types(shelling) == ("Explosions/Remote violence", "Shelling/artillery/missile attack")
    mixed = event(
        "ASSAULT",
        "heavy-weapons",
        source=[rebels],
        target=[army],
        text="Rebels fired mortars and small arms at army positions.",
    )
    assert types(mixed) == ("Battles", "Armed clash")


def test_an_attack_told_within_a_firefight_is_a_clash() -> None:
    e = event(
        "ASSAULT",
        "firearms",
        source=[group("COP", "BRA")],
        target=[group("UNK")],
        text="A shoot-out broke out and a suspect was shot.",
    )
    assert types(e) == ("Battles", "Armed clash")


def test_demonstrators_who_turn_violent_make_a_riot() -> None:
    demo = event("PROTEST", "demo", source=[group("CVL")], where=BEIRUT, text="Residents protested.")
    stones = event(
        "ASSAULT",
        "primitive",
        id="e2",
        source=[group("CVL")],
        target=[state("LBN", "MIL")],
        text="They threw rocks.",
    )
    assert acled_row(demo, [demo, stones], "t1").sub_event_type == "Violent demonstration"
    assert acled_row(demo, [demo], "t1").sub_event_type == "Peaceful protest"


def test_a_public_demand_by_a_crowd_is_a_protest() -> None:
    demand = event("REQUEST", "change", source=[group("LAB")], where=place("Casablanca", "MAR"))
    assert types(demand) == ("Protests", "Peaceful protest")
    official = event("REQUEST", "change", source=[state("MAR", "GOV")], where=place("Rabat", "MAR"))
    assert types(official) == ("Strategic developments", "Other")


@pytest.mark.parametrize(
    ("category", "mode", "trigger", "text", "expected"),
    [
        (
            "ASSAULT",
            "drone",
            "shot down",
            "Air defences shot down a drone over the port.",
            "Disrupted weapons use",
        ),
        (
            "COERCE",
            "seize",
            "seized",
            "Police seized rifles and ammunition from a cache.",
            "Disrupted weapons use",
        ),
        ("RETREAT", "release", "exchanged", "The two sides exchanged prisoners.", "Agreement"),
        (
            "MOBILIZE",
            None,
            "set up",
            "The army set up a new base near the border.",
            "Headquarters or base established",
        ),
        (
            "MOBILIZE",
            None,
            "reinforcements",
            "Reinforcements reached the army base.",
            "Change to group/activity",
        ),
        ("AID", None, "handed out", "The militia handed out food to families.", "Change to group/activity"),
    ],
)
def test_strategic_developments_by_what_the_sentence_says(
    category: str, mode: str | None, trigger: str, text: str, expected: str
) -> None:
    e = event(
        category,
        mode,
        source=[state("NGA", "MIL")],
        where=place("Maiduguri", "NGA"),
        text=text,
        trigger=trigger,
    )
    assert types(e)[1] == expected


def test_a_protest_is_coded_before_the_police_dispersal_and_territory_before_its_fighting() -> None:
    police = state("CMR", "COP")
    dispersal = event("COERCE", "restrict", source=[police], start=0)
    demo = event("PROTEST", "demo", id="e2", source=[group("LAB")], start=30)
    assert most_salient([dispersal, demo]) == demo
    fight = event("ASSAULT", None, source=[group("REB")], start=0)
    capture = event("COERCE", "seize", id="e3", source=[group("REB")], start=40, context=["territory"])
    assert most_salient([fight, capture]) == capture


def test_clashes_are_battles_whatever_the_weapons() -> None:
    e = event(
        "ASSAULT",
        "heavy-weapons",
        source=[state("MMR", "MIL")],
        target=[organisation("Arakan Army", "MMR", "REB")],
        trigger="clashed",
        text="The army and the Arakan Army clashed with heavy weapons.",
    )
    assert types(e) == ("Battles", "Armed clash")


def test_villagers_fighting_with_sticks_are_a_mob_not_a_battle() -> None:
    e = event(
        "ASSAULT",
        "primitive",
        source=[group("CVL")],
        trigger="clashed",
        text="Two villages clashed with sticks.",
    )
    assert types(e) == ("Riots", "Mob violence")
    beating = event("ASSAULT", "beat", source=[group("UNK")], text="A man was beaten by his neighbours.")
    assert types(beating) == ("Riots", "Mob violence")


@pytest.mark.parametrize(
    ("source", "trigger", "text", "expected"),
    [
        (state("MOZ", "MIL"), "bombed", "The army bombed militant bases.", "Air/drone strike"),
        (group("UAF"), "explosion", "A roadside bomb exploded near a bus.", "Remote explosive/landmine/IED"),
        (
            group("UAF"),
            "explosions",
            "Monitors counted explosions of unknown weapons.",
            "Shelling/artillery/missile attack",
        ),
    ],
)
def test_explosions_by_what_the_sentence_names(source: Actor, trigger: str, text: str, expected: str) -> None:
    e = event("ASSAULT", "explosives", source=[source], trigger=trigger, text=text)
    assert types(e)[1] == expected


def test_a_rape_is_coded_before_the_attack_it_was_part_of() -> None:
    attack = event("ASSAULT", None, source=[group("REB")], start=0)
    rape = event("ASSAULT", "sexual", id="e2", source=[group("REB")], start=30)
    assert most_salient([attack, rape]) == rape


def test_an_event_with_no_place_happened_where_its_text_says() -> None:
    # the place is in another sentence of the text: it wins over the shooters' home country
    shot = event("ASSAULT", "firearms", source=[state("TUR", "MIL")], target=[group("CVL")], id="e1")
    protest = event("PROTEST", "demo", source=[group("CVL")], where=BEIRUT, id="e2")
    row = acled_row(shot, [shot, protest], "t1")
    assert (row.iso3, row.country) == ("LBN", "Lebanon")
    # with no place anywhere, its own actors, then those of the rest of the text
    assert acled_row(shot, [shot], "t1").iso3 == "TUR"
    nobody = event("ASSAULT", "firearms", id="e3")
    other = event("COERCE", "arrest", source=[state("MEX", "COP")], id="e4")
    assert acled_row(nobody, [nobody, other], "t1").iso3 == "MEX"
    # its own place first
    placed = event("PROTEST", "demo", source=[group("CVL")], where=MONTERREY, id="e5")
    assert acled_row(placed, [placed, protest], "t1").iso3 == "MEX"


def test_an_event_with_no_place_is_in_the_country_of_the_mission_that_reports_it() -> None:
    observers = organisation("OSCE", "IGO", "IGO", kind="igo")
    e = event(
        "ASSAULT",
        "heavy-weapons",
        source=[observers],
        text="The OSCE SMM recorded forty explosions near a village east of the line.",
    )
    assert acled_row(e, [e], "t1").iso3 == "UKR"
    peacekeepers = event(
        "ASSAULT",
        "firearms",
        target=[organisation("UNIFIL", "UNO", "MIL", kind="military")],
        source=[group("REB")],
        text="Gunmen fired on a UNIFIL patrol near the blue line.",
    )
    assert acled_row(peacekeepers, [peacekeepers], "t2").iso3 == "LBN"
    # a place of its own comes first; a mission's words in lower case ("resolute support") are no name
    placed = event("ASSAULT", "firearms", source=[observers], where=BEIRUT, text="The OSCE SMM said so.")
    assert acled_row(placed, [placed], "t3").iso3 == "LBN"
    plain = event("PROTEST", "demo", source=[state("FRA")], text="They voiced resolute support for it.")
    assert acled_row(plain, [plain], "t4").iso3 == "FRA"


def test_a_text_with_no_event_still_gives_the_country_it_speaks_of() -> None:
    assert acled_row(None, [], "t1").iso3 == ""  # nothing to go on
    placed = acled_row(None, [], "t2", TextCountries(places=("MEX", "USA"), demonyms=("VEN",)))
    assert (placed.iso3, placed.country, placed.event_type) == ("MEX", "Mexico", "")
    assert acled_row(None, [], "t3", TextCountries(demonyms=("VEN",))).iso3 == "VEN"


def test_an_event_with_no_place_is_where_the_text_names_places_before_its_actors_home() -> None:
    e = event("ASSAULT", "", source=[state("ISR", "MIL")], text="Troops opened fire on the village.")
    assert acled_row(e, [e], "t1").iso3 == "ISR"  # its actors' home, with nothing else
    named = acled_row(e, [e], "t1", TextCountries(places=("SYR",), demonyms=("TUR",)))
    assert named.iso3 == "SYR"
    told_by_demonym = acled_row(e, [e], "t1", TextCountries(demonyms=("TUR",)))
    assert told_by_demonym.iso3 == "ISR"  # a demonym of the text is weaker than the event's own actors
