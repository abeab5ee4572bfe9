"""Place resolution: the gazetteer's lookups and the place of an event read from a sentence.

Every sentence here was written for these tests. Coordinates are checked against a box around
the real place, wide enough for any representative point inside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from spacy.language import Language

from trucewatch.errors import DataFileError
from trucewatch.events.missions import load_missions
from trucewatch.events.place import (
    Gazetteer,
    cached_gazetteer,
    find_location,
    fold,
    own_name,
    text_countries,
)
from trucewatch.model import Location
from trucewatch.nlp import load_pipeline

# (south, north, west, east) in degrees
BOXES = {
    "Qatar": (24.4, 26.2, 50.7, 51.7),
    "Iran": (25.0, 39.8, 44.0, 63.4),
    "USA": (24.0, 49.5, -125.0, -66.0),
    "Palestine": (31.2, 32.6, 34.2, 35.6),
    "Syria": (32.3, 37.4, 35.6, 42.4),
    "Israel": (29.4, 33.4, 34.2, 35.9),
    "Tehran": (35.5, 35.9, 51.1, 51.7),
    "Kyiv": (50.3, 50.6, 30.3, 30.8),
    "Tripoli, Libya": (32.7, 33.0, 13.0, 13.4),
    "Tripoli, Lebanon": (34.3, 34.5, 35.7, 36.0),
    "Hamilton, Ontario": (43.1, 43.4, -80.1, -79.6),
    "Hamilton, Ohio": (39.3, 39.5, -84.7, -84.4),
    "Hamilton, New Zealand": (-37.9, -37.7, 175.1, 175.4),
    "Paris": (48.7, 49.0, 2.2, 2.5),
    "Paris, Texas": (33.5, 33.8, -95.7, -95.4),
    "Donetsk Oblast": (46.8, 49.3, 36.5, 39.0),
    "Sindh": (23.6, 28.6, 66.6, 71.2),
    "Guerrero": (16.3, 18.9, -102.2, -98.0),
    "Kherson Oblast": (45.9, 47.6, 32.0, 35.2),
    "Al Udeid": (25.0, 25.25, 51.2, 51.45),
    "Fordow": (34.75, 35.0, 50.85, 51.1),
    "Natanz": (33.6, 33.85, 51.6, 51.85),
    "Isfahan": (32.4, 32.8, 51.5, 52.0),
    "Gaza Strip": (31.2, 31.6, 34.2, 34.6),
    "Gaza City": (31.45, 31.56, 34.4, 34.52),
    "West Bank": (31.3, 32.6, 34.9, 35.6),
    "Golan Heights": (32.6, 33.35, 35.6, 35.95),
    "southern Lebanon": (33.0, 33.6, 35.1, 35.8),
    "Donbas": (47.0, 50.1, 36.8, 40.3),
    "Crimea": (44.3, 46.2, 32.4, 36.7),
    "Kursk Oblast": (50.8, 52.5, 34.0, 38.6),
    "Zaporizhzhia Oblast": (46.2, 48.2, 34.1, 37.3),
    "Red Sea": (12.5, 28.0, 32.5, 43.5),
    "Avdiivka": (48.05, 48.25, 37.6, 37.9),
    "Sidon": (33.5, 33.62, 35.3, 35.45),
    "Kharkiv": (49.9, 50.1, 36.1, 36.4),
    "Khan Younis": (31.3, 31.38, 34.25, 34.35),
    "Odesa": (46.35, 46.6, 30.6, 30.85),
    "Balochistan": (24.8, 32.2, 60.8, 70.3),
}


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return cached_gazetteer()


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_pipeline()


def inside(location: Location | None, box: str) -> bool:
    assert location is not None
    assert location.latitude is not None and location.longitude is not None, location
    south, north, west, east = BOXES[box]
    return south <= location.latitude <= north and west <= location.longitude <= east


def found(gazetteer: Gazetteer, name: str, countries: Sequence[str] = ()) -> Location:
    location = gazetteer.lookup(name, countries)
    assert location is not None, name
    return location


def place_of(
    nlp: Language, gazetteer: Gazetteer, text: str, trigger: str, countries: Sequence[str] = ()
) -> Location | None:
    doc = nlp(text)
    [sentence] = list(doc.sents)
    anchor = next(t for t in sentence if t.text == trigger)
    return find_location(sentence, anchor, gazetteer, countries)


# --- the gazetteer --------------------------------------------------------------------------


def test_built_from_the_data_files_it_holds_the_world() -> None:
    # how long the build takes is measured by benchmarks/startup.py
    gazetteer = Gazetteer.load()
    assert len(gazetteer.names) > 150_000
    assert len(gazetteer.towns or ()) > 150_000


@pytest.mark.parametrize(
    ("name", "code", "box"),
    [
        ("Qatar", "QAT", "Qatar"),
        ("Iran", "IRN", "Iran"),
        ("the United States", "USA", "USA"),
        ("U.S.", "USA", "USA"),
        ("Palestine", "PSE", "Palestine"),
        ("syria", "SYR", "Syria"),
    ],
)
def test_countries(gazetteer: Gazetteer, name: str, code: str, box: str) -> None:
    location = found(gazetteer, name)
    assert (location.country, location.precision, location.text) == (code, "country", name)
    assert inside(location, box)


def test_a_country_name_is_the_country_not_a_town(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "Jordan").country == "JOR"
    # even when the actors are American and the United States has towns called Lebanon
    assert found(gazetteer, "Lebanon", ["USA"]).precision == "country"
    assert found(gazetteer, "Lebanon", ["USA"]).country == "LBN"


def test_capitals_and_their_spellings(gazetteer: Gazetteer) -> None:
    tehran = found(gazetteer, "Tehran")
    assert (tehran.name, tehran.country, tehran.precision) == ("Tehran", "IRN", "city")
    assert inside(tehran, "Tehran")
    for spelling in ("Kyiv", "Kiev", "KYIV"):
        kyiv = found(gazetteer, spelling)
        assert (kyiv.name, kyiv.country, kyiv.precision) == ("Kyiv", "UKR", "city")
        assert inside(kyiv, "Kyiv")


def test_accents_and_apostrophes_are_folded(gazetteer: Gazetteer) -> None:
    assert fold("Khān Yūnis") == fold("khan yunis") == "khan yunis"
    assert fold("Sana'a") == fold("Sanaa")
    assert fold("the Gaza Strip") == "gaza strip"
    assert found(gazetteer, "Khan Younis").name == found(gazetteer, "Khān Yūnis").name


def test_tripoli_follows_the_countries_given(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "Tripoli").country == "LBY"  # the larger, when nothing says otherwise
    assert inside(found(gazetteer, "Tripoli"), "Tripoli, Libya")
    lebanon = found(gazetteer, "Tripoli", ["LBN"])
    assert lebanon.country == "LBN"
    assert inside(lebanon, "Tripoli, Lebanon")
    assert found(gazetteer, "Tripoli", ["LBN", "LBY"]).country == "LBN"
    assert found(gazetteer, "Tripoli", ["LBY", "LBN"]).country == "LBY"


def test_hamilton(gazetteer: Gazetteer) -> None:
    assert inside(found(gazetteer, "Hamilton"), "Hamilton, Ontario")
    assert inside(found(gazetteer, "Hamilton", ["USA"]), "Hamilton, Ohio")
    assert inside(found(gazetteer, "Hamilton", ["NZL"]), "Hamilton, New Zealand")


def test_paris_is_in_france_unless_the_text_says_texas(gazetteer: Gazetteer) -> None:
    assert inside(found(gazetteer, "Paris"), "Paris")
    # a world city beats a small town of the same name in the preferred country
    assert found(gazetteer, "Paris", ["USA"]).country == "FRA"
    texas = gazetteer.resolve("Texas")
    paris = gazetteer.resolve("Paris", ["FRA"], within=texas)
    assert paris is not None and paris.country == "USA"
    assert inside(paris.location("Paris"), "Paris, Texas")


@pytest.mark.parametrize(
    "name", ["Donetsk Oblast", "Donetsk region", "Donetska oblast", "the Donetsk region"]
)
def test_donetsk_oblast(gazetteer: Gazetteer, name: str) -> None:
    location = found(gazetteer, name)
    assert (location.name, location.country, location.precision) == ("Donetska oblast", "UKR", "admin1")
    assert location.text == name
    assert inside(location, "Donetsk Oblast")


def test_donetsk_alone_is_the_city(gazetteer: Gazetteer) -> None:
    location = found(gazetteer, "Donetsk")
    assert (location.country, location.precision) == ("UKR", "city")


@pytest.mark.parametrize(
    ("name", "code", "box"),
    [
        ("Sindh", "PAK", "Sindh"),
        ("Guerrero", "MEX", "Guerrero"),
        ("Guerrero state", "MEX", "Guerrero"),
        ("Kherson region", "UKR", "Kherson Oblast"),
        ("Balochistan province", "PAK", "Balochistan"),
    ],
)
def test_subdivisions(gazetteer: Gazetteer, name: str, code: str, box: str) -> None:
    location = found(gazetteer, name)
    assert (location.country, location.precision) == (code, "admin1")
    assert inside(location, box)


def test_georgia_is_the_state_in_an_american_story(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "Georgia").country == "GEO"
    state = found(gazetteer, "Georgia", ["USA"])
    assert (state.country, state.precision) == ("USA", "admin1")


@pytest.mark.parametrize(
    ("name", "listed", "code", "precision", "box"),
    [
        ("Al Udeid Air Base", "Al Udeid Air Base", "QAT", "site", "Al Udeid"),
        ("al-Udeid", "Al Udeid Air Base", "QAT", "site", "Al Udeid"),
        ("Fordow", "Fordow", "IRN", "site", "Fordow"),
        ("Fordo", "Fordow", "IRN", "site", "Fordow"),
        ("the Natanz enrichment facility", "Natanz", "IRN", "site", "Natanz"),
        ("Isfahan nuclear facility", "Isfahan Nuclear Technology Center", "IRN", "site", "Isfahan"),
        ("the Gaza Strip", "Gaza Strip", "PSE", "region", "Gaza Strip"),
        ("Gaza", "Gaza Strip", "PSE", "region", "Gaza Strip"),
        ("northern Gaza", "Gaza Strip", "PSE", "region", "Gaza Strip"),
        ("the West Bank", "West Bank", "PSE", "region", "West Bank"),
        ("Golan Heights", "Golan Heights", "SYR", "region", "Golan Heights"),
        ("southern Lebanon", "southern Lebanon", "LBN", "region", "southern Lebanon"),
        ("Donbas", "Donbas", "UKR", "region", "Donbas"),
        ("Crimea", "Crimea", "UKR", "region", "Crimea"),
        ("Kursk region", "Kursk region", "RUS", "admin1", "Kursk Oblast"),
        ("Zaporizhzhia region", "Zaporizhzhia region", "UKR", "admin1", "Zaporizhzhia Oblast"),
        ("the Red Sea", "Red Sea", None, "region", "Red Sea"),
    ],
)
def test_listed_places(
    gazetteer: Gazetteer, name: str, listed: str, code: str | None, precision: str, box: str
) -> None:
    location = found(gazetteer, name)
    assert (location.name, location.country, location.precision) == (listed, code, precision)
    assert inside(location, box)


def test_gaza_city_is_the_city(gazetteer: Gazetteer) -> None:
    location = found(gazetteer, "Gaza City")
    assert (location.country, location.precision) == ("PSE", "city")
    assert inside(location, "Gaza City")


def test_actors_are_not_places(gazetteer: Gazetteer) -> None:
    # "Hamas" is an alternate name of Hamm, Germany; the catalogue knows it as an organisation
    assert gazetteer.lookup("Hamas") is None
    assert gazetteer.lookup("") is None
    assert gazetteer.lookup("Zzyzxqvillepur") is None


def test_a_users_file_adds_places(tmp_path: Path) -> None:
    extra = tmp_path / "my_places.yaml"
    extra.write_text(
        "places:\n"
        "  - {name: Camp Nowhere, aliases: [Nowhere camp], country: JOR, precision: site,"
        " latitude: 31.5, longitude: 36.5}\n"
        "subdivisions:\n"
        "  FR-BRE: {seat: Rennes, names: [Brittany]}\n",
        encoding="utf-8",
    )
    gazetteer = Gazetteer.load([extra])
    camp = found(gazetteer, "nowhere camp")
    assert (camp.name, camp.country, camp.precision) == ("Camp Nowhere", "JOR", "site")
    brittany = found(gazetteer, "Brittany")
    assert (brittany.country, brittany.precision) == ("FRA", "admin1")
    assert brittany.latitude is not None and 47.9 < brittany.latitude < 48.2


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("places:\n  - {name: X, country: XYZ, precision: site, latitude: 1, longitude: 2}\n", "XYZ"),
        ("places:\n  - {name: X, country: JOR, precision: town, latitude: 1, longitude: 2}\n", "precision"),
        ("places:\n  - {name: X, country: JOR, precision: site, latitude: 91, longitude: 2}\n", "latitude"),
        ("subdivisions:\n  XX-YY: {seat: Nowhere}\n", "XX-YY"),
        ("places: [\n", "cannot read"),
    ],
)
def test_a_bad_file_is_named(tmp_path: Path, text: str, problem: str) -> None:
    bad = tmp_path / "bad_places.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=r"bad_places\.yaml") as error:
        Gazetteer.load([bad])
    assert problem in str(error.value)


def test_the_bundled_seats_are_all_cities(gazetteer: Gazetteer, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="trucewatch.events.place"):
        Gazetteer.load()
    assert not [r for r in caplog.records if "seat" in r.getMessage()]


# --- the place of an event --------------------------------------------------------------------


def test_a_place_phrase_of_the_trigger(nlp: Language, gazetteer: Gazetteer) -> None:
    location = place_of(nlp, gazetteer, "Israeli jets struck targets in Tehran on Friday.", "struck")
    assert location is not None
    assert (location.name, location.country, location.precision, location.text) == (
        "Tehran",
        "IRN",
        "city",
        "Tehran",
    )
    assert inside(location, "Tehran")


def test_the_place_is_not_the_targets_country(nlp: Language, gazetteer: Gazetteer) -> None:
    location = place_of(
        nlp, gazetteer, "Iran fired missiles at a U.S. base in Qatar.", "fired", ["IRN", "USA"]
    )
    assert location is not None and (location.name, location.country) == ("Qatar", "QAT")
    assert inside(location, "Qatar")


def test_a_listed_base_is_more_specific_than_its_country(nlp: Language, gazetteer: Gazetteer) -> None:
    text = "Iran fired missiles at Al Udeid Air Base in Qatar."
    location = place_of(nlp, gazetteer, text, "fired", ["IRN", "USA"])
    assert location is not None
    assert (location.name, location.country, location.precision) == ("Al Udeid Air Base", "QAT", "site")
    assert inside(location, "Al Udeid")


@pytest.mark.parametrize("trigger", ["said", "respond"])
def test_a_capital_that_speaks_is_no_place(nlp: Language, gazetteer: Gazetteer, trigger: str) -> None:
    assert place_of(nlp, gazetteer, "Tehran said it would respond.", trigger, ["IRN"]) is None


def test_an_addressee_is_no_place(nlp: Language, gazetteer: Gazetteer) -> None:
    assert place_of(nlp, gazetteer, "Washington warned Iran against any retaliation.", "warned") is None
    location = place_of(nlp, gazetteer, "Washington warned Iran in Geneva on Monday.", "warned")
    assert location is not None and location.country == "CHE"


def test_a_town_then_its_province(nlp: Language, gazetteer: Gazetteer) -> None:
    location = place_of(nlp, gazetteer, "Heavy clashes were reported near Avdiivka, Donetsk.", "clashes")
    assert location is not None
    assert (location.name, location.country, location.precision, location.text) == (
        "Avdiyivka",
        "UKR",
        "city",
        "Avdiivka",
    )
    assert inside(location, "Avdiivka")


def test_a_town_then_its_state(nlp: Language, gazetteer: Gazetteer) -> None:
    location = place_of(nlp, gazetteer, "A man was shot dead in Paris, Texas, on Monday.", "shot")
    assert location is not None and location.country == "USA"
    assert inside(location, "Paris, Texas")


def test_a_town_and_its_province_in_brackets(nlp: Language, gazetteer: Gazetteer) -> None:
    location = place_of(nlp, gazetteer, "Shelling near Hamilton (Ontario) was reported.", "Shelling", ["USA"])
    assert location is not None and location.country == "CAN"


def test_protest_in_a_lebanese_city(nlp: Language, gazetteer: Gazetteer) -> None:
    location = place_of(nlp, gazetteer, "Hundreds of protesters gathered in Sidon on Sunday.", "gathered")
    assert location is not None and (location.name, location.country) == ("Sidon", "LBN")
    assert inside(location, "Sidon")


@pytest.mark.parametrize("trigger", ["strikes", "killed"])
def test_a_country_in_lower_case(nlp: Language, gazetteer: Gazetteer, trigger: str) -> None:
    location = place_of(nlp, gazetteer, "Russian strikes in syria killed five civilians.", trigger, ["RUS"])
    assert location is not None
    assert (location.country, location.precision, location.text) == ("SYR", "country", "syria")


def test_what_an_attack_hit(nlp: Language, gazetteer: Gazetteer) -> None:
    location = place_of(nlp, gazetteer, "Israel carried out strikes on Gaza overnight.", "strikes", ["ISR"])
    assert location is not None and (location.name, location.text) == ("Gaza Strip", "Gaza")
    struck = place_of(nlp, gazetteer, "Israeli jets struck Tehran.", "struck")
    assert struck is not None and struck.name == "Tehran"
    passive = place_of(nlp, gazetteer, "Tehran was struck by Israeli jets.", "struck")
    assert passive is not None and passive.name == "Tehran"


def test_the_most_specific_place_wins(nlp: Language, gazetteer: Gazetteer) -> None:
    text = "Israeli strikes hit Khan Younis in the southern Gaza Strip."
    location = place_of(nlp, gazetteer, text, "hit", ["ISR", "PSE"])
    assert location is not None and location.precision == "city"
    assert inside(location, "Khan Younis")
    text = "The U.S. struck Iran's nuclear sites at Fordow, Natanz and Isfahan."
    site = place_of(nlp, gazetteer, text, "struck", ["USA", "IRN"])
    assert site is not None and (site.name, site.precision) == ("Fordow", "site")


def test_on_the_outskirts_of(nlp: Language, gazetteer: Gazetteer) -> None:
    text = "Russian drones hit an apartment block on the outskirts of Kharkiv."
    location = place_of(nlp, gazetteer, text, "hit", ["RUS"])
    assert location is not None and location.name == "Kharkiv"
    assert inside(location, "Kharkiv")


def test_the_clause_of_the_trigger_not_of_the_speaker(nlp: Language, gazetteer: Gazetteer) -> None:
    text = "Officials in Kyiv said Russian forces struck Odesa overnight."
    location = place_of(nlp, gazetteer, text, "struck", ["UKR", "RUS"])
    assert location is not None and inside(location, "Odesa")
    text = "Russian troops in Crimea shelled Kherson on Tuesday."
    shelled = place_of(nlp, gazetteer, text, "shelled", ["RUS", "UKR"])
    assert shelled is not None and shelled.name == "Kherson"


def test_tripoli_from_the_actors_countries(nlp: Language, gazetteer: Gazetteer) -> None:
    text = "Gunmen attacked a checkpoint in Tripoli."
    lebanon = place_of(nlp, gazetteer, text, "attacked", ["LBN"])
    assert lebanon is not None and inside(lebanon, "Tripoli, Lebanon")
    libya = place_of(nlp, gazetteer, text, "attacked", ["LBY"])
    assert libya is not None and inside(libya, "Tripoli, Libya")


def test_a_region_the_model_mislabels(nlp: Language, gazetteer: Gazetteer) -> None:
    location = place_of(nlp, gazetteer, "Explosions were heard across the Kursk region.", "heard", ["UKR"])
    assert location is not None and (location.name, location.country) == ("Kursk region", "RUS")
    province = place_of(
        nlp, gazetteer, "Pakistani forces killed six militants in Balochistan province.", "killed", ["PAK"]
    )
    assert province is not None and province.precision == "admin1" and inside(province, "Balochistan")


def test_a_sea(nlp: Language, gazetteer: Gazetteer) -> None:
    text = "Washington warned that Houthi attacks in the Red Sea must stop."
    location = place_of(nlp, gazetteer, text, "attacks", ["USA", "YEM"])
    assert location is not None and (location.name, location.country) == ("Red Sea", None)


def test_a_sentence_without_places(nlp: Language, gazetteer: Gazetteer) -> None:
    assert place_of(nlp, gazetteer, "Hamas rejected the proposal on Tuesday.", "rejected") is None


# --- names the gazetteer lacks, chains of places, small towns --------------------------------


def test_a_village_unknown_to_the_gazetteer_stands_in_its_province(
    nlp: Language, gazetteer: Gazetteer
) -> None:
    text = "Rebels raided a camp in Kakwangura village (Mbokwa, Ituri) overnight."
    location = place_of(nlp, gazetteer, text, "raided")
    assert location is not None and (location.country, location.precision) == ("COD", "admin1")


def test_a_town_outside_the_province_it_is_put_in_is_not_that_town(
    nlp: Language, gazetteer: Gazetteer
) -> None:
    # a Hays exists in Kansas; the bracket puts this one in Yemen
    location = place_of(nlp, gazetteer, "Fighters shelled Hays (Al Hudaydah) on Tuesday.", "shelled", ["USA"])
    assert location is not None and location.country == "YEM"


def test_a_small_town_in_a_place_phrase(nlp: Language, gazetteer: Gazetteer) -> None:
    location = place_of(nlp, gazetteer, "Shopkeepers blocked the main road in Halba.", "blocked")
    assert location is not None and (location.name, location.country) == ("Halba", "LBN")
    assert gazetteer.resolve("Halba") is None  # only a place phrase reaches the towns


def test_a_name_the_small_model_takes_for_a_people(nlp: Language, gazetteer: Gazetteer) -> None:
    location = place_of(nlp, gazetteer, "Government forces shelled villages in Aleppo.", "shelled")
    assert location is not None and location.country == "SYR"


def test_an_arabic_article_the_gazetteer_leaves_out(gazetteer: Gazetteer) -> None:
    raqqa = gazetteer.resolve("Ar-Raqqa")
    assert raqqa is not None and raqqa.country == "SYR"


def test_an_entity_cut_short_inside_a_longer_name(nlp: Language, gazetteer: Gazetteer) -> None:
    # "Colonia" alone is Cologne's Latin name; "Colonia Las Aves" is a neighbourhood of Celaya
    text = "In Celaya, a man was found dead in Colonia Las Aves."
    location = place_of(nlp, gazetteer, text, "found")
    assert location is not None and location.country == "MEX"


def test_a_small_town_elsewhere_than_the_province_named_is_not_taken(
    nlp: Language, gazetteer: Gazetteer
) -> None:
    # the village is unknown to the gazetteer except as a town in Italy; the state the sentence
    # names says where it is
    text = "Militiamen raided Zambana on the road to Jalingo, the capital of Taraba."
    location = place_of(nlp, gazetteer, text, "raided")
    assert location is not None and location.country == "NGA"


@pytest.mark.parametrize(
    "text", ["Gunmen fired at the Street 50 checkpoint.", "Shelling hit the Mine 6/7 area."]
)
def test_a_common_word_alone_names_no_place(nlp: Language, gazetteer: Gazetteer, text: str) -> None:
    trigger = "fired" if "fired" in text else "Shelling"
    location = place_of(nlp, gazetteer, text, trigger)
    assert location is None


def test_an_ambiguous_province_is_the_one_its_town_is_in(nlp: Language, gazetteer: Gazetteer) -> None:
    text = "A gendarme shot a taxi driver in Bafoussam town (Mifi, Ouest) after a dispute."
    location = place_of(nlp, gazetteer, text, "shot")
    assert location is not None and location.country == "CMR"
    text = "Students marched in Ludhiana district (Punjab) on Monday."
    location = place_of(nlp, gazetteer, text, "marched")
    assert location is not None and location.country == "IND"


def test_an_unknown_last_name_of_a_chain_is_dropped(nlp: Language, gazetteer: Gazetteer) -> None:
    text = "A mob pelted stones at police in Dariyal town, Rampur district (XQ) on Tuesday."
    location = place_of(nlp, gazetteer, text, "pelted")
    assert location is not None and location.country == "IND"


def test_a_site_named_after_its_town(nlp: Language, gazetteer: Gazetteer) -> None:
    location = place_of(nlp, gazetteer, "Drivers blocked the Zahle roundabout for an hour.", "blocked")
    assert location is not None and location.country == "LBN"


# --- alternate names, chains the gazetteer half knows ------------------------------------------


def test_an_alternate_name_is_a_weaker_sign_than_a_places_own_name(gazetteer: Gazetteer) -> None:
    malabo = gazetteer.resolve("Marabo")
    assert malabo is not None and malabo.name == "Malabo"  # an old name of Malabo, in the library
    assert own_name(malabo, "Malabo") and own_name(malabo, "Malabo city")
    assert not own_name(malabo, "Marabo")


def test_a_place_named_by_an_alternate_name_elsewhere_than_the_text_is_not_taken(
    nlp: Language, gazetteer: Gazetteer
) -> None:
    text = "Rebels clashed with soldiers at a camp in Marabo (Irumu, Ituri) on Tuesday."
    location = place_of(nlp, gazetteer, text, "clashed", ["COD"])
    assert location is not None and location.country == "COD"


def test_a_molotov_cocktail_is_no_town(nlp: Language, gazetteer: Gazetteer) -> None:
    text = "Youths hurled Molotov cocktails at a police vehicle near the town of Abu Dis."
    location = place_of(nlp, gazetteer, text, "hurled")
    assert location is not None and location.country == "PSE"


def test_a_city_called_a_city_is_not_the_subdivision_of_its_name(nlp: Language, gazetteer: Gazetteer) -> None:
    location = place_of(nlp, gazetteer, "Students protested in Jerusalem city on Monday.", "protested")
    assert location is not None and (location.country, location.precision) == ("ISR", "city")


def test_a_province_known_only_elsewhere_gives_way_to_the_town_it_holds(
    nlp: Language, gazetteer: Gazetteer
) -> None:
    text = "A councilor was shot dead by gunmen in Barangay Lawa, Calamba, Laguna."
    location = place_of(nlp, gazetteer, text, "shot")
    assert location is not None and (location.name, location.country) == ("Calamba", "PHL")


def test_a_town_inside_its_state_outweighs_the_country_of_that_name(
    nlp: Language, gazetteer: Gazetteer
) -> None:
    text = "Gunmen attacked Kagara (Rafi LGA, Niger) and killed a resident."
    location = place_of(nlp, gazetteer, text, "attacked", ["NER"])
    assert location is not None and (location.name, location.country) == ("Kagara", "NGA")


def test_missions_name_the_one_country_they_work_in(tmp_path: Path) -> None:
    missions = load_missions()
    assert missions.countries("The OSCE SMM observed 12 explosions near a village.") == ["UKR"]
    text = "UNIFIL and the United Nations  Mission in South\nSudan, then UNIFIL again."
    assert missions.countries(text) == ["LBN", "SSD"]
    assert missions.countries("the unifil base") == []  # an acronym counts only as written
    assert missions.countries("The OSCE said the talks went well.") == []  # the OSCE works everywhere
    extra = tmp_path / "missions.yaml"
    extra.write_text("missions: [{name: Blue Watch Mission, aliases: [BWM], country: FJI}]", encoding="utf-8")
    assert load_missions([extra]).countries("BWM patrols and the blue watch mission") == ["FJI"]
    extra.write_text("missions: [{name: Nowhere Mission, country: Fiji}]", encoding="utf-8")
    with pytest.raises(DataFileError, match="country"):
        load_missions([extra])


def first_place(nlp: Language, gazetteer: Gazetteer, text: str, trigger: str) -> Location | None:
    """The place of the event whose trigger is in the first sentence of a longer text."""
    doc = nlp(text)
    sentence = next(iter(doc.sents))
    anchor = next(t for t in sentence if t.text == trigger)
    return find_location(sentence, anchor, gazetteer, [])


def test_an_ambiguous_name_is_read_in_the_country_the_rest_of_the_text_names(
    nlp: Language, gazetteer: Gazetteer
) -> None:
    alone = "Students marched through Tripoli on Tuesday."
    tripoli = place_of(nlp, gazetteer, alone, "marched")
    assert tripoli is not None and tripoli.country == "LBY"  # the larger Tripoli
    lebanon = first_place(nlp, gazetteer, alone + " The crisis in Lebanon has emptied the banks.", "marched")
    assert inside(lebanon, "Tripoli, Lebanon")
    libya = first_place(nlp, gazetteer, alone + " Libya's rival governments blamed each other.", "marched")
    assert inside(libya, "Tripoli, Lebanon") is False and libya is not None and libya.country == "LBY"
    # a demonym and a subdivision point the same way as a country name
    demonym = first_place(nlp, gazetteer, alone + " Lebanese banks stayed closed.", "marched")
    assert demonym is not None and demonym.country == "LBN"
    akkar = first_place(nlp, gazetteer, alone + " Roads to Akkar were blocked too.", "marched")
    assert akkar is not None and akkar.country == "LBN"
    # Al Jawf: a governorate of Yemen, a province of Saudi Arabia, a district of Libya
    yemen = first_place(
        nlp, gazetteer, "Jets struck Al Jawf overnight. Yemeni officials gave no toll.", "struck"
    )
    assert yemen is not None and yemen.country == "YEM"
    saudi = first_place(nlp, gazetteer, "Jets struck Al Jawf overnight. Riyadh gave no toll.", "struck")
    assert saudi is not None and saudi.country != "YEM"


def test_a_mission_that_works_in_one_country_points_to_it(nlp: Language, gazetteer: Gazetteer) -> None:
    text = "The OSCE SMM recorded twelve explosions near Kalinovo on Monday."
    location = first_place(nlp, gazetteer, text, "recorded")
    assert location is not None and location.country == "UKR"


def test_subdivisions_below_the_top_level_are_known(nlp: Language, gazetteer: Gazetteer) -> None:
    soum = gazetteer.resolve("Soum")  # a province of Burkina Faso (BF-SOM, under BF-12)
    assert soum is not None and (soum.country, soum.precision) == ("BFA", "admin2")
    text = "Gunmen burned the school in Tiembara (Tiembara, Soum) on Monday."
    location = place_of(nlp, gazetteer, text, "burned")
    assert location is not None and location.country == "BFA"
    # a district named after its town is the town; a city of the name elsewhere beats a district
    mangochi = gazetteer.resolve("Mangochi")
    assert mangochi is not None and mangochi.precision == "city"
    laguna = place_of(nlp, gazetteer, "Police shot a man in Barangay Uno, Santa Rosa, Laguna.", "shot")
    assert laguna is not None and (laguna.name, laguna.country) == ("Santa Rosa", "PHL")


def test_a_state_written_as_its_iso_code_holds_the_places_before_it(
    nlp: Language, gazetteer: Gazetteer
) -> None:
    india = place_of(
        nlp, gazetteer, "Workers protested in Hyderabad city (Hyderabad, TS) on Monday.", "protested"
    )
    assert india is not None and india.country == "IND"
    salem = place_of(nlp, gazetteer, "Weavers protested in Salem city (Salem, TN) on Monday.", "protested")
    assert salem is not None and salem.country == "IND"
    # letters of several codes that nothing before fits are an acronym, not a place
    text = "At Aung village, in Toungup Township, Rakhine State, AA fighters abducted two men."
    rakhine = place_of(nlp, gazetteer, text, "abducted")
    assert rakhine is not None and rakhine.country == "MMR"


def test_a_users_places_file_named_in_the_config_is_read_by_the_pipeline(tmp_path: Path) -> None:
    from trucewatch import api
    from trucewatch.config import load_settings

    folder = tmp_path / "config"  # not the working folder, where a trucewatch.toml would be read
    folder.mkdir()
    (folder / "my_places.yaml").write_text(
        "places:\n"
        "  - name: Zelenobrodivka\n"
        "    country: UKR\n"
        "    precision: city\n"
        "    latitude: 48.1\n"
        "    longitude: 37.9\n",
        encoding="utf-8",
    )
    config = folder / "trucewatch.toml"
    config.write_text('place_files = ["my_places.yaml"]\n', encoding="utf-8")
    line = '{"id": "v", "text": "Russian forces shelled Zelenobrodivka on Monday, killing two civilians."}\n'

    def place(settings_config: Path | None) -> Location | None:
        settings = load_settings(settings_config, str(tmp_path / "unused.db"))
        (result,) = api.extract([line], settings)
        assert result.events, result.error
        return result.events[0].location

    without = place(None)
    assert without is None or without.name != "Zelenobrodivka"
    found = place(config)
    assert found is not None and (found.name, found.country) == ("Zelenobrodivka", "UKR")


def test_what_a_text_points_to_ranks_places_before_demonyms(nlp: Language, gazetteer: Gazetteer) -> None:
    def countries(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        found = text_countries([nlp(text)], gazetteer)
        return found.places, found.demonyms

    # a province with its kind word after it, not held by the demonym that comes first
    assert countries("Turkish drones struck a farm in Diyala province.") == (("IRQ",), ("TUR",))
    # a country modifying a noun, and a capital that speaks, say whose, not where
    assert countries("Bakeries in Zahle raised bread prices as the US dollar climbed.")[1] == ("USA",)
    assert countries("Washington warned of new sanctions.") == ((), ("USA",))
    # a word of a longer name is no alternate name of a city elsewhere ("Busra" of Basrah)
    assert "IRQ" not in countries("Tourists used to visit the Roman theatre of Busra Esh-Sham.")[0]
    # a name far larger in one country than anywhere else counts, after the sure places
    assert countries("Farmers drove their tractors into Athens on Tuesday.")[0] == ("GRC",)
    # a one-country mission says where, before a demonym named as often
    assert countries("UNIFIL said Israeli drones flew over the area.") == (("LBN",), ("ISR",))
    assert countries("Nothing of note happened that day.") == ((), ())
