"""Organisations and missions that work in one country (``missions.yaml`` and the user's files
of its shape): a text that names one points to that country.

Read by the gazetteer (events/place.py), which prefers a mission's country between places of one
name, and by the ACLED-style rows (events/acled.py), which give an event with no place of its own
the country of the mission the text names. Apart from place.py, so that what reads only the
missions (an export's rows) does not import spaCy with the gazetteer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from trucewatch.datafiles import load_model

MISSIONS_FILE = Path(__file__).with_name("missions.yaml")
# A mission's name of this many words or more is matched ignoring case (see missions.yaml).
MISSION_LOOSE_WORDS = 3


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MissionSpec(_Strict):
    """One entry of a missions file (see the header of missions.yaml)."""

    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    country: str = Field(pattern=r"^[A-Z]{3}$")


class MissionFile(_Strict):
    """A whole missions file."""

    missions: list[MissionSpec] = Field(default_factory=list)


@dataclass(frozen=True)
class Missions:
    """Organisations and missions that work in one country (missions.yaml): the countries a text
    points to by naming them."""

    pattern: re.Pattern[str] | None = field(default=None, repr=False)
    country_of: Mapping[str, str] = field(default_factory=dict, repr=False)

    def countries(self, text: str) -> list[str]:
        """The countries of the missions ``text`` names, in the order first named."""
        if self.pattern is None or not text:
            return []
        names = (" ".join(m.group().split()).casefold() for m in self.pattern.finditer(text))
        return list(dict.fromkeys(code for code in map(self.country_of.get, names) if code))


def load_missions(extra_files: Iterable[Path] = ()) -> Missions:
    """The bundled missions.yaml and ``extra_files`` (a later entry with the same name replaces an
    earlier one). DataFileError names a file that cannot be read or fails validation."""
    specs: dict[str, MissionSpec] = {}
    for path in (MISSIONS_FILE, *(Path(p) for p in extra_files)):
        data = load_model(path, MissionFile, "missions file")
        specs.update((spec.name, spec) for spec in data.missions)
    country_of: dict[str, str] = {}
    exact: list[str] = []
    loose: list[str] = []
    for spec in specs.values():
        for name in (spec.name, *spec.aliases):
            country_of[name.casefold()] = spec.country
            (loose if len(name.split()) >= MISSION_LOOSE_WORDS else exact).append(name)
    if not country_of:
        return Missions()

    def alternatives(names: list[str]) -> str:
        ordered = sorted(set(names), key=len, reverse=True)
        return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in ordered)

    parts = []
    if exact:
        parts.append(f"(?:{alternatives(exact)})")
    if loose:
        parts.append(f"(?i:{alternatives(loose)})")
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)")
    return Missions(pattern, country_of)


@lru_cache(maxsize=8)
def cached_missions(extra_files: tuple[Path, ...] = ()) -> Missions:
    """The missions with these extra files, read once per process."""
    return load_missions(extra_files)
