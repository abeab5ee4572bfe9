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
from typing import Any

from spacy.tokens import Span, Token

from trucewatch.events.attribution import find_attribution
from trucewatch.events.casualties import find_casualties
from trucewatch.events.grammar import Grammar
from trucewatch.events.lexicon import Lexicon, Reading
from trucewatch.events.modality import governing_verb, status_of
from trucewatch.events.ontology import Ontology
from trucewatch.events.place import Gazetteer, find_location
from trucewatch.events.time import event_date, sentence_dates
from trucewatch.model import Actor, Article, Attribution, Casualties, Event, Mention, Sentence
from trucewatch.nlp import Chunk

CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "csubj", "parataxis"})
SUBJECT_DEPS = frozenset({"nsubj", "csubj", "expl"})
INHERIT_DEPS = frozenset({"advcl", "conj", "xcomp", "acl", "pcomp", "ccomp"})
MODIFIER_SOURCE_DEPS = frozenset({"poss", "amod", "compound", "nmod"})
# A casualty figure without its own event joins an event this many sentences back at most.
CASUALTY_REACH = 2
# A denial links to an accusation this many sentences back at most.
DENIAL_REACH = 3
VIOLENT = frozenset({"ASSAULT", "COERCE", "PROTEST"})
# Categories whose events are worth keeping with only a place ("interns protested in Haifa").
MATERIAL = frozenset({"ASSAULT", "COERCE", "PROTEST", "MOBILIZE"})
PLACE_ENTITIES = frozenset({"GPE", "LOC", "FAC", "DATE", "TIME", "CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
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
        lowers = [t.lower_ for t in sent]
        lemmas = [t.lemma_.lower() for t in sent]
        return cls(
            frozenset(lowers) | frozenset(lemmas), " " + " ".join(lowers) + " " + " ".join(lemmas) + " "
        )

    def has(self, cue: str) -> bool:
        """True when the sentence holds ``cue`` (a word, or words in a row, as forms or lemmas)."""
        return cue in self.single if " " not in cue else f" {cue} " in self.joined


class ArticleContext:
    """What the extractor knows about one article: its mentions, indexed by token per chunk."""

    def __init__(
        self,
        article: Article,
        chunks: Sequence[Chunk],
        sentences: Sequence[Sentence],
        mentions: Sequence[Mention],
    ) -> None:
        self.article = article
        self.sentences = sentences
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.by_token: dict[tuple[int, int], Mention] = {}
        for chunk_no, chunk in enumerate(chunks):
            for mention in self.mentions:
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

    # 1. triggers
    def _reading(self, token: Token) -> Reading | None:
        pos = "verb" if token.pos_ in ("VERB", "AUX") else "noun" if token.pos_ in ("NOUN", "PROPN") else None
        if pos is None:
            return None
        lemma = token.lemma_.lower()
        fitting = [r for r in self.lexicon.candidates(lemma, pos) if self._fits(token, r)]
        if not fitting:
            return None
        return max(
            fitting,
            key=lambda r: (len(r.phrase), bool(r.spec.object or r.spec.subject), r.spec.confidence),
        )

    def _fits(self, token: Token, reading: Reading) -> bool:
        spec = reading.spec
        if len(reading.phrase) > 1 and not _phrase_matches(token, reading):
            return False
        objects = _object_lemmas(token)
        if spec.object and not objects & set(spec.object):
            return False
        if spec.not_object and objects & set(spec.not_object):
            return False
        if spec.subject:
            subjects = {t.lemma_.lower() for t in _subject_tokens(token)}
            if not subjects & set(spec.subject):
                return False
        return True

    def _triggers(self, sent: Span) -> list[tuple[Token, Reading]]:
        found = []
        for token in sent:
            reading = self._reading(token)
            if reading is not None:
                found.append((token, reading))
        return found

    # 2. arguments
    def _participants(self, token: Token, ctx: ArticleContext, skip: Token | None = None) -> list[Mention]:
        """Actor mentions in the phrase headed by ``token`` (coordinated phrases included)."""
        pronoun = self._pronoun(token, ctx)
        if pronoun is not None:
            return [pronoun]
        seen: dict[str, Mention] = {}
        places = 0
        for t in _phrase_tokens(token, skip):
            mention = ctx.mention_at(t)
            if mention is not None and not mention.as_place:
                seen.setdefault(mention.actor.key, mention)
            elif mention is not None:
                places += 1
        found = list(seen.values())
        with_country = [m for m in found if m.actor.country]
        if with_country or found:
            return with_country or found
        if places or token.pos_ not in ("NOUN", "PROPN") or token.ent_type_ in PLACE_ENTITIES:
            return []
        return [_unresolved(token, ctx)]

    def _pronoun(self, token: Token, ctx: ArticleContext) -> Mention | None:
        word = token.lower_
        person = word in self.grammar.pronouns.person
        if token.pos_ != "PRON" or not (person or word in self.grammar.pronouns.group):
            return None
        offset = ctx.offset_of(token)
        start = offset + token.idx
        antecedent = ctx.last_before(offset + token.sent[0].idx, person)
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
            targets += self._slot_targets(token, spec.target, ctx)
            obj = next((c for c in token.children if c.dep_ == "dobj"), None)
            if obj is not None and obj.pos_ in ("NOUN", "PROPN"):
                targets += self._prep_objects(obj, spec.target, ctx)
        else:
            for child in token.children:
                if child.dep_ in MODIFIER_SOURCE_DEPS:
                    sources += self._participants(child, ctx)
                elif child.dep_ == "prep" and child.lower_ == "by":
                    for pobj in child.children:
                        sources += self._participants(pobj, ctx)
            targets += self._prep_objects(token, [t for t in spec.target if t not in ("dobj", "iobj")], ctx)
            verb = governing_verb(token)
            if not sources and verb is not None and verb.lemma_.lower() in self.grammar.light_verbs:
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
        words = _phrase_words(found.trigger)
        for mode, cues in self.lexicon.mode_words.get(found.reading.category, ()):
            if any(words.has(cue) for cue in cues):
                return mode
        return None

    def _contexts(self, found: Found, words: SentenceWords) -> tuple[str, ...]:
        contexts = list(found.reading.spec.context)
        for context, cues in self.lexicon.context_words.get(found.reading.category, ()):
            if context not in contexts and any(words.has(cue) for cue in cues):
                contexts.append(context)
        if "ceasefire" not in contexts and self._mentions_ceasefire(words):
            contexts.append("ceasefire")
        return tuple(contexts)

    def _mentions_ceasefire(self, words: SentenceWords) -> bool:
        return any(words.has(cue) for cue in self.grammar.ceasefire)

    def _violates_ceasefire(self, found: Found, words: SentenceWords) -> bool:
        if found.reading.category != "ASSAULT":
            return False
        return any(words.has(w) for w in self.grammar.violation) and (
            self._mentions_ceasefire(words) or words.has("agreement") or words.has("deal")
        )

    # the whole article
    def extract(
        self,
        article: Article,
        chunks: Sequence[Chunk],
        sentences: Sequence[Sentence],
        mentions: Sequence[Mention],
    ) -> list[Event]:
        """Every event in an article, in text order."""
        ctx = ArticleContext(article, chunks, sentences, mentions)
        by_start = {s.start: s for s in sentences}
        all_found: list[Found] = []
        figures: list[tuple[Sentence, Casualties]] = []
        for chunk in chunks:
            for sent in chunk.doc.sents:
                sentence = _sentence_for(sent, chunk.offset, by_start, sentences)
                if sentence is None:
                    continue
                found = self._sentence_events(sent, sentence, chunk, ctx)
                all_found += found
                for figure in find_casualties(sent, chunk.offset, ctx.country_at):
                    if not _attach_casualties(figure, found):
                        figures.append((sentence, figure))
        for sentence, figure in figures:
            _attach_to_earlier(figure, sentence, all_found)
        for item in all_found:
            self._finish(item, ctx)
        kept = [f for f in all_found if _worth_keeping(f)]
        return _link(kept, self._deny_links)

    def _sentence_events(
        self, sent: Span, sentence: Sentence, chunk: Chunk, ctx: ArticleContext
    ) -> list[Found]:
        triggers = self._triggers(sent)
        trigger_tokens = {t.i: r for t, r in triggers}
        embedders = {t.i: r.spec.embeds for t, r in triggers if r.spec.embeds}
        found: list[Found] = []
        by_token: dict[int, Found] = {}
        for token, reading in triggers:
            if reading.spec.pos == "noun" and _is_content_of(token, trigger_tokens, self.grammar):
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
        mode = self._mode(found)
        words = SentenceWords.of(sent)
        context = self._contexts(found, words)
        found.violation = self._violates_ceasefire(found, words)
        memo = ctx.memo(found.chunk, sent)
        if "attribution" not in memo:
            attribution = find_attribution(sent, offset)
            memo["attribution"] = _with_actor(attribution, ctx) if attribution is not None else None
        attribution = memo["attribution"]
        published = ctx.article.published
        future = found.status == "future"
        if ("dates", future) not in memo:
            memo["dates", future] = sentence_dates(sent, published, future)
        dates = memo["dates", future]
        when = event_date(sent, found.trigger, published, future=future, dates=dates)
        countries = [m.actor.country for m in (*found.actors, *found.targets) if m.actor.country]
        where = find_location(sent, found.trigger, self.gazetteer, countries, memo.setdefault("readers", {}))
        start = offset + found.trigger.idx
        phrase_end = max(t.idx + len(t) for t in _trigger_phrase(found.trigger, found.reading))
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
    words = [t for t in token.subtree if t.i == token.i or (t.head.i == token.i and t.dep_ in NAME_DEPS)]
    start_token, end_token = min(words, key=lambda t: t.i), max(words, key=lambda t: t.i)
    offset = ctx.offset_of(token)
    start = offset + start_token.idx
    end = offset + end_token.idx + len(end_token.text)
    text = ctx.article.text[start:end]
    sentence = ctx.sentence_index(start)
    actor = Actor("UNK:" + "-".join(text.lower().split()), text, None, "UNK", "group")
    return Mention(sentence, start, end, text, actor, "unresolved")


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
    near = list(token.children) + [t for c in token.children for t in c.children]
    if reading.head > 0:  # noun phrase: the words before the head, in order, right before it
        before = list(token.doc[max(token.sent.start, token.i - len(others)) : token.i])
        return [t.lemma_.lower() for t in before] == others or [t.lower_ for t in before] == others
    words = {t.lemma_.lower() for t in near} | {t.lower_ for t in near}
    return all(w in words for w in others)


def _object_lemmas(token: Token) -> set[str]:
    """Lemmas of the direct object and prepositional objects (and their compounds)."""
    out: set[str] = set()
    for child in token.children:
        if child.dep_ in ("dobj", "attr", "oprd"):
            out |= {child.lemma_.lower()} | {c.lemma_.lower() for c in child.children if c.dep_ == "compound"}
        elif child.dep_ in ("prep", "dative"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    out.add(pobj.lemma_.lower())
        elif child.dep_ == "nsubjpass":
            out.add(child.lemma_.lower())
    return out


def _subject_tokens(token: Token) -> list[Token]:
    subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects:
        inherited = _inherited_subject(token)
        if inherited is not None:
            subjects = [inherited]
    return subjects


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
    """The tokens of the phrase ``token`` heads, without embedded clauses."""
    stack = [token]
    while stack:
        current = stack.pop()
        if skip is not None and current == skip:
            continue
        yield current
        stack.extend(c for c in current.children if c.dep_ not in CLAUSE_DEPS)


def _phrase_words(token: Token) -> SentenceWords:
    """The words of the phrase a trigger heads (its arguments included), for mode cues."""
    tokens = sorted(_phrase_tokens(token, None), key=lambda t: t.i)
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
    others = set(reading.phrase[1:])
    return [token] + [c for c in token.children if c.lemma_.lower() in others or c.lower_ in others]


def _is_content_of(token: Token, triggers: dict[int, Reading], grammar: Grammar) -> bool:
    """A noun trigger that is what another trigger asks for or rejects ("called for a ceasefire")."""
    current = token
    for _ in range(3):
        if (
            current.dep_ not in ("dobj", "pobj", "prep", "xcomp", "attr", "conj", "nsubjpass")
            or current.head == current
        ):
            return False
        current = current.head
        if current.i in triggers and current.lemma_.lower() not in grammar.light_verbs:
            return True
    return False


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


def _sentence_for(
    sent: Span, offset: int, by_start: dict[int, Sentence], sentences: Sequence[Sentence]
) -> Sentence | None:
    text = sent.text
    lead = len(text) - len(text.lstrip())
    return by_start.get(offset + sent.start_char + lead)


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


def _worth_keeping(found: Found) -> bool:
    """An event needs someone taking part or a casualty figure; a material event may have just a place."""
    if found.actors or found.targets or found.casualties:
        return True
    return found.reading.category in MATERIAL and found.event is not None and found.event.location is not None


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
