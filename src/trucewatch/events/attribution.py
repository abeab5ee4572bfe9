"""Who a sentence says reported what it says: "according to X", "X said", "(Reuters)".

A casualty figure or an alleged strike means little without its source: the same toll from a
health ministry and from an army is two claims, not one fact. This module finds the words that
name the source of a sentence (or of one event in it) and their offsets in the article; the
engine resolves them to an actor. The words it knows (reporting verbs, agency names) are data,
in ``attribution.yaml``.

Stages, in order of precedence (the first that finds a source wins):

1. "according to (reports from) X".
2. "citing X" / "quoting X" / "quoted X as saying": the original source, over the outlet citing it.
3. "as reported by X", "confirmed by X": the agent of a passive reporting verb.
4. "X said/reported/told ..." where the reporting verb is the sentence's root, or closes it
   after a comma with the reported clause before it (", the Israeli military said.").
5. A news agency in parentheses, as in a dateline "TEHRAN (Reuters) -".

A source is the subtree of its head word, cut before a relative clause ("the ministry, which is
run by Hamas,") and without surrounding punctuation; a pronoun ("he said") names no source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from spacy.tokens import Span, Token

from trucewatch.datafiles import load_model
from trucewatch.model import Attribution
from trucewatch.nlp import doc_text, text_of, tokens

ATTRIBUTION_FILE = Path(__file__).with_name("attribution.yaml")
# Dependents that end a source's words: relative clauses and clausal modifiers.
_CUT_DEPS = ("relcl", "acl")
# How a verb that closes the sentence hangs on it: ", the military said." / ", state media reported."
_TAIL_DEPS = ("conj", "parataxis", "advcl", "ccomp")
_STRIP = "\"'“”‘’()[],;:-–— "


class AttributionWords(BaseModel):
    """The whole ``attribution.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reporting_verbs: list[str] = Field(min_length=1)
    not_objects: list[str]
    source_nouns: list[str]
    citing_verbs: list[str]
    agencies: list[str]
    pronouns: list[str]


@dataclass(frozen=True)
class _Words:
    reporting: frozenset[str]
    not_objects: frozenset[str]
    source_nouns: frozenset[str]
    citing: frozenset[str]
    agencies: re.Pattern[str]
    pronouns: frozenset[str]


@cache
def _words() -> _Words:
    """``attribution.yaml``, read and validated once per process."""
    data = load_model(ATTRIBUTION_FILE, AttributionWords, "attribution words")
    names = "|".join(re.escape(a) for a in sorted(data.agencies, key=len, reverse=True))

    def lower(words: Iterable[str]) -> frozenset[str]:
        return frozenset(w.strip().lower() for w in words)

    return _Words(
        reporting=lower(data.reporting_verbs),
        not_objects=lower(data.not_objects),
        source_nouns=lower(data.source_nouns),
        citing=lower(data.citing_verbs),
        agencies=re.compile(rf"\(\s*(?P<name>{names})\s*\)"),
        pronouns=lower(data.pronouns),
    )


def _source(head: Token, offset: int) -> Attribution | None:
    """The words of the source headed by ``head``: its subtree, cut before a relative clause."""
    if head.lower_ in _words().pronouns:
        return None
    tokens = sorted(head.subtree, key=lambda t: t.i)
    cut = [c.left_edge.i for c in head.children if c.dep_ in _CUT_DEPS and c.i > head.i]
    if cut:
        tokens = [t for t in tokens if t.i < min(cut)]
    while tokens and tokens[0].text in _STRIP:
        tokens = tokens[1:]
    while tokens and tokens[-1].text.strip(_STRIP) == "":
        tokens = tokens[:-1]
    if not tokens:
        return None
    doc = head.doc
    words = doc[tokens[0].i : tokens[-1].i + 1]
    return Attribution(words.text, words.start_char + offset, words.end_char + offset)


def _behind_source_noun(token: Token) -> Token:
    """Skip a noun for what the source issued when the source follows: "reports from X" -> X."""
    if token.lemma_.lower() not in _words().source_nouns:
        return token
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ in ("from", "by", "of"):
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    return _behind_source_noun(obj)
    return token


def _according_to(tokens: Iterable[Token], offset: int) -> Attribution | None:
    for token in tokens:
        if token.lower_ != "according":
            continue
        doc = token.doc
        to = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if to is None or to.lower_ != "to":
            continue
        objects = [c for c in to.children if c.dep_ == "pobj"]
        if objects:
            return _source(_behind_source_noun(objects[0]), offset)
    return None


def _citing(tokens: Iterable[Token], offset: int) -> Attribution | None:
    for token in tokens:
        if token.lemma_.lower() not in _words().citing or token.pos_ != "VERB":
            continue
        objects = [c for c in token.children if c.dep_ in ("dobj", "pobj")]
        if objects and (found := _source(_behind_source_noun(objects[0]), offset)):
            return found
    return None


def _by_agent(verb: Token, offset: int) -> Attribution | None:
    """The source of a passive reporting verb: "as reported by X"."""
    for agent in verb.children:
        if agent.dep_ == "agent":
            for obj in agent.children:
                if obj.dep_ == "pobj":
                    return _source(_behind_source_noun(obj), offset)
    return None


def _is_reporting(token: Token) -> bool:
    w = _words()
    if token.pos_ not in ("VERB", "AUX") or token.lemma_.lower() not in w.reporting:
        return False
    # "could not verify" reports nothing; "claimed responsibility" is a claim of an act.
    return not any(
        c.dep_ == "neg" or (c.dep_ == "dobj" and c.lemma_.lower() in w.not_objects) for c in token.children
    )


def _by_subject(verb: Token, offset: int) -> Attribution | None:
    """The subject of a reporting verb; after it when inverted ("..., said Mohammed Ali, a spokesman")."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    inverted = [s for s in subjects if s.left_edge.i == verb.i + 1]
    if inverted:
        return _source(inverted[0], offset)
    if not subjects:
        return None
    found = _source(subjects[-1], offset)
    # "Palestinian news agency WAFA reported": the parser splits one name into two subjects.
    for before in reversed(subjects[:-1]):
        if found is None or before.right_edge.i + 1 != subjects[-1].left_edge.i:
            break
        if head := _source(before, offset):
            found = Attribution(
                doc_text(verb.doc)[head.start - offset : found.end - offset], head.start, found.end
            )
    return found


def _closes_sentence(verb: Token) -> bool:
    """Whether the verb closes the sentence, its clause before it: "..., the Israeli military said."."""
    if verb.dep_ not in _TAIL_DEPS:
        return False
    if any(c.dep_ in ("ccomp", "xcomp", "dobj") and c.i > verb.i for c in verb.children):
        return False
    subjects = [c.left_edge.i for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    first = min([verb.i, *subjects])
    before = verb.doc[first - 1] if first > 0 else None
    return before is not None and before.text in (",", "—", "–", "-", '"', "”", "’")


def _reporting_verbs(sentence: Span) -> Iterator[Token]:
    """Reporting verbs that speak for the whole sentence: its root, then verbs that close it."""
    verbs = [t for t in tokens(sentence) if _is_reporting(t)]
    yield from (v for v in verbs if v.dep_ == "ROOT")
    yield from (v for v in reversed(verbs) if v.dep_ != "ROOT" and _closes_sentence(v))


def _from_verb(verb: Token, offset: int) -> Attribution | None:
    """The source a reporting verb gives: whom it cites ("X reported, citing Y"), its agent, its subject."""
    return _citing(verb.subtree, offset) or _by_agent(verb, offset) or _by_subject(verb, offset)


def _agency(sentence: Span, offset: int) -> Attribution | None:
    m = _words().agencies.search(text_of(sentence))
    if m is None:
        return None
    start = sentence.start_char + m.start("name") + offset
    return Attribution(m["name"], start, start + len(m["name"]))


def find_attribution(sentence: Span, offset: int = 0) -> Attribution | None:
    """Who ``sentence`` says reported it, with offsets in the article (``offset`` is the chunk's).

    ``actor`` is left None: the engine fills it from the actor mentions at those offsets.
    """
    words = tokens(sentence)
    found = _according_to(words, offset) or _citing(words, offset)
    if found:
        return found
    for verb in words:
        if _is_reporting(verb) and (found := _by_agent(verb, offset)):
            return found
    for verb in _reporting_verbs(sentence):
        if found := _from_verb(verb, offset):
            return found
    return _agency(sentence, offset)


def attribution_for(sentence: Span, anchor: Token, offset: int = 0) -> Attribution | None:
    """The attribution whose reporting verb governs ``anchor``'s clause, else the sentence's.

    In "Israel said Hamas fired rockets, and Hamas said it had not", each event gets its own
    source; a source that covers the whole sentence ("according to X") applies to every event.
    """
    chain = [anchor, *anchor.ancestors]
    for token in chain:
        if token is not anchor and _is_reporting(token) and (found := _from_verb(token, offset)):
            return found
        for child in token.children:
            closing = child.i != anchor.i and _is_reporting(child) and _closes_sentence(child)
            if closing and (found := _from_verb(child, offset)):
                return found
    return find_attribution(sentence, offset)
