"""Ceasefire statements: what an article says about a ceasefire's life, sentence by sentence.

Stages, in the order :meth:`CeasefireFinder.find` runs them:

1. nouns: every word that names a ceasefire ("truce", "cessation of hostilities"; "the
   agreement" once the article has named a ceasefire), skipping generic mentions ("every truce");
2. phase: from the word that governs the noun ("the truce collapsed", "agreed to a ceasefire",
   "the collapse of the truce", "ceasefire violations") or modifies it ("a potential
   ceasefire", "a truce brokered by ..."); a phase said of the future counts as proposed;
3. parties ("between X and Y", "the Israel-Iran ceasefire", "X's truce with Y", "a ceasefire in
   the Russia-Ukraine war", the subjects of "agreed") and mediators ("brokered by X", "Qatari
   mediation", "mediators such as Qatar and Oman", "one of Trump's achievements", third parties
   holding talks about it); when the sentence names fewer than two parties, the two sides the
   article is most about fill in;
4. date and history: the date of the statement, resolved against the publication date; a
   statement dated long before publication is history (``historical``);
5. violations: accusers and accused, from the article's accusations and assaults said to breach
   a ceasefire; the article's ceasefire events (CONCEDE, RETREAT, REQUEST, REJECT about a
   ceasefire) give statements of their own where the nouns gave none.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError
from spacy.tokens import Span, Token

from trucewatch.datafiles import load_yaml
from trucewatch.errors import DataFileError
from trucewatch.events.grammar import Grammar
from trucewatch.events.modality import status_of
from trucewatch.events.time import SentenceDates, event_date
from trucewatch.model import PHASES, Article, CeasefireMention, Event, Mention, Sentence
from trucewatch.nlp import Chunk, sentence_start, text_of, tokens

CEASEFIRE_FILE = Path(__file__).with_name("ceasefire.yaml")
# Phases that a statement of possibility turns into "proposed" ("could be extended"); a
# statement about the future keeps its phase, dated when it is due ("will take effect on Sunday").
FUTURE_TO_PROPOSED = frozenset({"agreed", "in_effect", "extended", "renewed"})
# Verbs of saying whose reported "would" is a future, not a condition.
REPORTING_VERBS = frozenset(
    {"say", "announce", "state", "add", "tell", "declare", "confirm", "report", "write", "post"}
)
SIDE_SECTORS_EXCLUDED = frozenset({"JRN", "IGO", "MED", "CVL", "REF", "UNK"})
# Event readings that are themselves statements about a ceasefire.
# (Calls for and refusals of a ceasefire are read from the nouns: a REQUEST/yield may be a call
# to halt one strike campaign, not a ceasefire between two sides.)
EVENT_PHASES = {
    ("CONCEDE", "ceasefire"): "agreed",
    ("RETREAT", "ceasefire"): "in_effect",
}


class _Phase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    verbs: list[str]
    modifiers: list[str]
    nouns: list[str]


class _Mediators(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    verbs: list[str]
    nouns: list[str]
    credit: list[str]


class _Generic(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    determiners: list[str]
    words: list[str]


class CeasefireWords(BaseModel):
    """The content of ceasefire.yaml (see its header)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    nouns: list[str]
    agreement_nouns: list[str]
    phases: dict[str, _Phase]
    mediators: _Mediators
    conflicts: list[str]
    generic: _Generic
    history_days: int
    terms: dict[str, list[str]]


@dataclass(frozen=True)
class CeasefireLexicon:
    """Compiled ceasefire words: lookups from a word (or phrase) to a phase."""

    nouns: tuple[tuple[str, ...], ...]
    # nouns by their first word, with their place in ``nouns``: every token of every article is
    # checked, so only the phrases that can start at it are tried
    noun_starts: dict[str, tuple[tuple[int, tuple[str, ...]], ...]]
    agreement_nouns: frozenset[str]
    verb_phase: dict[str, str]
    modifier_phase: dict[str, str]
    noun_phase: dict[str, str]
    mediator_verbs: frozenset[str]
    mediator_nouns: frozenset[str]
    credit_nouns: frozenset[str]
    conflicts: frozenset[str]
    generic_determiners: frozenset[str]
    generic_words: frozenset[str]
    history_days: int
    terms: dict[str, tuple[str, ...]]


def _compile(files: Iterable[Path]) -> CeasefireLexicon:
    merged: dict[str, object] = {}
    for path in files:
        raw = load_yaml(path)
        if not isinstance(raw, dict):
            raise DataFileError(f"{path}: ceasefire words must be a mapping")
        for key, value in raw.items():
            merged[key] = _merge(merged.get(key), value)
    try:
        words = CeasefireWords.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise DataFileError(f"ceasefire words: {'.'.join(map(str, first['loc']))}: {first['msg']}") from exc
    unknown = set(words.phases) - set(PHASES)
    if unknown:
        raise DataFileError(f"ceasefire words: unknown phase(s) {', '.join(sorted(unknown))}")
    verb_phase: dict[str, str] = {}
    modifier_phase: dict[str, str] = {}
    noun_phase: dict[str, str] = {}
    # later phases in PHASES win ties, so "broker" is agreed (not proposed) when asserted
    for phase in PHASES:
        spec = words.phases.get(phase)
        if spec is None:
            continue
        verb_phase.update(
            {w.lower(): phase for w in spec.verbs if phase != "proposed" or w not in verb_phase}
        )
        modifier_phase.update({w.lower(): phase for w in spec.modifiers})
        noun_phase.update({w.lower(): phase for w in spec.nouns})
    nouns = tuple(tuple(n.lower().split()) for n in words.nouns)
    starts: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    for order, phrase in enumerate(nouns):
        starts.setdefault(phrase[0], []).append((order, phrase))
    return CeasefireLexicon(
        nouns=nouns,
        noun_starts={first: tuple(found) for first, found in starts.items()},
        agreement_nouns=frozenset(w.lower() for w in words.agreement_nouns),
        verb_phase=verb_phase,
        modifier_phase=modifier_phase,
        noun_phase=noun_phase,
        mediator_verbs=frozenset(words.mediators.verbs),
        mediator_nouns=frozenset(words.mediators.nouns),
        credit_nouns=frozenset(words.mediators.credit),
        conflicts=frozenset(words.conflicts),
        generic_determiners=frozenset(words.generic.determiners),
        generic_words=frozenset(words.generic.words),
        history_days=words.history_days,
        terms={k: tuple(v) for k, v in words.terms.items()},
    )


def _merge(old: object, new: object) -> object:
    """Lists are appended and mappings merged, so a user's file adds to the bundled one."""
    if isinstance(old, list) and isinstance(new, list):
        return old + new
    if isinstance(old, dict) and isinstance(new, dict):
        return {
            k: _merge(old.get(k), new.get(k)) if k in old and k in new else new.get(k, old.get(k))
            for k in {*old, *new}
        }
    return new if new is not None else old


@lru_cache(maxsize=8)
def ceasefire_lexicon(extra_files: tuple[Path, ...] = ()) -> CeasefireLexicon:
    """The bundled ceasefire words and the user's, compiled once per process."""
    return _compile((CEASEFIRE_FILE, *extra_files))


@dataclass
class _Statement:
    phase: str
    cue: Token
    noun: Token | None
    sentence: Sentence
    chunk: Chunk
    parties: list[Mention]
    mediators: list[Mention]
    accusers: list[Mention]
    accused: list[Mention]
    events: list[str]


class CeasefireFinder:
    """Finds ceasefire statements in a parsed article; build once per process."""

    def __init__(self, words: CeasefireLexicon, grammar: Grammar) -> None:
        self.words = words
        self.grammar = grammar

    def find(
        self,
        article: Article,
        chunks: Sequence[Chunk],
        sentences: Sequence[Sentence],
        mentions: Sequence[Mention],
        events: Sequence[Event],
        dates: SentenceDates | None = None,
    ) -> list[CeasefireMention]:
        """Every statement the article makes about a ceasefire, in text order (``dates``: the
        article's sentence dates, when the event extractor has read them already)."""
        dates = dates or SentenceDates(article.published)
        by_start = {s.start: s for s in sentences}
        mention_at = _MentionIndex(chunks, mentions)
        sides = _article_sides(events, mentions)
        statements: list[_Statement] = []
        # Ceasefires named with both parties but no phase ("the ceasefire between Israel and
        # Hezbollah faced its test"): what "the truce" in the next sentences refers to.
        named: list[tuple[int, list[Mention]]] = []
        seen_ceasefire = False
        for chunk in chunks:
            for sent in chunk.doc.sents:
                sentence = by_start.get(chunk.offset + sentence_start(sent))
                if sentence is None:
                    continue
                nouns = self._nouns(sent, seen_ceasefire)
                named += [(sentence.index, p) for p in self._named_parties(nouns, mention_at)]
                in_sentence = [e for e in events if e.sentence == sentence.index]
                found = self._sentence(sent, nouns, sentence, chunk, mention_at, in_sentence)
                seen_ceasefire = seen_ceasefire or bool(found) or self._names_ceasefire(sent)
                found += self._from_events(sent, sentence, chunk, in_sentence, found)
                statements += found
        # A side named as a party of a ceasefire ("between Israel and Hezbollah") is no broker,
        # even where one of its own negotiated it (Lebanon's speaker for Hezbollah).
        named_sides = {side_key(p) for _, parties in named for p in parties}
        named_sides |= {side_key(p) for s in statements if len(s.parties) >= 2 for p in s.parties}
        brokers = {side_key(m) for s in statements for m in s.mediators} - named_sides
        for s in statements:
            s.parties = [p for p in s.parties if side_key(p) not in brokers]
        explicit = {id(s): len(s.parties) >= 2 for s in statements}
        anchors = [(s.sentence.index, s.parties) for s in statements if explicit[id(s)]]
        anchors += [(i, [p for p in parties if side_key(p) not in brokers]) for i, parties in named]
        anchors = [(i, parties) for i, parties in anchors if len(parties) >= 2]
        for s in statements:
            if not explicit[id(s)]:
                s.parties = _borrow_parties(s, anchors, sides)
        return [self._finish(s, article, explicit[id(s)], dates) for s in statements]

    def _named_parties(self, nouns: Sequence[Token], index: _MentionIndex) -> list[list[Mention]]:
        """The parties of each ceasefire a sentence names with both of them (``nouns``: its
        ceasefire nouns)."""
        out = []
        for noun in nouns:
            parties = self._parties(noun, noun, index)
            if len({side_key(p) for p in parties}) >= 2:
                out.append(parties)
        return out

    # 1. nouns
    def _names_ceasefire(self, sent: Span) -> bool:
        return any(self._noun_at(t) is not None for t in tokens(sent))

    def _noun_at(self, token: Token) -> int | None:
        """The length of the ceasefire phrase starting at ``token``, or None."""
        lower = token.lower_
        lemma = token.lemma_.lower()
        starts = self.words.noun_starts
        candidates = [*starts.get(lower, ())]
        if lemma != lower:
            candidates += [c for c in starts.get(lemma, ()) if len(c[1]) == 1]
        if not candidates:
            return None
        lowers = [t.lower_ for t in token.doc[token.i : token.i + 5]]
        for _, phrase in sorted(candidates):
            if len(phrase) == 1 or lowers[: len(phrase)] == list(phrase):
                return len(phrase)
        return None

    def _nouns(self, sent: Span, seen_ceasefire: bool) -> list[Token]:
        found = []
        for token in tokens(sent):
            if token.pos_ not in ("NOUN", "PROPN", "ADJ"):
                continue
            is_noun = self._noun_at(token) is not None
            if not is_noun and not (seen_ceasefire and token.lemma_.lower() in self.words.agreement_nouns):
                continue
            if is_noun and token.dep_ == "compound" and self._noun_at(token.head) is not None:
                continue  # "ceasefire agreement": one mention, headed by "agreement"
            if self._generic(token):
                continue
            found.append(token)
        return found

    def _generic(self, noun: Token) -> bool:
        dets = {c.lower_ for c in noun.children if c.dep_ in ("det", "amod")}
        if dets & (self.words.generic_determiners | self.words.generic_words):
            return True
        plural = noun.tag_ in ("NNS", "NNPS")
        return plural and not any(c.dep_ in ("det", "poss", "compound", "prep") for c in noun.children)

    # 2. phase
    def _phases(self, noun: Token) -> list[tuple[str, Token]]:
        """The phases said of a ceasefire noun, each with the word that says it."""
        head = noun.head if noun.dep_ == "compound" and noun.head.pos_ == "NOUN" else noun
        found: list[tuple[str, Token]] = []
        if head.i != noun.i and (phase := self.words.noun_phase.get(head.lemma_.lower())):
            found.append((phase, head))  # "ceasefire violations", "the truce collapse"
        for child in (*noun.children, *(head.children if head.i != noun.i else ())):
            if child.dep_ in ("amod", "acl", "relcl", "compound"):
                phase = self.words.modifier_phase.get(child.lower_) or self.words.modifier_phase.get(
                    child.lemma_.lower()
                )
                if phase is None and child.dep_ in ("acl", "relcl") and not _has_object(child):
                    phase = self._verb_phase(child)  # "a truce brokered by", not "a truce to end the war"
                if phase:
                    found.append((phase, child))
        governor = self._governor(head)
        if governor is not None:
            found.append(governor)
        return list(dict.fromkeys(found))

    def _verb_phase(self, verb: Token) -> str | None:
        lemma = verb.lemma_.lower()
        attached = {c.lemma_.lower() for c in verb.children} | {c.lower_ for c in verb.children}
        for words, phase in self.words.verb_phase.items():
            parts = words.split()
            if parts[0] == lemma and all(p in attached for p in parts[1:]):
                return phase
        if lemma in ("be", "remain", "stay") and any(
            c.dep_ == "prep"
            and c.lower_ == "in"
            and any(g.lemma_.lower() in ("effect", "place", "force") for g in c.children)
            for c in verb.children
        ):
            return "in_effect"
        return None

    def _governor(self, head: Token) -> tuple[str, Token] | None:
        """The phase given by the word the ceasefire phrase depends on."""
        dep = head.dep_
        gov = head.head
        if dep in ("nsubj", "nsubjpass", "dobj", "attr", "oprd", "appos") and gov.pos_ in ("VERB", "AUX"):
            phase = self._verb_phase(gov)
            return (phase, gov) if phase else None
        if dep == "pobj":
            prep = gov
            if prep.lower_ in ("without", "absent"):
                return None  # "ended without agreement on the second phase"
            owner = prep.head
            if owner.pos_ in ("NOUN", "PROPN") and (phase := self.words.noun_phase.get(owner.lemma_.lower())):
                return phase, owner  # "the collapse of the truce", "calls for a ceasefire"
            if owner.pos_ in ("VERB", "AUX") and (phase := self._verb_phase(owner)):
                return phase, owner  # "agreed to a truce", "begging for a ceasefire"
        if dep == "conj":
            return self._governor(gov)
        return None

    def _sentence(
        self,
        sent: Span,
        nouns: Sequence[Token],
        sentence: Sentence,
        chunk: Chunk,
        index: _MentionIndex,
        events: Sequence[Event],
    ) -> list[_Statement]:
        """The statements of a sentence whose ceasefire nouns are ``nouns``."""
        out: list[_Statement] = []
        for noun in nouns:
            for phase, cue in self._phases(noun):
                status = self._status(cue)
                if status == "negated" or (status == "hypothetical" and phase not in FUTURE_TO_PROPOSED):
                    continue  # "if Hezbollah broke the truce": no violation was alleged
                if status == "hypothetical":
                    phase = "proposed"  # "the pause could be extended": an extension on the table
                if phase in FUTURE_TO_PROPOSED and self._requested(cue):
                    phase = "proposed"  # "called on Russia to accept a ceasefire"
                if phase == "in_effect" and self._lasts_until(cue):
                    phase = "extended"  # "the ceasefire will remain in effect until 18 February"
                parties = self._parties(noun, cue, index, phase)
                brokers = self._brokers(noun, cue, index, parties, phase)
                mediators = [
                    m
                    for m in [*brokers, *self._mediators(sent, noun, cue, index, events)]
                    if not _among(m, parties)
                ]
                statement = _Statement(phase, cue, noun, sentence, chunk, parties, mediators, [], [], [])
                if phase == "violation_alleged":
                    self._violation(statement, events)
                statement.events = [e.id for e in events if "ceasefire" in e.context]
                out.append(statement)
        return _merge_statements(out)

    # 3. parties and mediators
    def _parties(
        self, noun: Token, cue: Token, index: _MentionIndex, phase: str | None = None
    ) -> list[Mention]:
        head = noun.head if noun.dep_ == "compound" and noun.head.pos_ == "NOUN" else noun
        found: list[Mention] = []
        for holder in {noun.i: noun, head.i: head, cue.i: cue}.values():
            proposer = _proposing(holder, noun, head, cue, phase)
            for child in holder.children:
                if child.dep_ in ("compound", "amod", "nmod", "poss") and child.i != noun.i:
                    if proposer or self._brokering(child):
                        continue  # "a US proposal for a truce", "the US-brokered truce": a broker
                    found += index.actors(child.subtree)
                elif child.dep_ == "prep" and child.lower_ in ("between", "with", "among"):
                    found += index.actors(t for g in child.children for t in g.subtree)
                elif child.dep_ == "prep" and child.lower_ in ("in", "to", "of", "for"):
                    for pobj in child.children:
                        if pobj.lemma_.lower() in self.words.conflicts:
                            found += index.actors(
                                t
                                for c in pobj.children
                                if c.dep_ in ("compound", "amod", "nmod", "poss")
                                for t in c.subtree
                            )
        if cue.pos_ in ("VERB", "AUX") and cue.lemma_.lower() not in self.words.mediator_verbs:
            for child in cue.children:
                if child.dep_ in ("nsubj", "nsubjpass") and child.i != head.i:
                    found += index.actors(_phrase(child))
        return _parties_only(found)

    def _brokering(self, modifier: Token) -> bool:
        """A modifier that names who brokered or proposed ("US-brokered", "Egyptian-proposed")."""
        words = {t.lower_ for t in modifier.subtree} | {t.lemma_.lower() for t in modifier.subtree}
        return bool(
            words & (self.words.mediator_verbs | {"brokered", "mediated", "proposed", "sponsored", "backed"})
        )

    def _brokers(
        self, noun: Token, cue: Token, index: _MentionIndex, parties: list[Mention], phase: str
    ) -> list[Mention]:
        """Brokers named around the ceasefire phrase itself: the modifiers of "US-brokered",
        the owner of "a US proposal for a truce", and a third party that announces, secures or
        declares a truce between two others ("Trump announced a ceasefire between ...")."""
        head = noun.head if noun.dep_ == "compound" and noun.head.pos_ == "NOUN" else noun
        found: list[Mention] = []
        for holder in {noun.i: noun, head.i: head, cue.i: cue}.values():
            proposer = _proposing(holder, noun, head, cue, phase)
            for child in holder.children:
                if child.dep_ in ("compound", "amod", "nmod", "poss") and (
                    proposer or self._brokering(child)
                ):
                    found += index.actors(child.subtree)
        if len(parties) >= 2 and cue.pos_ in ("VERB", "AUX"):
            for child in cue.children:
                if child.dep_ == "nsubj":
                    found += [m for m in index.actors(_phrase(child)) if not _among(m, parties)]
        return found

    def _status(self, cue: Token) -> str:
        """The cue's modality, reading "would" in reported speech as the future it reports
        ("said the truce would take effect on Wednesday")."""
        if self._conditional(cue):
            return "hypothetical"
        status = status_of(cue, {}, self.grammar)
        reported = cue.dep_ == "ccomp" and cue.head.lemma_.lower() in REPORTING_VERBS
        if status == "hypothetical" and reported and any(c.lower_ == "would" for c in cue.children):
            return "future"
        return status

    def _requested(self, cue: Token) -> bool:
        """A phase asked for rather than reached: the cue depends on a verb of request."""
        head = cue.head
        return cue.dep_ in ("xcomp", "ccomp") and self.words.verb_phase.get(head.lemma_.lower()) == "proposed"

    def _lasts_until(self, cue: Token) -> bool:
        """ "remain in effect until", "continue until": a new end date, an extension."""
        return cue.lemma_.lower() in ("remain", "continue", "stay", "last") and any(
            c.dep_ == "prep" and c.lower_ in ("until", "till", "through") for c in cue.children
        )

    def _conditional(self, cue: Token) -> bool:
        """A phase said in a clause of condition or time about the future ("once the pause
        ended", "if the truce collapses"): nothing has happened yet."""
        marks = {c.lower_ for c in cue.children if c.dep_ == "mark"}
        if not marks & {"if", "unless", "once", "until", "when", "before"}:
            return False
        main = cue.head
        return marks & {"if", "unless"} != set() or any(
            c.lower_ in ("will", "would", "'ll", "could", "might") for c in main.children if c.dep_ == "aux"
        )

    def _mediators(
        self, sent: Span, noun: Token, cue: Token, index: _MentionIndex, events: Sequence[Event]
    ) -> list[Mention]:
        found: list[Mention] = []
        for token in tokens(sent):
            lemma = token.lemma_.lower()
            if token.pos_ in ("VERB",) and lemma in self.words.mediator_verbs and not _on_behalf(token):
                for child in token.children:
                    if child.dep_ == "agent":
                        found += index.actors(t for g in child.children for t in g.subtree)
                    elif child.dep_ == "nsubj":
                        found += index.actors(_phrase(child))
            elif token.pos_ in ("NOUN", "PROPN") and lemma in self.words.mediator_nouns:
                for child in token.children:
                    if child.dep_ in ("amod", "compound", "poss", "appos", "nmod"):
                        found += index.actors(child.subtree)
                    elif child.dep_ == "prep" and child.lower_ in (
                        "as",
                        "like",
                        "including",
                        "from",
                        "of",
                        "by",
                    ):
                        found += index.actors(t for t in child.subtree)
                if token.dep_ in ("nsubj", "dobj", "pobj", "appos") and token.head.pos_ == "PROPN":
                    found += index.actors([token.head])
            elif token.pos_ == "NOUN" and lemma in self.words.credit_nouns:
                found += index.actors(c for c in token.children if c.dep_ == "poss")
        for event in events:
            if event.category == "CONSULT" and event.start <= index.offset_of(cue) + cue.idx + len(cue) + 400:
                found += [
                    m for m in (*event.actors, *event.targets) if m.actor.kind != "person" or m.actor.country
                ]
        return _parties_only(found)

    def _violation(self, statement: _Statement, events: Sequence[Event]) -> None:
        for event in events:
            if event.category == "ACCUSE":
                statement.accusers += list(event.actors)
                statement.accused += list(event.targets)
            elif event.category == "ASSAULT" and any(k == "violates" for k, _ in event.links):
                statement.accused += list(event.actors)

    def _from_events(
        self, sent: Span, sentence: Sentence, chunk: Chunk, events: Sequence[Event], found: list[_Statement]
    ) -> list[_Statement]:
        """Statements carried by the sentence's ceasefire events, where the nouns gave none."""
        have = {s.phase for s in found}
        out: list[_Statement] = []
        for event in events:
            phase = EVENT_PHASES.get((event.category, event.mode or ""))
            if event.category == "ACCUSE" and "ceasefire" in event.context:
                phase = "violation_alleged"
            if phase is None or phase in have or "ceasefire" not in event.context:
                continue
            if phase == "violation_alleged" and not any(
                w in text_of(sent).lower() for w in self.grammar.violation
            ):
                continue
            if event.status != "asserted":
                continue  # "demanded Israel halt": a halt asked for is not a ceasefire in effect
            cue = chunk.doc.char_span(
                event.start - chunk.offset, event.end - chunk.offset, alignment_mode="expand"
            )
            if cue is None:
                continue
            statement = _Statement(
                phase,
                cue.root,
                None,
                sentence,
                chunk,
                _parties_only([*event.actors, *event.targets]),
                [],
                [],
                [],
                [event.id],
            )
            if phase == "violation_alleged":
                statement.accusers = list(event.actors)
                statement.accused = list(event.targets)
            out.append(statement)
            have.add(phase)
        return out

    # 4. date, history, terms
    def _finish(
        self, s: _Statement, article: Article, explicit: bool, article_dates: SentenceDates
    ) -> CeasefireMention:
        sent = s.cue.sent
        published = article.published
        status = self._status(s.cue)
        future = status in ("future", "hypothetical") and s.phase != "extended"
        dates = article_dates.of(sent, future)
        if s.noun is not None:
            clauses = {t.i for c in s.noun.children if c.dep_ in ("relcl", "acl") for t in c.subtree}
            if s.cue.i not in clauses:  # "ending a ceasefire that had held since 19 January"
                dates = [d for d in dates if not any(t.i in clauses for t in d[0])]
        if s.phase == "extended":
            until = {
                t.i
                for c in s.cue.children
                if c.dep_ == "prep" and c.lower_ in ("until", "till")
                for t in c.subtree
            }
            dates = [d for d in dates if not any(t.i in until for t in d[0])]
        when = event_date(sent, s.cue, published, future=future, dates=dates)
        historical = bool(
            published
            and when.date
            and not when.from_article
            and (published.date() - when.date).days > self.words.history_days
        )
        start = s.chunk.offset + s.cue.idx
        end = start + len(s.cue.text)
        return CeasefireMention(
            id=_mention_id(article.id, s.sentence.index, start, s.phase),
            article_id=article.id,
            phase=s.phase,
            parties=tuple(s.parties),
            parties_inferred=not explicit,
            mediators=tuple(_unique(s.mediators)),
            date=when,
            status=status,
            historical=historical,
            terms=tuple(self._terms(sent)),
            accusers=tuple(_unique(s.accusers)),
            accused=tuple(_unique(s.accused)),
            sentence=s.sentence.index,
            start=start,
            end=end,
            trigger=article.text[start:end],
            sentence_text=s.sentence.text,
            events=tuple(dict.fromkeys(s.events)),
        )

    def _terms(self, sent: Span) -> list[str]:
        text = text_of(sent).lower()
        found: list[str] = []
        for match in re.finditer(
            r"\b([\w]+)[- ](day|week|month|hour)s?[- ](?:long\s+)?(?:truce|ceasefire|pause|halt)", text
        ):
            found.append(f"duration: {match.group(1)} {match.group(2)}s")
        lemmas = {t.lemma_.lower() for t in tokens(sent)}
        for kind, words in self.words.terms.items():
            if kind == "duration":
                continue
            hits = sorted(lemmas & set(words))
            if hits:
                found.append(f"{kind}: {', '.join(hits)}")
        return found


class _MentionIndex:
    """Actor mentions by token, across the article's chunks."""

    def __init__(self, chunks: Sequence[Chunk], mentions: Sequence[Mention]) -> None:
        self.by_token: dict[tuple[int, int], Mention] = {}
        self.offsets: dict[int, int] = {}
        for chunk in chunks:
            self.offsets[id(chunk.doc)] = chunk.offset
            for mention in mentions:
                span = chunk.doc.char_span(
                    mention.start - chunk.offset, mention.end - chunk.offset, alignment_mode="expand"
                )
                if span is not None:
                    for token in span:
                        self.by_token.setdefault((id(chunk.doc), token.i), mention)

    def offset_of(self, token: Token) -> int:
        return self.offsets[id(token.doc)]

    def actors(self, tokens: Iterable[Token]) -> list[Mention]:
        found: list[Mention] = []
        for token in tokens:
            mention = self.by_token.get((id(token.doc), token.i))
            if mention is not None and mention not in found:
                found.append(mention)
        return found


def _on_behalf(verb: Token) -> bool:
    """ "negotiated the deal on Hezbollah's behalf", "on behalf of Hamas": a party's negotiator,
    not a mediator."""
    holders = [verb, *(c for c in verb.children if c.dep_ == "dobj")]  # the parse may hang it on the object
    return any(
        c.dep_ == "prep" and c.lower_ == "on" and any(g.lemma_.lower() == "behalf" for g in c.children)
        for h in holders
        for c in h.children
    )


def _proposing(holder: Token, noun: Token, head: Token, cue: Token, phase: str | None) -> bool:
    """Whether the owner of ``holder`` proposed the truce: the cue is a noun of proposal apart
    from the ceasefire word ("a US proposal for a truce"). The owner of other cues is a party
    ("repeated Israeli violations of the truce")."""
    return phase == "proposed" and holder.i == cue.i and holder.i not in (noun.i, head.i)


def _has_object(verb: Token) -> bool:
    return any(c.dep_ in ("dobj", "attr") for c in verb.children)


def _phrase(token: Token) -> Iterable[Token]:
    """The tokens of a noun phrase without its embedded clauses."""
    stack = [token]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(c for c in current.children if c.dep_ not in ("relcl", "acl", "advcl", "ccomp"))


def side_key(mention: Mention) -> str | None:
    """The side an actor stands for in a dyad: its country, so that Hamas and its armed wing, or
    Putin and the Kremlin, are one side (the record keeps the names for display)."""
    return mention.actor.country


def _parties_only(mentions: Iterable[Mention]) -> list[Mention]:
    """Mentions that can stand for a side: known country, not a place, not media or the UN."""
    out: list[Mention] = []
    keys: set[str] = set()
    for m in mentions:
        key = side_key(m)
        if key is None or m.as_place or m.actor.sector in SIDE_SECTORS_EXCLUDED:
            continue
        if m.actor.country and len(m.actor.country) == 3 and m.actor.country in ("UNO", "EUR", "IGO", "NGO"):
            continue
        if key not in keys:
            keys.add(key)
            out.append(m)
    return out


def _among(mention: Mention, others: Sequence[Mention]) -> bool:
    key = side_key(mention)
    return any(
        side_key(o) == key or (o.actor.country and o.actor.country == mention.actor.country) for o in others
    )


def _article_sides(events: Sequence[Event], mentions: Sequence[Mention]) -> list[Mention]:
    """The sides an article is most about: those most often acting or acted upon in its events,
    then those most often named."""
    counts: Counter[str] = Counter()
    first: dict[str, Mention] = {}
    for event in events:
        weight = 3 if event.category in ("ASSAULT", "THREATEN", "ACCUSE", "COERCE") else 1
        for m in _parties_only([*event.actors, *event.targets]):
            key = side_key(m)
            assert key is not None
            counts[key] += weight
            first.setdefault(key, m)
    for m in _parties_only(mentions):
        key = side_key(m)
        assert key is not None
        counts[key] += 1
        first.setdefault(key, m)
    return [first[key] for key, n in counts.most_common() if n >= 2]


# How many sentences away a statement may take the parties of one that names them.
PARTY_REACH = 2


def _borrow_parties(
    statement: _Statement, anchors: list[tuple[int, list[Mention]]], sides: list[Mention]
) -> list[Mention]:
    """Parties for a statement that names fewer than two: those of the nearest ceasefire named
    with both ("A previous ceasefire ... collapsed. That agreement, reached between Israel and
    Hamas, ..."), else the pair the article names most often, else the sides the article is
    most about. ``anchors`` are the (sentence, parties) of the ceasefires named with both."""
    here = statement.sentence.index
    named = [(i, parties) for i, parties in anchors if all(_among(p, parties) for p in statement.parties)]
    near = [(i, parties) for i, parties in named if abs(i - here) <= PARTY_REACH]
    if near:
        return list(min(near, key=lambda a: (abs(a[0] - here), a[0] < here))[1])

    def dyad(parties: list[Mention]) -> tuple[str, ...]:
        return tuple(sorted(filter(None, (p.actor.country for p in parties))))

    dyads = Counter(dyad(parties) for _, parties in named)
    if dyads:
        best = dyads.most_common(1)[0][0]
        return list(next(parties for _, parties in named if dyad(parties) == best))
    return _fill_parties(statement.parties, sides, statement.mediators)


def _fill_parties(parties: list[Mention], sides: list[Mention], mediators: list[Mention]) -> list[Mention]:
    """Complete a dyad from the article's main sides when the sentence names fewer than two."""
    out = list(parties)
    for side in sides:
        if len(out) >= 2:
            break
        if not _among(side, out) and not _among(side, mediators):
            out.append(side)
    return out


def _unique(mentions: Iterable[Mention]) -> list[Mention]:
    seen: set[str] = set()
    out = []
    for m in mentions:
        if m.actor.key not in seen:
            seen.add(m.actor.key)
            out.append(m)
    return out


def _merge_statements(statements: list[_Statement]) -> list[_Statement]:
    """One statement per phase per sentence, with the parties and mediators of all its nouns."""
    merged: dict[str, _Statement] = {}
    for s in statements:
        if s.phase not in merged:
            merged[s.phase] = s
            continue
        kept = merged[s.phase]
        kept.parties = _parties_only([*kept.parties, *s.parties])
        kept.mediators = _unique([*kept.mediators, *s.mediators])
    return list(merged.values())


def _mention_id(article_id: str, sentence: int, start: int, phase: str) -> str:
    raw = f"{article_id}:{sentence}:{start}:{phase}:ceasefire"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]
