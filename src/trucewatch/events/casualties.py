"""Casualty figures in a sentence: killed, injured and displaced, whose, over what period, by whom.

A figure is only useful with what it counts: "224" in "224 people were killed" is a death toll,
in "224 missiles" it is not, and "the toll rose to 224" names no victim at all. So each number
the sentence holds (found by :mod:`trucewatch.events.numbers`) is linked through the dependency
parse to a casualty word, and kept only when the link is one news uses. The casualty words are
data, in ``casualties.yaml``.

Stages of :func:`find_casualties`:

1. Counts: every count in the sentence, plus "a"/"an" before a victim of a casualty verb
   ("a child was killed").
2. Holder: the word the count measures ("224 people" -> people, "dozens of people" -> dozens).
3. Kind: the holder is a casualty word ("224 deaths", "12 dead"); or carries one ("people
   killed"); or is the victim of one ("were killed", "killing 3", "died", "left 12 dead"); or
   is the value of a measure ("the death toll rose to 224", "the number of deaths ... to 224").
   Parts of another figure ("including 30 children") and negated verbs give nothing.
4. Records: killed, injured and displaced figures of one clause ("killing 5 and wounding 12")
   go into one record; otherwise one record per figure.
5. Details: the victims' words and their country (via the engine's ``country_at``, on those
   words and on a locative "in X"), the period ("over six days"), and who reported it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from spacy.tokens import Span, Token

from trucewatch.datafiles import load_model
from trucewatch.errors import DataFileError
from trucewatch.events.attribution import attribution_for
from trucewatch.events.numbers import find_counts
from trucewatch.events.time import find_durations
from trucewatch.model import Casualties, Count
from trucewatch.nlp import entities, text_of, tokens

CASUALTIES_FILE = Path(__file__).with_name("casualties.yaml")
KINDS = ("killed", "injured", "displaced")
Kind = Literal["killed", "injured", "displaced"]
CountryAt = Callable[[int, int], str | None]
# Units after a number that make it a time or an age, not a count of people.
_TIME_UNITS = {"hour", "day", "week", "month", "year", "minute", "decade", "century", "a.m.", "p.m."}
# Dependents that modify a victim noun and belong to its words ("Hezbollah fighters", "people in Iran").
_VICTIM_LEFT = ("amod", "compound", "nmod", "poss", "case", "npadvmod", "punct")
# How the parser may attach a bare number after a casualty verb, besides as its object.
_BARE_NUMBER_DEPS = ("npadvmod", "dep", "oprd", "attr", "advmod", "appos")
# Text that may stand between two figures of one record ("killed 5 and wounded 12").
_JOIN = re.compile(r"^[\s,]*(?:and|as well as|while|with|,)?[\s,]*(?:another|a further|further)?\s*$")


class KindWords(BaseModel):
    """The words of one kind of casualty."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    words: list[str] = Field(min_length=1)
    intransitive: list[str] = Field(default_factory=list)


class CasualtyWords(BaseModel):
    """The whole ``casualties.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kinds: dict[Kind, KindWords]
    ambiguous: dict[str, Literal["killed", "injured", "displaced", "skip"]]
    measures: dict[str, Kind | None]
    link_verbs: list[str]
    home_verbs: list[str]
    home_words: list[str]
    not_victims: list[str]
    subset_words: list[str]
    negators: list[str]


@dataclass(frozen=True)
class _Lexicon:
    kind_of: dict[str, str]  # word -> killed, injured, displaced, or "ambiguous:<kind>"
    intransitive: frozenset[str]
    measures: dict[str, str | None]
    link_verbs: frozenset[str]
    home_verbs: frozenset[str]
    home_words: frozenset[str]
    not_victims: frozenset[str]
    subset_words: frozenset[str]
    negators: frozenset[str]


@cache
def _lexicon() -> _Lexicon:
    """``casualties.yaml``, read and validated once per process."""
    data = load_model(CASUALTIES_FILE, CasualtyWords, "casualty words")
    kind_of: dict[str, str] = {}
    for kind, spec in data.kinds.items():
        for word in spec.words:
            if kind_of.setdefault(word.lower(), kind) != kind:
                raise DataFileError(f"{CASUALTIES_FILE}: {word!r} is listed under two kinds")
    for word, reading in data.ambiguous.items():
        kind_of[word.lower()] = f"ambiguous:{reading}"

    def lower(words: Iterable[str]) -> frozenset[str]:
        return frozenset(w.lower() for w in words)

    return _Lexicon(
        kind_of=kind_of,
        intransitive=lower(w for spec in data.kinds.values() for w in spec.intransitive),
        measures={k.lower(): v for k, v in data.measures.items()},
        link_verbs=lower(data.link_verbs),
        home_verbs=lower(data.home_verbs),
        home_words=lower(data.home_words),
        not_victims=lower(data.not_victims),
        subset_words=lower(data.subset_words),
        negators=lower(data.negators),
    )


@dataclass(frozen=True)
class _Figure:
    """One count linked to a casualty word."""

    kind: str  # killed, injured, displaced, or "ambiguous:<kind>" ("casualties")
    count: Count
    words: Span  # the count's words
    cue: Token  # the casualty word
    holder: Token
    victim: Token | None

    @property
    def first(self) -> int:
        return min(self.words.start, self.cue.i)

    @property
    def last(self) -> int:
        """The last word of the figure, with the noun it counts when they form one phrase ("224 people")."""
        holder = self.holder
        in_phrase = holder.i >= self.words.end and holder.left_edge.i <= self.words.start
        return max(self.words.end - 1, self.cue.i, holder.i if in_phrase else 0)


# --- stage 3: what a count counts ---------------------------------------------------------------


def _word_kind(token: Token) -> str | None:
    """The casualty kind a word names, by its form or lemma; None for any other word."""
    kinds = _lexicon().kind_of
    return kinds.get(token.lower_) or kinds.get(token.lemma_.lower())


def _may_count(token: Token) -> bool:
    """Whether a word can carry a casualty figure (a casualty word, a measure, "homes")."""
    cues = _count_cues()
    return token.lower_ in cues or token.lemma_.lower() in cues


@cache
def _count_cues() -> frozenset[str]:
    """Every word :func:`_may_count` looks for, in one set."""
    words = _lexicon()
    return (
        frozenset(words.kind_of)
        | frozenset(words.measures)
        | frozenset(words.home_verbs)
        | frozenset(words.home_words)
    )


def _negated(token: Token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in _lexicon().negators for c in token.children)


def _cue_kind(token: Token) -> tuple[str, Token] | None:
    """The kind of a casualty word, unless negated or turned around ("saved 30 lives")."""
    kind = _word_kind(token)
    if kind is None or _negated(token):
        return None
    if token.head.lemma_.lower() in _lexicon().not_victims and token.dep_ in ("dobj", "pobj", "nsubjpass"):
        return None
    return kind, token


def _complement_kind(verb: Token) -> tuple[str, Token] | None:
    """The kind a verb's complement names: "were dead", "left 12 dead", "were reported killed"."""
    lex = _lexicon()
    if verb.lemma_.lower() in lex.link_verbs and not _negated(verb):
        for child in verb.children:
            if child.dep_ in ("acomp", "attr", "oprd", "xcomp", "ccomp", "advcl", "conj", "dobj"):
                if child.dep_ in ("conj", "dobj") and child.pos_ not in ("ADJ", "VERB"):
                    continue
                if found := _cue_kind(child):
                    return found
            if child.dep_ == "prep" and child.lower_ == "among":
                for obj in child.children:
                    if obj.dep_ == "pobj" and (found := _cue_kind(obj)):
                        return found
    homes = any(t.lemma_.lower() in lex.home_words for t in verb.subtree if t.i != verb.i)
    if verb.lemma_.lower() in lex.home_verbs and homes and not _negated(verb):
        return "displaced", verb
    return None


def _measure_kind(measure: Token, skip: set[int]) -> tuple[str, Token] | None:
    """The kind of "the (death) toll", "the number of deaths": a kind word in it, else its default."""
    lex = _lexicon()
    lemma = measure.lemma_.lower()
    if lemma not in lex.measures:
        return None
    for token in measure.subtree:
        if token.i not in skip and token.i != measure.i and (found := _cue_kind(token)):
            return found
    default = lex.measures[lemma]
    return (default, measure) if default else None


def _as_value(holder: Token, skip: set[int]) -> tuple[str, Token] | None:
    """The count is the value of a measure: "toll rose to 224", "toll of 224", "toll reached 224"."""
    head = holder.head
    verb: Token | None = None
    if holder.dep_ == "pobj" and head.lower_ in ("to", "at", "of"):
        if head.lower_ == "of" and (found := _measure_kind(head.head, skip)):
            return found
        if head.lower_ in ("to", "at") and head.head.pos_ in ("VERB", "AUX"):
            verb = head.head
    elif holder.dep_ in ("dobj", "attr") and head.pos_ in ("VERB", "AUX"):
        verb = head
    if verb is None:
        return None
    for child in verb.children:
        measure = child.dep_ in ("nsubj", "nsubjpass", "dobj") and child.i != holder.i
        if measure and (found := _measure_kind(child, skip)):
            return found
    return None


def _as_victim(holder: Token, skip: set[int]) -> tuple[str, Token] | None:
    """The holder is the one a casualty word happened to: its subject, object or possessor."""
    head, dep = holder.head, holder.dep_
    lex = _lexicon()
    if dep == "pobj" and head.lower_ in ("of", "to", "among") and (found := _cue_kind(head.head)):
        return found  # "deaths of 12 people", "injuries to 12", "bodies of 30 people"
    if dep in ("nsubjpass", "dobj") and (found := _cue_kind(head)):
        return found
    loose = holder.pos_ == "NUM" and dep in _BARE_NUMBER_DEPS and head.pos_ == "VERB"
    if loose and (found := _cue_kind(head)):
        return found  # "wounding 260", which the parser may attach loosely
    if dep == "nsubj":
        has_object = any(c.dep_ == "dobj" for c in head.children)
        perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for c in head.children)
        kind = _cue_kind(head)
        if kind and (head.lemma_.lower() in lex.intransitive or not (has_object or perfect)):
            return kind
    if dep in ("nsubj", "nsubjpass", "dobj") and (found := _complement_kind(head)):
        return found
    return _as_value(holder, skip)


def _holder(words: Span) -> Token:
    """The word a count measures: the noun it modifies, or the count's own head word."""
    root = words.root
    if root.dep_ in ("nummod", "quantmod", "det", "amod", "compound", "nmod") and root.head.i not in range(
        words.start, words.end
    ):
        return root.head
    return root


def _victim(holder: Token, words: Span) -> Token | None:
    """The noun that says who the victims are: the holder, or the "of" after a vague count.

    A casualty noun ("civilian deaths") is kept too: its modifiers name the victims.
    """
    if holder.i not in range(words.start, words.end):
        return holder
    for prep in holder.children:  # "dozens of people", "hundreds of Palestinians"
        if prep.dep_ == "prep" and prep.lower_ == "of":
            return next((o for o in prep.children if o.dep_ == "pobj"), None)
    return None


def _is_part(holder: Token) -> bool:
    """A part of another figure ("including 30 children", "among them 5 women")."""
    subset = _lexicon().subset_words
    token = holder
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token.dep_ == "pobj" and token.head.lower_ in subset


def _kind(holder: Token, skip: set[int]) -> tuple[str, Token] | None:
    if holder.pos_ != "NUM" and (found := _cue_kind(holder)):  # "224 deaths", "12 dead"
        return found
    for child in holder.children:  # "people killed", "1,277 injured", "people who were killed"
        if child.dep_ in ("amod", "acl", "relcl") and (found := _cue_kind(child) or _complement_kind(child)):
            return found
    token = holder
    while True:
        if found := _as_victim(token, skip):
            return found
        if token.dep_ != "conj" or token.head.i == token.i:  # "five soldiers and three civilians"
            return None
        token = token.head


def _is_time(words: Span, holder: Token) -> bool:
    doc = words.doc
    after = doc[words.end] if words.end < len(doc) else None
    if after is not None and after.text == "-" and words.end + 1 < len(doc):
        after = doc[words.end + 1]
    return holder.lemma_.lower() in _TIME_UNITS or (after is not None and after.lemma_.lower() in _TIME_UNITS)


def _figures(sentence: Span) -> Iterator[_Figure]:
    """Stage 1-3: every count linked to a casualty word."""
    used: set[int] = set()
    for match in find_counts(text_of(sentence)):
        words = sentence.char_span(match.start, match.end, alignment_mode="expand")
        if words is None:
            continue
        holder = _holder(words)
        skip = set(range(words.start, words.end))
        if _is_time(words, holder) or _is_part(holder):
            continue
        found = _kind(holder, skip)
        if found is None:
            continue
        used.update(skip)
        yield _Figure(found[0], match.count, words, found[1], holder, _victim(holder, words))
    yield from _singular_victims(sentence, used)


def _singular_victims(sentence: Span, used: set[int]) -> Iterator[_Figure]:
    """One victim named with "a" or "an": "a child was killed", "killed a commander"."""
    for token in tokens(sentence):
        if token.lower_ not in ("a", "an") or token.dep_ != "det" or token.i in used:
            continue
        noun = token.head
        if noun.tag_ not in ("NN", "NNP") or any(c.dep_ == "nummod" for c in noun.children):
            continue
        found = _as_victim(noun, set())
        if found is None or found[1].i == noun.i:
            continue
        words = sentence.doc[token.i : token.i + 1]
        yield _Figure(found[0], Count(1, "exact", text=token.text), words, found[1], noun, noun)


# --- stage 4 and 5: records ---------------------------------------------------------------------


def _clause_head(token: Token) -> Token:
    """The verb whose clause holds ``token``: itself if a verb, else its nearest verb ancestor."""
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head
    return token


def _conj_top(token: Token) -> int:
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token.i


def _joined(record: list[_Figure], figure: _Figure) -> bool:
    """Figures of one clause: "killing 5 and wounding 12", "12 dead and dozens wounded"."""
    ambiguous = figure.kind.startswith("ambiguous") or any(f.kind.startswith("ambiguous") for f in record)
    if ambiguous or any(f.kind == figure.kind for f in record):
        return False
    last = record[-1]
    if _conj_top(last.cue) == _conj_top(figure.cue) and last.cue.i != figure.cue.i:
        return True
    doc = figure.cue.doc
    if figure.first <= last.last:
        return False
    gap = doc[last.last + 1 : figure.first].text
    return bool(_JOIN.match(gap))


def _records(figures: list[_Figure]) -> list[list[_Figure]]:
    records: list[list[_Figure]] = []
    for figure in sorted(figures, key=lambda f: f.first):
        if records and _joined(records[-1], figure):
            records[-1].append(figure)
        else:
            records.append([figure])
    return records


def _victim_words(victim: Token, skip: set[int]) -> Span | None:
    """The victim noun with its modifiers and a locative "in X": "Hezbollah fighters", "people in Iran"."""
    kept = [victim.i]
    for child in victim.children:
        if child.i in skip or _word_kind(child) is not None:
            continue
        if child.i < victim.i and child.dep_ in _VICTIM_LEFT:
            kept.extend(t.i for t in child.subtree if t.i not in skip)
        elif child.i > victim.i and child.dep_ == "prep" and child.lower_ in ("in", "from"):
            kept.extend(t.i for t in child.subtree)
    if _word_kind(victim) is not None:  # a casualty noun: only its modifiers name the victims
        kept.remove(victim.i)
    if not kept:
        return None
    doc = victim.doc
    words = doc[min(kept) : max(kept) + 1]
    while len(words) and words[0].dep_ in ("case", "punct"):
        words = words[1:]
    while len(words) and words[-1].dep_ == "punct":
        words = words[:-1]
    return words if len(words) else None


def _locatives(tokens: Iterable[Token]) -> Iterator[Span]:
    """The objects of "in X" on the figure's words: "killed in Iran", "people in Gaza"."""
    for token in tokens:
        for prep in token.children:
            if prep.dep_ == "prep" and prep.lower_ in ("in", "inside", "across", "throughout"):
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        yield obj.doc[obj.left_edge.i : obj.right_edge.i + 1]


def _country(
    victims: Span | None, record: list[_Figure], country_at: CountryAt | None, offset: int
) -> str | None:
    if country_at is None:
        return None
    spans: list[Span] = []
    if victims is not None:
        spans.append(victims)
        spans.extend(entities(victims))
        spans.extend(victims.doc[t.i : t.i + 1] for t in victims if t.pos_ in ("ADJ", "PROPN"))
    anchors = [t for f in record for t in (f.cue, f.holder, f.victim) if t is not None]
    spans.extend(_locatives(anchors))
    for span in spans:
        if code := country_at(span.start_char + offset, span.end_char + offset):
            return code
    return None


def _period(sentence: Span, record: list[_Figure]) -> float | None:
    """The length of a duration attached to the figure's clause ("over six days"), in days."""
    heads = {_clause_head(f.cue).i for f in record} | {_clause_head(f.holder).i for f in record}
    for duration in find_durations(text_of(sentence)):
        words = sentence.char_span(duration.start, duration.end, alignment_mode="expand")
        if words is not None and (_clause_head(words.root).i in heads or words.root.head.i in heads):
            return duration.days
    return None


def _counts(record: list[_Figure]) -> dict[str, Count]:
    counts: dict[str, Count] = {}
    for figure in record:
        kind = figure.kind
        if kind.startswith("ambiguous:"):
            if figure.count.value == 0:  # "no casualties": none killed and none injured
                counts.setdefault("killed", figure.count)
                counts.setdefault("injured", figure.count)
                continue
            kind = kind.split(":", 1)[1]
        if kind in KINDS:
            counts.setdefault(kind, figure.count)
    return counts


def find_casualties(sentence: Span, offset: int = 0, country_at: CountryAt | None = None) -> list[Casualties]:
    """Every casualty figure in ``sentence``, in text order, with offsets in the article.

    ``offset`` is the character offset of the sentence's document in the article;
    ``country_at(start, end)`` (article offsets) gives the ISO3 code of a place or actor
    mentioned there, and sets ``victims_country``.
    """
    if not any(_may_count(token) for token in tokens(sentence)):
        return []  # most sentences name no casualty at all: skip the number search
    found: list[Casualties] = []
    for record in _records(list(_figures(sentence))):
        counts = _counts(record)
        if not counts:
            continue
        doc = sentence.doc
        first, last = min(f.first for f in record), max(f.last for f in record)
        words = doc[first : last + 1]
        skip = {i for f in record for i in range(f.words.start, f.words.end)}
        victim = next((f.victim for f in record if f.victim is not None), None)
        victims = _victim_words(victim, skip) if victim is not None else None
        attribution = attribution_for(sentence, record[0].cue, offset)
        found.append(
            Casualties(
                killed=counts.get("killed"),
                injured=counts.get("injured"),
                displaced=counts.get("displaced"),
                victims=victims.text if victims is not None else None,
                victims_country=_country(victims, record, country_at, offset),
                period_days=_period(sentence, record),
                reported_by=attribution.text if attribution else None,
                start=words.start_char + offset,
                end=words.end_char + offset,
                text=words.text,
            )
        )
    return found
