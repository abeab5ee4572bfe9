"""Event extraction: PLOVER events from a parsed article, each with its provenance.

Stages, in the order :meth:`EventExtractor.extract` runs them for each sentence:

1. triggers: verbs and nouns whose lemma the lexicon lists, with their phrase (the words
   attached to them) and constraints (object, subject) checked against the parse;
2. arguments: source and recipient from the dependency structure: subject or passive agent,
   objects and the prepositions the lexicon names, possessors and nationality modifiers of
   noun events, subjects inherited through control and coordination, pronouns resolved to
   the last person or group named; the words are mapped to the article's actor mentions;
3. attributes: status (modality), date, place, casualty figures, attribution, mode,
   contexts, score and quad class, confidence;
4. links: accusations to what they allege, denials to what they deny, assaults said to
   breach a ceasefire to the ceasefire event of the article.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from spacy.tokens import Span, Token

from trucewatch.events.attribution import find_attribution
from trucewatch.events.casualties import find_casualties
from trucewatch.events.grammar import Grammar
from trucewatch.events.lexicon import Cues, Lexicon, Reading
from trucewatch.events.modality import governing_verb, status_of
from trucewatch.events.ontology import Ontology
from trucewatch.events.place import Gazetteer, find_location, text_countries
from trucewatch.events.time import SentenceDates, event_date
from trucewatch.model import Actor, Article, Attribution, Casualties, Event, Mention, Sentence, TextCountries
from trucewatch.nlp import Chunk, sentence_start, tokens

CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "csubj", "parataxis"})
SUBJECT_DEPS = frozenset({"nsubj", "csubj", "expl"})
INHERIT_DEPS = frozenset({"advcl", "conj", "xcomp", "acl", "pcomp", "ccomp"})
MODIFIER_SOURCE_DEPS = frozenset({"poss", "amod", "compound", "nmod"})
# Children of a verb that never complete its phrase: "to protest" is not "protest to".
NOT_PHRASE_DEPS = frozenset(
    {"aux", "auxpass", "mark", "neg", "punct", "nsubj", "nsubjpass", "det", "cc", "conj", "case", "expl"}
)
# A casualty figure without its own event joins an event this many sentences back at most.
CASUALTY_REACH = 2
# Prepositions of a place phrase ("near Vodyane", "in Rubare").
PLACE_PREPS = frozenset({"in", "near", "at", "outside", "around", "inside", "across", "along"})
# A possessive pronoun looks this many heads up for the subject it refers to.
MAX_ANTECEDENT_STEPS = 4
# A material event without a place of its own takes one from this many sentences away at most.
PLACE_REACH = 2
# A response answers an act against its source this many sentences back at most.
RESPONSE_REACH = 3
# Categories of acts that a response answers.
HOSTILE = frozenset({"ASSAULT", "COERCE", "THREATEN", "SANCTION", "MOBILIZE"})
# A denial links to an accusation this many sentences back at most.
DENIAL_REACH = 3
VIOLENT = frozenset({"ASSAULT", "COERCE", "PROTEST"})
# PLOVER's verbal quad classes (cooperation 1, conflict 3): what such an event asks for, offers
# or rejects has not happened; the object of a material event has.
VERBAL_QUADS = frozenset({1, 3})
# Categories whose events are worth keeping with only a place ("interns protested in Haifa").
MATERIAL = frozenset({"ASSAULT", "COERCE", "PROTEST", "MOBILIZE"})
PLACE_ENTITIES = frozenset({"GPE", "LOC", "FAC", "DATE", "TIME", "CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
# Entities whose words are names, never cue words of a mode.
NAME_ENTITIES = frozenset({"GPE", "LOC", "FAC", "PERSON", "ORG"})
# Modifiers kept in the name of an unresolved participant ("medical interns", "two off-duty policemen").
NAME_DEPS = frozenset({"compound", "amod", "nummod", "nmod"})


@dataclass
class Found:
    """An event under construction."""

    trigger: Token
    reading: Reading
    sentence: Sentence
    chunk: Chunk
    actors: list[Mention] = field(default_factory=list)
    targets: list[Mention] = field(default_factory=list)
    status: str = "asserted"
    mode: str | None = None
    embedded_by: Found | None = None
    casualties: Casualties | None = None
    violation: bool = False
    links: list[tuple[str, str]] = field(default_factory=list)
    event: Event | None = None


@dataclass(frozen=True)
class SentenceWords:
    """A sentence's words and lemmas, for fast "does it say X" tests of one or more words."""

    single: frozenset[str]
    joined: str

    @classmethod
    def of(cls, sent: Span) -> SentenceWords:
        words = tokens(sent)
        lowers = [t.lower_ for t in words]
        lemmas = [t.lemma_.lower() for t in words]
        return cls(
            frozenset(lowers) | frozenset(lemmas), " " + " ".join(lowers) + " " + " ".join(lemmas) + " "
        )

    def has(self, cue: str) -> bool:
        """True when the sentence holds ``cue`` (a word, or words in a row, as forms or lemmas; a
        hyphenated word is the three tokens spaCy makes of it)."""
        if "-" in cue:
            cue = cue.replace("-", " - ")
        return cue in self.single if " " not in cue else f" {cue} " in self.joined

    def any(self, cues: Cues) -> bool:
        """True when the sentence holds one of ``cues``."""
        if not self.single.isdisjoint(cues.singles):
            return True
        return any(p in self.joined for first in self.single & cues.firsts for p in cues.phrases[first])


class _ArgumentWords:
    """The lemmas of a candidate trigger's object, subject and complements: a word has several
    readings to try, most of which ask for one of these, so each is read from the parse once."""

    def __init__(self, token: Token, quantities: frozenset[str]) -> None:
        self.token = token
        self.quantities = quantities

    @cached_property
    def objects(self) -> set[str]:
        return _object_lemmas(self.token, self.quantities)

    @cached_property
    def subjects(self) -> set[str]:
        return _subject_lemmas(self.token)

    @cached_property
    def complements(self) -> set[str]:
        return {c.lemma_.lower() for c in self.token.children if c.dep_ == "xcomp"}


class ArticleContext:
    """What the extractor knows about one article: its mentions, indexed by token per chunk."""

    def __init__(
        self,
        article: Article,
        chunks: Sequence[Chunk],
        sentences: Sequence[Sentence],
        mentions: Sequence[Mention],
        dates: SentenceDates | None = None,
    ) -> None:
        self.article = article
        self.dates = dates or SentenceDates(article.published)
        self.sentences = sentences
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.by_token: dict[tuple[int, int], Mention] = {}
        # a word in two mentions belongs to the shorter ("Peru" in "troops of Peru and Ecuador")
        shortest_first = sorted(self.mentions, key=lambda m: m.end - m.start)
        for chunk_no, chunk in enumerate(chunks):
            for mention in shortest_first:
                span = chunk.doc.char_span(
                    mention.start - chunk.offset, mention.end - chunk.offset, alignment_mode="expand"
                )
                if span is None:
                    continue
                for token in span:
                    self.by_token.setdefault((chunk_no, token.i), mention)
        self.chunks = chunks
        self._memo: dict[tuple[int, int], dict[Any, Any]] = {}
        self.chunk_numbers = {id(chunk.doc): i for i, chunk in enumerate(chunks)}

    def memo(self, chunk: Chunk, sent: Span) -> dict[Any, Any]:
        """Per-sentence results shared by the events of one sentence (attribution, dates, places)."""
        return self._memo.setdefault((id(chunk), sent.start), {})

    def sentence_index(self, start: int) -> int:
        """The index of the sentence holding article offset ``start``."""
        index = 0
        for sentence in self.sentences:
            if sentence.start <= start:
                index = sentence.index
            else:
                break
        return index

    def offset_of(self, token: Token) -> int:
        """Where the chunk holding ``token`` starts in the article text."""
        return self.chunks[self.chunk_numbers[id(token.doc)]].offset

    def mention_at(self, token: Token) -> Mention | None:
        return self.by_token.get((self.chunk_numbers[id(token.doc)], token.i))

    def country_at(self, start: int, end: int) -> str | None:
        """The country of the first actor or place mention inside article offsets start..end."""
        for mention in self.mentions:
            if mention.start >= start and mention.end <= end and mention.actor.country:
                return mention.actor.country
        return None

    def last_before(self, offset: int, person: bool) -> Mention | None:
        """The last actor mention before ``offset`` that a pronoun could refer to."""
        best = None
        for mention in self.mentions:
            if mention.start >= offset:
                break
            if mention.as_place:
                continue
            is_person = mention.actor.kind == "person"
            if is_person == person and (person or mention.actor.country):
                best = mention
        return best


class EventExtractor:
    """Finds PLOVER events; build once per process (it holds the compiled lexicon)."""

    def __init__(self, lexicon: Lexicon, grammar: Grammar, ontology: Ontology, gazetteer: Gazetteer) -> None:
        self.lexicon = lexicon
        self.grammar = grammar
        self.ontology = ontology
        self.gazetteer = gazetteer
        self._ceasefire_cues = Cues.of(grammar.ceasefire)
        self._violation_cues = Cues.of(grammar.violation)

    # 1. triggers
    def _reading(self, token: Token, present: frozenset[str]) -> Reading | None:
        pos = "verb" if token.pos_ in ("VERB", "AUX") else "noun" if token.pos_ in ("NOUN", "PROPN") else None
        if pos is None:
            return None
        lemma = token.lemma_.lower()
        words = _ArgumentWords(token, self.grammar.quantity_nouns)
        # the candidates come most preferred first: the first that fits is the one to keep
        return next(
            (r for r in self.lexicon.candidates(lemma, pos) if self._fits(token, r, present, words)), None
        )

    def _fits(self, token: Token, reading: Reading, present: frozenset[str], words: _ArgumentWords) -> bool:
        """Whether ``reading`` fits ``token`` in its sentence (``present``: the sentence's words
        and lemmas, which a phrase's other words must be among before the parse is consulted;
        ``words``: the lemmas of the token's arguments)."""
        if len(reading.phrase) > 1 and not (
            present.issuperset(reading.phrase) and _phrase_matches(token, reading)
        ):
            return False
        if reading.objects or reading.not_objects:
            objects = words.objects
            if reading.objects and not objects & reading.objects:
                return False
            if objects & reading.not_objects:
                return False
        if reading.subjects or reading.not_subjects:
            subjects = words.subjects
            if reading.subjects and not subjects & reading.subjects:
                return False
            if subjects & reading.not_subjects:
                return False
        if reading.not_complements:
            return not words.complements & reading.not_complements
        return True

    def _triggers(self, sent: Span, present: frozenset[str]) -> list[tuple[Token, Reading]]:
        found = []
        heads = self.lexicon.heads
        for token in tokens(sent):
            if token.lemma_.lower() not in heads or _is_modifier(token, self.grammar.event_frames):
                continue
            reading = self._reading(token, present)
            if reading is not None:
                found.append((token, reading))
        return found

    # 2. arguments
    def _participants(
        self, token: Token, ctx: ArticleContext, skip: Token | None = None, unresolved: bool = True
    ) -> list[Mention]:
        """Actor mentions in the phrase headed by ``token`` (coordinated phrases included).

        With ``unresolved``, a noun phrase naming no known actor stands for one by its words
        ("medical interns"); a modifier of an event noun does not ("peace talks", "large-scale
        strikes"), since a modifier names a participant only when it names a known actor.
        """
        pronoun = self._pronoun(token, ctx)
        if pronoun is not None:
            return [pronoun]
        if self._reciprocal(token):
            return []  # "each other": the sources themselves (see _arguments)
        counted = _counted(token, self.grammar.quantity_nouns)
        if counted is not None:  # "dozens of civilians": the civilians
            return self._participants(counted, ctx, skip, unresolved)
        seen: dict[str, Mention] = {}
        places = 0
        for t in _phrase_tokens(token, skip):
            mention = ctx.mention_at(t)
            if mention is not None and (self._backer(t) or self._attributive(t)):
                continue
            if mention is not None and not mention.as_place:
                seen.setdefault(mention.actor.key, mention)
            elif mention is not None:
                places += 1
        # in the order the text names them: by where each ends, since the last of coordinated
        # modifiers carries the role word before them ("troops of Peru and Ecuador")
        found = sorted(seen.values(), key=lambda m: m.end)
        with_country = [m for m in found if m.actor.country]
        if with_country or found:
            return with_country or found
        if not unresolved or places or token.pos_ not in ("NOUN", "PROPN"):
            return []
        if token.ent_type_ in PLACE_ENTITIES or self._names_event(token):
            return []
        return [_unresolved(token, ctx)]

    def _subject_antecedent(self, token: Token, ctx: ArticleContext) -> Mention | None:
        """What a possessive pronoun refers to when the clause around it has a subject before it:
        "the army repelled an attack on its convoy" (its = the army's)."""
        current = token
        for _ in range(MAX_ANTECEDENT_STEPS):
            if current.head == current:
                return None
            current = current.head
            subject = next((c for c in current.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is not None and subject.i < token.i and subject.pos_ != "PRON":
                found = [m for t in _phrase_tokens(subject, None) if (m := ctx.mention_at(t)) is not None]
                return next((m for m in found if not m.as_place), None)
        return None

    def _backer(self, token: Token) -> bool:
        """A name joined to a participle of support ("Iran-backed militias", "UN-funded"): it
        names who stands behind the participant, not the participant."""
        doc = token.doc
        after = token.i + 2
        return (
            after < len(doc)
            and doc[token.i + 1].text == "-"
            and doc[after].tag_ == "VBN"
            and doc[after].lemma_.lower() in self.grammar.backer_participles
        )

    def _attributive(self, token: Token) -> bool:
        """A name that only qualifies a thing ("the US dollar exchange rate", "Iranian oil"): no
        participant. The nouns compounded with it are what it qualifies."""
        if token.dep_ not in ("compound", "amod", "nmod"):
            return False
        top = token
        while top.dep_ == "compound" and top.head != top:
            top = top.head
        group = [top, *(c for c in top.subtree if c.dep_ == "compound" and c != token)]
        return any(t.lemma_.lower() in self.grammar.attributive_heads for t in group)

    def _names_event(self, token: Token) -> bool:
        """An event is not a participant ("the ceasefire agreement came into force")."""
        lemma = token.lemma_.lower()
        return bool(self.lexicon.candidates(lemma, "noun")) or lemma in self.grammar.ceasefire

    def _pronoun(self, token: Token, ctx: ArticleContext) -> Mention | None:
        word = token.lower_
        person = word in self.grammar.pronouns.person
        if token.pos_ != "PRON" or not (person or word in self.grammar.pronouns.group):
            return None
        offset = ctx.offset_of(token)
        start = offset + token.idx
        antecedent = self._subject_antecedent(token, ctx) if token.dep_ == "poss" else None
        antecedent = antecedent or ctx.last_before(offset + token.sent[0].idx, person)
        if antecedent is None:
            return None
        return Mention(
            antecedent.sentence, start, start + len(token.text), token.text, antecedent.actor, "pronoun"
        )

    def _arguments(self, found: Found, ctx: ArticleContext) -> None:
        token, spec = found.trigger, found.reading.spec
        sources: list[Mention] = []
        targets: list[Mention] = []
        if spec.pos == "verb":
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)
            for child in token.children:
                if child.dep_ in SUBJECT_DEPS:
                    sources += self._participants(child, ctx)
                elif child.dep_ == "nsubjpass":
                    targets += self._participants(child, ctx)
                elif child.dep_ == "agent":
                    for pobj in child.children:
                        sources += self._participants(pobj, ctx)
            if not sources and not passive:
                subject = _inherited_subject(token)
                if subject is not None:
                    sources += self._participants(subject, ctx)
            if not sources and passive:
                # "were shot and killed by militants": the agent of one passive serves both
                for agent in _coordinated_agents(token):
                    sources += self._participants(agent, ctx)
            targets += self._slot_targets(token, spec.target, ctx)
            obj = next((c for c in token.children if c.dep_ == "dobj"), None)
            if obj is not None and obj.pos_ in ("NOUN", "PROPN"):
                targets += self._prep_objects(obj, spec.target, ctx)
        else:
            for child in token.children:
                if child.dep_ == "poss":
                    sources += self._participants(child, ctx)
                elif child.dep_ in MODIFIER_SOURCE_DEPS:
                    sources += self._participants(child, ctx, unresolved=False)
                elif child.dep_ == "prep" and child.lower_ == "by":
                    for pobj in child.children:
                        sources += self._participants(pobj, ctx)
            targets += self._prep_objects(token, [t for t in spec.target if t not in ("dobj", "iobj")], ctx)
            verb = governing_verb(token)
            if (
                verb is not None
                and token.dep_ == "dobj"
                and verb.lemma_.lower() in self.grammar.defence_verbs
            ):
                # "the army repelled an attack": the defenders are what was attacked
                subject = next(
                    (c for c in verb.children if c.dep_ in SUBJECT_DEPS), None
                ) or _inherited_subject(verb)
                if subject is not None:
                    targets += self._participants(subject, ctx)
            if not sources:
                # "the attack, in which Hamas fighters crossed the border": who did it is told in
                # a clause about it
                for clause in (c for c in token.children if c.dep_ == "relcl"):
                    subject = next((c for c in clause.children if c.dep_ in SUBJECT_DEPS), None)
                    if subject is not None and subject.pos_ != "PRON":
                        sources += self._participants(subject, ctx, unresolved=False)
            carrier = self.grammar.light_verbs | self.grammar.response_words
            if not sources and verb is not None and verb.lemma_.lower() in carrier:
                subject = next(
                    (c for c in verb.children if c.dep_ in SUBJECT_DEPS), None
                ) or _inherited_subject(verb)
                if subject is not None:
                    sources += self._participants(subject, ctx)
                targets += self._prep_objects(verb, spec.target, ctx)
        for slot in spec.source:
            sources += self._prep_objects(token, [slot], ctx)
        found.actors = _known_first(_unique(sources))
        found.targets = _known_first(
            [m for m in _unique(targets) if m.actor.key not in {a.actor.key for a in found.actors}]
        )
        if not found.targets and len(found.actors) >= 2 and self._acts_on_each_other(token):
            found.targets = list(found.actors)  # "Israel and Iran blamed each other"

    def _reciprocal(self, token: Token) -> bool:
        """ "each other", "one another" (headed by "other" or "one", the other word its det)."""
        return any(
            f"{c.lower_} {token.lower_}" in self.grammar.reciprocals
            or f"{token.lower_} {c.lower_}" in self.grammar.reciprocals
            for c in token.children
            if c.dep_ == "det"
        )

    def _acts_on_each_other(self, trigger: Token) -> bool:
        """Whether the trigger's object, or the object of one of its prepositions, is "each
        other" ("blamed each other", "accusations against one another")."""
        for child in trigger.children:
            if self._reciprocal(child):
                return True
            if child.dep_ == "prep" and any(self._reciprocal(g) for g in child.children):
                return True
        return False

    def _slot_targets(self, token: Token, slots: Sequence[str], ctx: ArticleContext) -> list[Mention]:
        out: list[Mention] = []
        for child in token.children:
            direct = child.dep_ in ("dobj", "iobj") and child.dep_ in slots
            if direct or (child.dep_ == "dative" and "iobj" in slots):
                out += self._participants(child, ctx)
            elif child.dep_ == "ccomp" and "ccomp_subject" in slots:
                subject = next((c for c in child.children if c.dep_ in SUBJECT_DEPS), None)
                if subject is not None:
                    out += self._participants(subject, ctx)
            elif child.dep_ == "xcomp" and "xcomp_object" in slots:
                obj = next((c for c in child.children if c.dep_ == "dobj"), None)
                if obj is not None:
                    out += self._participants(obj, ctx)
        out += self._prep_objects(token, [s for s in slots if s not in ("dobj", "iobj")], ctx)
        return out

    def _prep_objects(self, token: Token, preps: Sequence[str], ctx: ArticleContext) -> list[Mention]:
        wanted = {p for p in preps if p not in ("dobj", "iobj", "ccomp_subject", "xcomp_object", "poss")}
        out: list[Mention] = []
        if "poss" in preps:
            for child in token.children:
                if child.dep_ == "poss":
                    out += self._participants(child, ctx)
        for child in token.children:
            if child.dep_ in ("prep", "agent", "dative") and child.lower_ in wanted:
                for pobj in child.children:
                    if pobj.dep_ in ("pobj", "pcomp"):
                        out += self._participants(pobj, ctx)
            elif child.dep_ == "acl" and child.lower_ in wanted:  # "attacks targeting X"
                obj = next((c for c in child.children if c.dep_ == "dobj"), None)
                if obj is not None:
                    out += self._participants(obj, ctx)
        return out

    # 3. attributes
    def _mode(self, found: Found) -> str | None:
        if found.reading.spec.mode:
            return found.reading.spec.mode
        content = found.reading.category in self.grammar.content_modes
        phrases = [_phrase_words(found.trigger, self.grammar.instrument_verbs, content)]
        verb = governing_verb(found.trigger) if found.reading.spec.pos == "noun" else None
        if verb is not None and verb.lemma_.lower() in self.grammar.light_verbs:
            # "warplanes carried out raids": the means is the light verb's subject
            subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
            if subject is not None:
                phrases.append(_phrase_words(subject, self.grammar.instrument_verbs))
        for mode, cues in self.lexicon.mode_words.get(found.reading.category, ()):
            if any(words.any(cues) for words in phrases):
                return mode
        return None

    def _contexts(self, found: Found, words: SentenceWords, memo: dict[Any, Any]) -> tuple[str, ...]:
        """The reading's own contexts, then those its category's cue words give the sentence
        (looked up once per sentence and category, in ``memo``)."""
        category = found.reading.category
        if ("contexts", category) not in memo:
            said = [c for c, cues in self.lexicon.context_words.get(category, ()) if words.any(cues)]
            memo["contexts", category] = [*said, "ceasefire"] if self._mentions_ceasefire(words) else said
        contexts = list(found.reading.spec.context)
        for context in memo["contexts", category]:
            if context not in contexts:
                contexts.append(context)
        return tuple(contexts)

    def _mentions_ceasefire(self, words: SentenceWords) -> bool:
        return words.any(self._ceasefire_cues)

    def _violates_ceasefire(self, found: Found, words: SentenceWords) -> bool:
        if found.reading.category != "ASSAULT":
            return False
        return words.any(self._violation_cues) and (
            self._mentions_ceasefire(words) or words.has("agreement") or words.has("deal")
        )

    # the whole article
    def extract(
        self,
        article: Article,
        chunks: Sequence[Chunk],
        sentences: Sequence[Sentence],
        mentions: Sequence[Mention],
        dates: SentenceDates | None = None,
    ) -> list[Event]:
        """Every event in an article, in text order (``dates``: the article's sentence dates,
        when another stage shares them)."""
        ctx = ArticleContext(article, chunks, sentences, mentions, dates)
        by_start = {s.start: s for s in sentences}
        all_found: list[Found] = []
        figures: list[tuple[Sentence, Casualties]] = []
        spans: dict[int, tuple[Span, Chunk]] = {}
        for chunk in chunks:
            for sent in chunk.doc.sents:
                sentence = by_start.get(chunk.offset + sentence_start(sent))
                if sentence is None:
                    continue
                spans[sentence.index] = (sent, chunk)
                found = self._sentence_events(sent, sentence, chunk, ctx)
                all_found += found
                for figure in find_casualties(sent, chunk.offset, ctx.country_at):
                    if not _attach_casualties(figure, found):
                        figures.append((sentence, figure))
        for sentence, figure in figures:
            _attach_to_earlier(figure, sentence, all_found)
        for item in all_found:
            item.mode = self._mode(item)
        for item in all_found:
            # an event that cannot be kept needs only its mode, which it may lend to another
            if _may_be_kept(item):
                self._finish(item, ctx)
        _share_modes(all_found, self.ontology, self.grammar.means)
        self._places_from_context(all_found, spans, ctx)
        self._retaliation_targets(all_found)
        kept = [f for f in all_found if _worth_keeping(f)]
        return _link(kept, self._deny_links)

    def countries(self, chunks: Sequence[Chunk]) -> TextCountries:
        """The countries the article points to, most likely first (see
        :func:`~trucewatch.events.place.text_countries`): where an event with no place of its
        own, or an article with no event, most likely happened."""
        return text_countries((chunk.doc for chunk in chunks), self.gazetteer)

    def _places_from_context(
        self, found: list[Found], spans: Mapping[int, tuple[Span, Chunk]], ctx: ArticleContext
    ) -> None:
        """Give a material event whose sentence names no place the place of the sentences around
        it: the nearest before it, else the nearest after ("Clashes broke out in Rubare. Two
        soldiers were killed."), within PLACE_REACH sentences."""
        for item in found:
            event = item.event
            if event is None or event.location is not None or item.reading.category not in MATERIAL:
                continue
            here = item.sentence.index
            countries = [m.actor.country for m in (*item.actors, *item.targets) if m.actor.country]
            for index in (
                *range(here - 1, here - PLACE_REACH - 1, -1),
                *range(here + 1, here + PLACE_REACH + 1),
            ):
                if index not in spans:
                    continue
                sent, chunk = spans[index]
                readers = ctx.memo(chunk, sent).setdefault("readers", {})
                where = find_location(sent, sent.root, self.gazetteer, countries, readers)
                if where is not None:
                    item.event = replace(event, location=where)
                    break

    def _retaliation_targets(self, found: list[Found]) -> None:
        """A response with no recipient named answers the last one who acted against its source:
        "Israel struck Iranian sites. Iran responded with missile attacks" (Iran -> Israel)."""
        for number, item in enumerate(found):
            if item.targets or not item.actors or not self._responds(item.trigger):
                continue
            sides = {m.actor.key for m in item.actors} | {
                m.actor.country for m in item.actors if m.actor.country
            }
            for earlier in reversed(found[:number]):
                if item.sentence.index - earlier.sentence.index > RESPONSE_REACH:
                    break
                hit = {m.actor.key for m in earlier.targets} | {m.actor.country for m in earlier.targets}
                if earlier.reading.category in HOSTILE and earlier.actors and sides & hit:
                    item.targets = [m for m in earlier.actors if m.actor.key not in sides]
                    break

    def _responds(self, trigger: Token) -> bool:
        """The trigger answers something: a verb of response carries it ("responded with
        attacks"), it is one ("retaliated"), or a word of retaliation qualifies it."""
        words = self.grammar.response_words
        verb = governing_verb(trigger)
        if trigger.lemma_.lower() in words or (verb is not None and verb.lemma_.lower() in words):
            return True
        return any(c.lemma_.lower() in words for c in trigger.children if c.dep_ in ("amod", "prep", "advcl"))

    def _sentence_events(
        self, sent: Span, sentence: Sentence, chunk: Chunk, ctx: ArticleContext
    ) -> list[Found]:
        memo = ctx.memo(chunk, sent)
        if "words" not in memo:
            memo["words"] = SentenceWords.of(sent)
        triggers = self._triggers(sent, memo["words"].single)
        trigger_tokens = {t.i: r for t, r in triggers}
        embedders = {t.i: r.spec.embeds for t, r in triggers if r.spec.embeds}
        found: list[Found] = []
        by_token: dict[int, Found] = {}
        carried: set[int] = set()  # light verbs whose event is the noun they carry
        for token, reading in triggers:
            if reading.spec.pos != "noun":
                continue
            governor = _governing_trigger(token, trigger_tokens)
            light = governor is not None and governor.lemma_.lower() in self.grammar.light_verbs
            if governor is not None and light and not trigger_tokens[governor.i].objects:
                carried.add(governor.i)
        phrase_words = {
            t.i for token, reading in triggers for t in _trigger_phrase(token, reading) if t != token
        }
        for token, reading in triggers:
            if token.i in carried or token.i in phrase_words:  # "went on strike" holds no second event
                continue
            if reading.spec.pos == "noun":
                governor = _governing_trigger(token, trigger_tokens)
                light = governor is not None and governor.lemma_.lower() in self.grammar.light_verbs
                verbal = (
                    governor is not None
                    and self.ontology.quad(trigger_tokens[governor.i].category) in VERBAL_QUADS
                )
                # "called for a ceasefire": the call is the event; "held a general strike": the
                # light verb's own reading, chosen through its object, is; "police dispersed a
                # demonstration": both happened
                if governor is not None and (verbal or light) and (not light or governor.i not in carried):
                    continue
            item = Found(token, reading, sentence, chunk)
            item.status = status_of(token, embedders, self.grammar)
            self._arguments(item, ctx)
            by_token[token.i] = item
            found.append(item)
        found = _merge_elaborations(found, by_token)
        for item in found:
            embedder = _embedding_trigger(item.trigger, embedders)
            if embedder is not None and embedder in by_token:
                item.embedded_by = by_token[embedder]
                if not item.actors:
                    outer = item.embedded_by
                    # "accused Tehran of launching": the accused launched; "denied firing": the denier fired
                    item.actors = list(
                        outer.targets if outer.reading.spec.embeds == "alleged" else outer.actors
                    )
        return found

    def _finish(self, found: Found, ctx: ArticleContext) -> Event:
        sent = found.trigger.sent
        offset = found.chunk.offset
        category = found.reading.category
        mode = found.mode
        memo = ctx.memo(found.chunk, sent)
        if "words" not in memo:
            memo["words"] = SentenceWords.of(sent)
        words = memo["words"]
        context = self._contexts(found, words, memo)
        found.violation = self._violates_ceasefire(found, words)
        if "attribution" not in memo:
            attribution = find_attribution(sent, offset)
            memo["attribution"] = _with_actor(attribution, ctx) if attribution is not None else None
        attribution = memo["attribution"]
        published = ctx.article.published
        future = found.status == "future"
        dates = ctx.dates.of(sent, future)
        when = event_date(sent, found.trigger, published, future=future, dates=dates)
        countries = [m.actor.country for m in (*found.actors, *found.targets) if m.actor.country]
        where = find_location(sent, found.trigger, self.gazetteer, countries, memo.setdefault("readers", {}))
        phrase = _trigger_phrase(found.trigger, found.reading)
        start = offset + min(t.idx for t in phrase)
        phrase_end = max(t.idx + len(t) for t in phrase)
        event = Event(
            id=event_id(ctx.article.id, found.sentence.index, start, category),
            article_id=ctx.article.id,
            category=category,
            mode=mode,
            context=context,
            actors=tuple(found.actors),
            targets=tuple(found.targets),
            status=found.status,
            date=when,
            location=where,
            casualties=found.casualties,
            attributed_to=attribution,
            sentence=found.sentence.index,
            start=start,
            end=offset + phrase_end,
            trigger=ctx.article.text[start : offset + phrase_end],
            score=self.ontology.score(category, mode),
            quad=self.ontology.quad(category),
            confidence=_confidence(found),
            sentence_text=found.sentence.text,
        )
        found.event = event
        return event

    def _deny_links(self, events: list[Found]) -> None:
        """Point denials at what they deny and accusations at what they allege."""
        for item in events:
            assert item.event is not None
            outer = item.embedded_by
            if outer is not None and outer.event is not None:
                kind = outer.reading.spec.embeds
                if kind == "alleged":
                    outer.links.append(("alleges", item.event.id))
                    item.links.append(("alleged_by", outer.event.id))
                elif kind == "denied":
                    outer.links.append(("denies", item.event.id))
                    item.links.append(("denied_by", outer.event.id))
            if item.event.mode == "deny" and not any(k == "denies" for k, _ in item.links):
                accusation = _recent_accusation(item, events)
                if accusation is not None and accusation.event is not None:
                    item.links.append(("denies", accusation.event.id))
                    accusation.links.append(("denied_by", item.event.id))
                    if not item.targets:
                        item.targets = list(accusation.actors)


def _unresolved(token: Token, ctx: ArticleContext) -> Mention:
    """A participant the catalogue does not know ("medical interns", "a man"): kept by its words.

    Its actor has no country and the PLOVER sector UNK, so views and exports can show who the
    text says took part even when trucewatch cannot say whose side they are on.
    """
    words = [
        t
        for t in token.subtree
        if t.i == token.i or (t.head.i == token.i and t.dep_ in NAME_DEPS and not _set_off(t))
    ]
    start_token, end_token = min(words, key=lambda t: t.i), max(words, key=lambda t: t.i)
    offset = ctx.offset_of(token)
    start = offset + start_token.idx
    end = offset + end_token.idx + len(end_token.text)
    text = ctx.article.text[start:end]
    sentence = ctx.sentence_index(start)
    actor = Actor("UNK:" + "-".join(text.lower().split()), text, None, "UNK", "group")
    return Mention(sentence, start, end, text, actor, "unresolved")


def _set_off(token: Token) -> bool:
    """A modifier separated from its head by a comma ("in Tehuacan, Puebla, prison guards"):
    a fronted phrase the parser joined to the noun, not part of its name."""
    low, high = sorted((token.i, token.head.i))
    return any(t.text == "," for t in token.doc[low:high])


def _share_modes(found: list[Found], ontology: Ontology, means: frozenset[str]) -> None:
    """An event of one category whose words name no means takes the means of one it is joined to
    in its sentence (and the score that goes with it): "two children were killed when a
    landmine exploded" was a landmine. Only means (``means``) pass: a killing beside an
    abduction is no abduction. An event that cannot be kept (no Event built) still lends its
    means."""
    for item in found:
        if item.mode is not None:
            continue
        for other in found:
            if other is item or other.mode not in means:
                continue
            joined = other.trigger.is_ancestor(item.trigger) or item.trigger.is_ancestor(other.trigger)
            if joined and other.reading.category == item.reading.category and other.sentence is item.sentence:
                item.mode = other.mode
                if item.event is not None:
                    event = item.event
                    item.event = replace(
                        event, mode=item.mode, score=ontology.score(event.category, item.mode)
                    )
                break


def _merge_elaborations(found: list[Found], by_token: dict[int, Found]) -> list[Found]:
    """Drop a trigger that only elaborates one of the same category it depends on.

    "struck Tehran, killing 20 people" is one assault: the participle adds its casualties and
    recipients to the strike rather than being a second event.
    """
    kept: list[Found] = []
    for item in found:
        token = item.trigger
        head = by_token.get(token.head.i) if token.head != token else None
        if (
            head is not None
            and head is not item
            and token.dep_ in ("advcl", "xcomp", "conj", "acl")
            and head.reading.category == item.reading.category
            and {m.actor.key for m in item.actors} <= {m.actor.key for m in head.actors}
        ):
            head.targets = _known_first(head.targets + [m for m in item.targets if m not in head.targets])
            continue
        kept.append(item)
    return kept


def _phrase_matches(token: Token, reading: Reading) -> bool:
    """The other words of a multiword trigger are attached to its head in the parse."""
    others = [w for i, w in enumerate(reading.phrase) if i != reading.head]
    if reading.head > 0:  # noun phrase: the words before the head, in order, right before it
        before = list(token.doc[max(token.sent.start, token.i - len(others)) : token.i])
        return [t.lemma_.lower() for t in before] == others or [t.lower_ for t in before] == others
    words: set[str] = set()
    for t in _verb_phrase_words(token, frozenset(others)):
        words |= {t.lemma_.lower(), t.lower_}
    return all(w in words for w in others)


def _verb_phrase_words(token: Token, others: frozenset[str]) -> list[Token]:
    """The words that can complete a verb phrase headed by ``token``: its direct children, and
    the objects of a child that is itself a word of the phrase ("go on strike", "come into
    force"); never words inside another clause ("called the attack on Gaza" is not "call on")."""
    out: list[Token] = []
    for child in token.children:
        if child.dep_ in CLAUSE_DEPS or child.dep_ in NOT_PHRASE_DEPS:
            continue
        out.append(child)
        if child.lower_ in others or child.lemma_.lower() in others:
            out += [g for g in child.children if g.dep_ not in CLAUSE_DEPS]
    return out


def _is_modifier(token: Token, frames: frozenset[str]) -> bool:
    """A word that only qualifies another noun: a noun used as a modifier ("riot police", "protest
    leaders"), unless what it modifies frames an event ("a bombing campaign"), and a participle
    used as an adjective ("UN-backed forces", "the occupied West Bank")."""
    if token.dep_ not in ("compound", "amod") or token.head == token:
        return False
    head = token.head
    if head.pos_ not in ("NOUN", "PROPN"):
        return False
    if token.pos_ in ("VERB", "AUX"):
        return True
    return token.pos_ in ("NOUN", "PROPN") and head.lemma_.lower() not in frames


def _counted(token: Token, quantities: frozenset[str]) -> Token | None:
    """What a quantity noun counts ("dozens of civilians" -> civilians), else None."""
    if token.lemma_.lower() not in quantities:
        return None
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    return None


def _object_lemmas(token: Token, quantities: frozenset[str]) -> set[str]:
    """Lemmas of the direct object and prepositional objects (and their compounds), seen through
    quantity nouns ("launched a barrage of rockets": barrage and rocket); a noun trigger's own
    noun modifiers count as its object ("a heart attack")."""
    out: set[str] = set()

    def add(noun: Token) -> None:
        out.add(noun.lemma_.lower())
        out.update(c.lemma_.lower() for c in noun.children if c.dep_ == "compound")
        counted = _counted(noun, quantities)
        if counted is not None:
            add(counted)

    if token.dep_ == "acl" and token.tag_ == "VBN" and token.head != token:
        add(token.head)  # "shells fired by the army": the shells were fired
    for child in token.children:
        if child.dep_ in ("dobj", "attr", "oprd", "nsubjpass"):
            add(child)
        elif child.dep_ in ("prep", "dative"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    add(pobj)
        elif child.dep_ == "compound" and token.pos_ in ("NOUN", "PROPN"):
            out.add(child.lemma_.lower())
    return out


def _subject_lemmas(token: Token) -> set[str]:
    """Lemmas of the grammatical subject, with its noun modifiers ("the ceasefire agreement")."""
    subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects:
        inherited = _inherited_subject(token)
        if inherited is not None:
            subjects = [inherited]
    out: set[str] = set()
    for subject in subjects:
        out.add(subject.lemma_.lower())
        out.update(c.lemma_.lower() for c in subject.children if c.dep_ == "compound")
    return out


def _coordinated_agents(verb: Token) -> list[Token]:
    """The objects of "by" on verbs coordinated with ``verb`` ("were shot and killed by X")."""
    related = [c for c in verb.children if c.dep_ == "conj"]
    if verb.dep_ == "conj":
        related.append(verb.head)
    out: list[Token] = []
    for other in related:
        for child in other.children:
            if child.dep_ == "agent":
                out += [c for c in child.children if c.dep_ == "pobj"]
    return out


def _inherited_subject(verb: Token, depth: int = 0) -> Token | None:
    """The subject a verb shares with the clause it depends on ("Katz ..., accusing Tehran")."""
    if depth > 3 or verb.dep_ not in INHERIT_DEPS or verb.head == verb:
        if verb.dep_ == "relcl":
            return verb.head
        return None
    head = verb.head
    if verb.dep_ == "xcomp":
        obj = next((c for c in head.children if c.dep_ == "dobj"), None)
        if obj is not None:
            return obj  # object control: "urged Iran to stop"
    if verb.dep_ == "acl" and head.pos_ in ("NOUN", "PROPN"):
        return head
    subject = next((c for c in head.children if c.dep_ in SUBJECT_DEPS), None)
    return subject or _inherited_subject(head, depth + 1)


def _phrase_tokens(token: Token, skip: Token | None) -> Iterable[Token]:
    """The tokens of the phrase ``token`` heads, without embedded clauses, nor participles used
    as adjectives, whose words name someone else ("Iran-backed militias" are not Iran)."""
    stack = [token]
    while stack:
        current = stack.pop()
        if skip is not None and current == skip:
            continue
        yield current
        stack.extend(
            c
            for c in current.children
            if c.dep_ not in CLAUSE_DEPS and not (c.dep_ == "amod" and c.pos_ == "VERB")
        )


def _phrase_words(token: Token, instruments: frozenset[str], content: bool = False) -> SentenceWords:
    """The words of the phrase a trigger heads (its arguments included), for mode cues, with a
    clause that names its means ("shelled the town using mortars", "explosions involving
    artillery"); with ``content``, the clauses it governs too (what is asked for, refused or
    threatened)."""
    tokens: list[Token] = []
    stack = [token]
    if token.dep_ == "acl" and token.tag_ == "VBN" and token.head != token:
        stack.append(token.head)  # "shells fired by the army": what was fired is named before
    while stack:
        current = stack.pop()
        tokens.append(current)
        for child in current.children:
            instrument = child.dep_ in ("acl", "advcl") and child.lemma_.lower() in instruments
            top = content and current == token and child.dep_ in ("xcomp", "ccomp")
            if (
                instrument
                or top
                or (child.dep_ not in CLAUSE_DEPS and not (child.dep_ == "amod" and child.pos_ == "VERB"))
            ):
                stack.append(child)
    # names are no cues: the port of Tyre is no tyre (though the air force of a name is an air force)
    tokens = sorted(
        (t for t in tokens if t.pos_ != "PROPN" or t.ent_type_ not in NAME_ENTITIES), key=lambda t: t.i
    )
    lowers = [t.lower_ for t in tokens]
    lemmas = [t.lemma_.lower() for t in tokens]
    return SentenceWords(
        frozenset(lowers) | frozenset(lemmas), " " + " ".join(lowers) + " " + " ".join(lemmas) + " "
    )


def _trigger_phrase(token: Token, reading: Reading) -> list[Token]:
    if len(reading.phrase) == 1:
        return [token]
    if reading.head > 0:
        return list(token.doc[token.i - reading.head : token.i + 1])
    others = frozenset(reading.phrase[1:])
    words = _verb_phrase_words(token, others)
    return [token] + [t for t in words if t.lemma_.lower() in others or t.lower_ in others]


def _governing_trigger(token: Token, triggers: Mapping[int, Reading]) -> Token | None:
    """The trigger a noun trigger is the object of, a few steps up at most: what another trigger
    asks for or rejects ("called for a ceasefire"), or what a light verb carries ("held a
    strike", "carried out a series of raids")."""
    current = token
    for _ in range(3):
        if (
            current.dep_ not in ("dobj", "pobj", "prep", "xcomp", "attr", "conj", "nsubjpass")
            or current.head == current
        ):
            return None
        current = current.head
        if current.i in triggers:
            return current
    return None


def _embedding_trigger(token: Token, embedders: Mapping[int, str]) -> int | None:
    current = token
    for _ in range(5):
        if current.head == current:
            return None
        current = current.head
        if current.i in embedders:
            return current.i
    return None


def _known_first(mentions: list[Mention]) -> list[Mention]:
    """Words the catalogue could not resolve only stand in when nothing else names the side."""
    known = [m for m in mentions if m.how != "unresolved"]
    return known or mentions


def _unique(mentions: Iterable[Mention]) -> list[Mention]:
    seen: dict[str, Mention] = {}
    for m in mentions:
        seen.setdefault(m.actor.key, m)
    return list(seen.values())


def _attach_casualties(figure: Casualties, found: list[Found]) -> bool:
    """Give a figure to the nearest violent event of its sentence."""
    violent = [f for f in found if f.reading.category in VIOLENT and f.casualties is None]
    if not violent:
        return False
    nearest = min(violent, key=lambda f: abs(f.chunk.offset + f.trigger.idx - figure.start))
    nearest.casualties = figure
    return True


def _attach_to_earlier(figure: Casualties, sentence: Sentence, found: list[Found]) -> None:
    """A figure in a sentence of its own ("2 fatalities.") belongs to the event just before."""
    earlier = [
        f
        for f in found
        if f.reading.category in VIOLENT and 0 <= sentence.index - f.sentence.index <= CASUALTY_REACH
    ]
    if not earlier:
        return
    target = max(earlier, key=lambda f: (f.sentence.index, f.trigger.i))
    if target.casualties is None:
        target.casualties = figure


def _may_be_kept(found: Found) -> bool:
    """Whether :func:`_worth_keeping` can pass the event once it is finished: the later stages
    add recipients only to events that have a source, and a place only to material events."""
    return bool(found.actors or found.targets or found.casualties) or found.reading.category in MATERIAL


def _worth_keeping(found: Found) -> bool:
    """An event needs someone taking part or a casualty figure; a material event may have just a
    place, even one the gazetteer does not know ("explosions were heard near Vodyane")."""
    if found.actors or found.targets or found.casualties:
        return True
    if found.reading.category not in MATERIAL or found.event is None:
        return False
    return found.event.location is not None or _names_a_place(found.trigger)


def _names_a_place(trigger: Token) -> bool:
    """A place phrase with a proper name in the trigger's phrase or on the verb that carries it."""
    verb = governing_verb(trigger)
    preps = [*trigger.subtree, *(verb.children if verb is not None else ())]
    for prep in preps:
        named = (t for c in prep.children if c.dep_ == "pobj" for t in c.subtree)
        if prep.dep_ == "prep" and prep.lower_ in PLACE_PREPS and any(t.pos_ == "PROPN" for t in named):
            return True
    return False


def _with_actor(attribution: Attribution, ctx: ArticleContext) -> Attribution:
    for mention in ctx.mentions:
        if mention.start < attribution.end and mention.end > attribution.start:
            return replace(attribution, actor=mention.actor)
    return attribution


def _recent_accusation(denial: Found, found: list[Found]) -> Found | None:
    denier = {m.actor.country for m in denial.actors}
    candidates = [
        f
        for f in found
        if f.reading.category == "ACCUSE"
        and 0 <= denial.sentence.index - f.sentence.index <= DENIAL_REACH
        and f is not denial
    ]
    if not candidates:
        return None
    aimed = [f for f in candidates if denier & {m.actor.country for m in f.targets}]
    return max(aimed or candidates, key=lambda f: (f.sentence.index, f.trigger.i))


def _confidence(found: Found) -> float:
    value = found.reading.spec.confidence
    if found.actors and found.targets:
        value += 0.1
    if not found.actors:
        value -= 0.15
    if any(m.how == "pronoun" for m in (*found.actors, *found.targets)):
        value -= 0.1
    return round(min(1.0, max(0.05, value)), 2)


def event_id(article_id: str, sentence: int, start: int, category: str) -> str:
    """A stable id: the same article always gives its events the same ids."""
    raw = f"{article_id}:{sentence}:{start}:{category}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def _link(found: list[Found], deny_links: Callable[[list[Found]], None]) -> list[Event]:
    deny_links(found)
    ceasefire_events = [f for f in found if f.event is not None and f.event.mode == "ceasefire"]
    out: list[Event] = []
    for item in found:
        assert item.event is not None
        links = list(item.links)
        if item.violation:
            # the ceasefire event of this article nearest to the assault, else a ceasefire the
            # article does not report on (analysis.ceasefires attaches it to its record)
            truce = min(
                ceasefire_events, key=lambda f: abs(f.sentence.index - item.sentence.index), default=None
            )
            links.append(("violates", truce.event.id if truce and truce.event else "ceasefire"))
        out.append(
            replace(item.event, links=tuple(links), actors=tuple(item.actors), targets=tuple(item.targets))
        )
    return out
