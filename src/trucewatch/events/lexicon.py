"""The event lexicon: one YAML file per PLOVER category, in ``lexicon/``, plus the user's files.

Each file lists the verbs and nouns that report an event of its category, where each one's
recipient is found, and the words that set the mode and contexts (the format is documented in
``lexicon/README.md``). The files are validated against the PLOVER ontology when loaded, and
compiled into a table from a trigger's head lemma to its candidate readings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from trucewatch.buildcache import Recipe, cached_build
from trucewatch.datafiles import load_model
from trucewatch.errors import DataFileError
from trucewatch.events.ontology import ontology

LEXICON_DIR = Path(__file__).with_name("lexicon")
STATUSES = ("asserted", "alleged", "denied", "hypothetical", "future", "negated")
# Where a recipient can be found, besides prepositions (any other word is taken as one).
TARGET_SLOTS = ("dobj", "iobj", "ccomp_subject", "xcomp_object", "poss")
SOURCE_SLOTS = ("between", "with", "among", "of", "poss_object")


class TriggerSpec(BaseModel):
    """Words that report an event, and where its participants are."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    words: list[str] = Field(min_length=1)
    pos: Literal["verb", "noun"]
    mode: str | None = None
    target: list[str] = Field(default_factory=list)
    source: list[str] = Field(default_factory=list)
    object: list[str] = Field(default_factory=list)
    not_object: list[str] = Field(default_factory=list)
    subject: list[str] = Field(default_factory=list)
    not_subject: list[str] = Field(default_factory=list)
    not_complement: list[str] = Field(default_factory=list)
    context: list[str] = Field(default_factory=list)
    embeds: Literal["alleged", "denied", "hypothetical", "future", "negated"] | None = None
    confidence: float = Field(default=0.7, gt=0, le=1)

    @field_validator("words", "object", "not_object", "subject", "not_subject", "not_complement")
    @classmethod
    def _lower(cls, value: list[str]) -> list[str]:
        return [w.strip().lower() for w in value]

    @field_validator("source")
    @classmethod
    def _source_slots(cls, value: list[str]) -> list[str]:
        for slot in value:
            if slot not in SOURCE_SLOTS:
                raise ValueError(f"unknown source slot {slot!r} (known: {', '.join(SOURCE_SLOTS)})")
        return value


class CategoryFile(BaseModel):
    """One lexicon file: the triggers, mode words and context words of a category."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    category: str
    triggers: list[TriggerSpec] = Field(default_factory=list)
    modes: dict[str, list[str]] = Field(default_factory=dict)
    contexts: dict[str, list[str]] = Field(default_factory=dict)


@dataclass(frozen=True)
class Reading:
    """One way a trigger word can be read: its category, the full phrase, and the spec.

    The spec's word lists are kept again as sets, since every candidate trigger of every
    sentence is checked against them.
    """

    category: str
    phrase: tuple[str, ...]
    head: int
    spec: TriggerSpec
    objects: frozenset[str] = frozenset()
    not_objects: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()
    not_subjects: frozenset[str] = frozenset()
    not_complements: frozenset[str] = frozenset()

    @property
    def preference(self) -> tuple[int, bool, float]:
        """How strongly the reading is preferred when several fit a word: the longest phrase,
        then one whose object or subject is named, then the most confident."""
        return (len(self.phrase), bool(self.spec.object or self.spec.subject), self.spec.confidence)

    @classmethod
    def of(cls, category: str, phrase: tuple[str, ...], head: int, spec: TriggerSpec) -> Reading:
        """A reading with its word sets taken from ``spec``."""
        return cls(
            category,
            phrase,
            head,
            spec,
            frozenset(spec.object),
            frozenset(spec.not_object),
            frozenset(spec.subject),
            frozenset(spec.not_subject),
            frozenset(spec.not_complement),
        )


@dataclass(frozen=True)
class Cues:
    """Cue words to look for in a sentence: single words as a set (one set intersection finds
    them all), phrases as the space-separated words spaCy makes of them ("cease - fire")."""

    singles: frozenset[str]
    phrases: dict[str, tuple[str, ...]]  # by first word, each phrase padded with spaces
    firsts: frozenset[str]

    @classmethod
    def of(cls, words: Iterable[str]) -> Cues:
        """The cues ``words`` (lower-cased)."""
        spaced = [" ".join(_tokens(w.lower())) for w in words]
        phrases: dict[str, list[str]] = defaultdict(list)
        for phrase in (w for w in spaced if " " in w):
            phrases[phrase.split()[0]].append(f" {phrase} ")
        return cls(
            frozenset(w for w in spaced if " " not in w),
            {first: tuple(found) for first, found in phrases.items()},
            frozenset(phrases),
        )


@dataclass(frozen=True)
class Lexicon:
    """Compiled lexicon: readings by head lemma and part of speech, most preferred first (in
    file order among equals), mode and context words."""

    readings: dict[tuple[str, str], tuple[Reading, ...]]
    mode_words: dict[str, tuple[tuple[str, Cues], ...]]
    context_words: dict[str, tuple[tuple[str, Cues], ...]]

    @cached_property
    def heads(self) -> frozenset[str]:
        """Every lemma that heads a reading: a word not among them is no trigger."""
        return frozenset(lemma for lemma, _ in self.readings)

    def candidates(self, lemma: str, pos: str) -> tuple[Reading, ...]:
        """Readings whose head word is ``lemma`` as a verb or a noun, most preferred first."""
        return self.readings.get((lemma, pos), ())


def _head_index(phrase: list[str], pos: str) -> int:
    """Verb phrases are headed by their first word ("call for"), noun phrases by their last, and
    so are hyphenated words, which spaCy splits into three tokens ("sit-in", "self-immolate")."""
    return 0 if pos == "verb" and "-" not in phrase else len(phrase) - 1


def _tokens(entry: str) -> list[str]:
    """The words of a lexicon entry as spaCy tokenises them: "sit-in" is sit, -, in."""
    return entry.replace("-", " - ").split()


def _validate(data: CategoryFile, path: Path) -> None:
    onto = ontology()
    try:
        onto.check(data.category)
        for trigger in data.triggers:
            onto.check(data.category, trigger.mode)
            for context in trigger.context:
                onto.check(data.category, context=context)
        for mode in data.modes:
            onto.check(data.category, mode)
        for context in data.contexts:
            onto.check(data.category, context=context)
    except ValueError as exc:
        raise DataFileError(f"{path}: {exc}") from exc


def read_file(path: Path) -> CategoryFile:
    """One lexicon file, validated; DataFileError names the file and the problem."""
    data = load_model(path, CategoryFile, "lexicon file")
    _validate(data, path)
    return data


def bundled_files() -> list[Path]:
    """The lexicon files shipped with trucewatch, one per category."""
    return sorted(LEXICON_DIR.glob("*.yaml"))


def load_lexicon(extra_files: Iterable[Path] = ()) -> Lexicon:
    """Compile the bundled files and ``extra_files`` (whose triggers add to the bundled ones)."""
    readings: dict[tuple[str, str], list[Reading]] = defaultdict(list)
    modes: dict[str, list[tuple[str, Cues]]] = defaultdict(list)
    contexts: dict[str, list[tuple[str, Cues]]] = defaultdict(list)
    for path in (*bundled_files(), *(Path(p) for p in extra_files)):
        data = read_file(path)
        for trigger in data.triggers:
            for entry in trigger.words:
                phrase = _tokens(entry)
                head = _head_index(phrase, trigger.pos)
                readings[(phrase[head], trigger.pos)].append(
                    Reading.of(data.category, tuple(phrase), head, trigger)
                )
        for mode, cues in data.modes.items():
            modes[data.category].append((mode, Cues.of(cues)))
        for context, cues in data.contexts.items():
            contexts[data.category].append((context, Cues.of(cues)))
    return Lexicon(
        readings={
            key: tuple(sorted(value, key=lambda r: r.preference, reverse=True))
            for key, value in readings.items()
        },
        mode_words={key: tuple(value) for key, value in modes.items()},
        context_words={key: tuple(value) for key, value in contexts.items()},
    )


@lru_cache(maxsize=8)
def cached_lexicon(extra_files: tuple[Path, ...] = ()) -> Lexicon:
    """The lexicon for these extra files, compiled once per process and kept on disk for the
    next (buildcache)."""
    return cached_build(lexicon_recipe(extra_files), lambda: load_lexicon(extra_files))


def lexicon_recipe(extra_files: tuple[Path, ...] = ()) -> Recipe:
    """What the lexicon for these extra files is built from (buildcache)."""
    return Recipe("lexicon", extra_files)
