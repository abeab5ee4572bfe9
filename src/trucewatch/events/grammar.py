"""Grammar words of the event engine (light verbs, negation, modality, pronouns), from YAML."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from trucewatch.datafiles import load_yaml
from trucewatch.errors import DataFileError

GRAMMAR_FILE = Path(__file__).with_name("grammar.yaml")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Negation(_Frozen):
    adverbs: frozenset[str]
    determiners: frozenset[str]


class Hypothetical(_Frozen):
    auxiliaries: frozenset[str]
    markers: frozenset[str]


class Future(_Frozen):
    auxiliaries: frozenset[str]
    verbs: frozenset[str]
    set_phrases: frozenset[str]


class Pronouns(_Frozen):
    person: frozenset[str]
    group: frozenset[str]


class Grammar(_Frozen):
    """Everything in grammar.yaml (see its header for what each list does)."""

    light_verbs: frozenset[str]
    quantity_nouns: frozenset[str]
    event_frames: frozenset[str]
    content_modes: frozenset[str]
    backer_participles: frozenset[str]
    attributive_heads: frozenset[str]
    instrument_verbs: frozenset[str]
    defence_verbs: frozenset[str]
    response_words: frozenset[str]
    means: frozenset[str]
    negation: Negation
    hypothetical: Hypothetical
    future: Future
    future_prepositions: frozenset[str]
    violation: frozenset[str]
    ceasefire: tuple[str, ...]
    pronouns: Pronouns
    dispute: tuple[str, ...]
    allegation_nouns: frozenset[str]
    reciprocals: frozenset[str]


@cache
def grammar() -> Grammar:
    """The grammar words, read once per process."""
    try:
        return Grammar.model_validate(load_yaml(GRAMMAR_FILE))
    except ValidationError as exc:
        raise DataFileError(f"{GRAMMAR_FILE}: {exc}") from exc
