"""PLOVER 2.0 categories, modes, contexts, quad classes and conflict-cooperation scores.

Read from ``ontology.yaml`` (the manual's tables) once per process. Everything that needs to
know whether a category or mode exists, or what it scores, asks an :class:`Ontology`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trucewatch.errors import DataFileError

ONTOLOGY_FILE = Path(__file__).with_name("ontology.yaml")
QUAD_NAMES = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}


class CategorySpec(BaseModel):
    """One PLOVER category."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    quad: int = Field(ge=1, le=4)
    score: float = Field(ge=-10, le=10)
    cameo: list[str]
    modes: dict[str, float]


class Ontology(BaseModel):
    """The whole ontology file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    categories: dict[str, CategorySpec]
    extension_modes: dict[str, list[str]]
    contexts: list[str]

    def check(self, category: str, mode: str | None = None, context: str | None = None) -> None:
        """Raise ValueError when ``category``, ``mode`` or ``context`` is not in PLOVER."""
        spec = self.categories.get(category)
        if spec is None:
            raise ValueError(f"unknown PLOVER category {category!r}")
        if mode is not None and mode not in spec.modes:
            known = ", ".join(sorted(spec.modes)) or "none"
            raise ValueError(f"{category} has no mode {mode!r} (modes: {known})")
        if context is not None and context not in self.contexts:
            raise ValueError(f"unknown PLOVER context {context!r}")

    def score(self, category: str, mode: str | None) -> float:
        """The conflict-cooperation score of a category and mode."""
        spec = self.categories[category]
        return spec.modes.get(mode, spec.score) if mode else spec.score

    def quad(self, category: str) -> int:
        """The quad class (1-4) of a category."""
        return self.categories[category].quad


@cache
def ontology() -> Ontology:
    """The ontology, read once per process."""
    try:
        raw = yaml.safe_load(ONTOLOGY_FILE.read_text(encoding="utf-8"))
        return Ontology.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise DataFileError(f"{ONTOLOGY_FILE}: {exc}") from exc
