"""Actor resolution: find the words that name actors in a parsed article and say who they are.

Stages, in the order :meth:`ActorResolver.resolve` runs them:

1. match: catalogue terms (country names, demonyms, seats, role words, people, organisations)
   are found with two spaCy PhraseMatchers, one case-insensitive and one exact (acronyms and
   names that are common words in lower case); spaCy's PERSON entities not in the catalogue
   become candidate names;
2. select: overlapping matches keep the longest, then the most specific kind;
3. chain: adjacent matches that form one noun phrase ("Israeli Defense Minister Israel Katz",
   "Iran's health ministry", "the foreign minister of Qatar", "Israeli and Iranian leadership")
   are joined;
4. resolve: each chain becomes one mention per actor it names. A listed person takes the office
   they held on the article's date; an unlisted name takes its country and office from the
   chain ("Malaysian Prime Minister Anwar Ibrahim") or an apposition, and later mentions of the
   same name in the article resolve to the same actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from trucewatch.actors.catalogue import Catalogue, OrganisationSpec, Person, RoleSpec, slug
from trucewatch.model import Actor, Mention, Sentence
from trucewatch.nlp import Chunk, entities, tokens

# Order of preference between matches of equal length: the more specific kind wins.
KIND_PRIORITY = {"person": 6, "organisation": 5, "country": 4, "seat": 3, "demonym": 2, "role": 1, "name": 0}
MODIFIER_KINDS = frozenset({"country", "demonym", "seat", "organisation"})
# Tokens allowed between two matches of one noun phrase.
GLUE = frozenset({"'s", "’s", "'", "’", "the"})
COORDINATION = frozenset({"and", ",", "or"})
ROLE_OF = frozenset({"of", "from"})
# Prepositions whose object is where something happens rather than who acts.
LOCATIVE_PREPS = frozenset(
    {
        "in",
        "at",
        "near",
        "across",
        "around",
        "inside",
        "outside",
        "into",
        "throughout",
        "within",
        "over",
        "toward",
        "towards",
        "via",
        "through",
        "to",
    }
)
APPOSITION_MAX_TOKENS = 8
INSTITUTION_SECTORS = frozenset({"GOV", "MED", "COP", "JUD", "LEG"})


@dataclass(frozen=True)
class Term:
    """What a matched phrase refers to."""

    kind: str
    code: str | None = None
    role: RoleSpec | None = None
    person: Person | None = None
    organisation: OrganisationSpec | None = None


@dataclass
class Atom:
    """A matched phrase in a Doc: tokens ``start``..``end`` and the term it names."""

    start: int
    end: int
    term: Term

    @property
    def kind(self) -> str:
        return self.term.kind


@dataclass
class ArticleMemory:
    """Names resolved earlier in the same article, so a later bare surname resolves too."""

    names: dict[str, Actor] = field(default_factory=dict)

    def remember(self, name: str, actor: Actor) -> None:
        parts = name.split()
        self.names.setdefault(name, actor)
        if len(parts) > 1:
            self.names.setdefault(parts[-1], actor)
            self.names.setdefault(parts[0], actor)


def _is_exact(text: str, case_sensitive: frozenset[str]) -> bool:
    """Acronyms, dotted abbreviations and listed common words are matched only as written."""
    letters = [c for c in text if c.isalpha()]
    return text in case_sensitive or len(text) <= 3 or "." in text or (bool(letters) and text.isupper())


class ActorResolver:
    """Finds and resolves actor mentions; build once per process and reuse for every article."""

    def __init__(self, nlp: Language, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._terms: dict[str, list[Term]] = {}
        for text, term, exact in self._vocabulary():
            self._add(nlp, text, term, exact)

    def _vocabulary(self) -> Iterable[tuple[str, Term, bool]]:
        cat = self.catalogue
        sensitive = cat.case_sensitive
        for country in cat.countries.values():
            for name in country.names:
                yield name, Term("country", code=country.code), _is_exact(name, sensitive)
            for demonym in country.demonyms:
                yield demonym, Term("demonym", code=country.code), _is_exact(demonym, sensitive)
            for seat in country.seats:
                yield seat, Term("seat", code=country.code), True
        for role in cat.roles:
            for word in role.words:
                yield word, Term("role", role=role), False
        for person in cat.people:
            for name in (person.name, *person.aliases):
                yield name, Term("person", person=person), True
        for org in cat.organisations:
            for name in (org.name, *org.aliases):
                exact = org.case_sensitive or _is_exact(name, sensitive)
                yield name, Term("organisation", organisation=org), exact

    def _add(self, nlp: Language, text: str, term: Term, exact: bool) -> None:
        key = ("E:" if exact else "L:") + (text if exact else text.casefold())
        if key not in self._terms:
            self._terms[key] = []
            (self._exact if exact else self._lower).add(key, [nlp.make_doc(text)])
        if term not in self._terms[key]:
            self._terms[key].append(term)

    # 1. match and 2. select
    def _atoms(self, doc: Doc, day: dt.date | None = None) -> list[Atom]:
        found: list[Atom] = []
        for matcher in (self._lower, self._exact):
            for match_id, start, end in matcher(doc):
                key = doc.vocab.strings[match_id]
                for term in _current(self._terms[key], day):
                    if term.kind == "role" and doc[end - 1].pos_ not in ("NOUN", "PROPN"):
                        continue
                    found.append(Atom(start, end, term))
        taken = _select(found)
        covered = {i for atom in taken for i in range(atom.start, atom.end)}
        for ent in entities(doc):
            if ent.label_ != "PERSON":
                continue
            tokens = [t for t in ent if t.i not in covered]
            while tokens and tokens[0].pos_ != "PROPN":
                tokens.pop(0)
            if tokens and tokens[-1].i - tokens[0].i + 1 == len(tokens) and tokens[-1].pos_ == "PROPN":
                taken.append(Atom(tokens[0].i, tokens[-1].i + 1, Term("name")))
        return sorted(taken, key=lambda a: a.start)

    # 3. chain
    def _chains(self, doc: Doc, atoms: list[Atom]) -> list[list[Atom]]:
        chains: list[list[Atom]] = []
        for atom in atoms:
            if chains and _joinable(doc, chains[-1], atom):
                chains[-1].append(atom)
            else:
                chains.append([atom])
        return chains

    # 4. resolve
    def resolve(
        self, chunks: Sequence[Chunk], sentences: Sequence[Sentence], published: dt.datetime | None
    ) -> list[Mention]:
        """Every actor mention in an article's parsed chunks, in text order."""
        # An undated article is taken to be current: people get the office they hold today.
        day = published.date() if published else dt.date.today()
        memory = ArticleMemory()
        found: list[tuple[Chunk, Span, Actor, str]] = []
        for chunk in chunks:
            doc = chunk.doc
            for chain in self._chains(doc, self._atoms(doc, day)):
                found += [(chunk, *resolved) for resolved in self._resolve_chain(doc, chain, day, memory)]
        found += self._remembered_names(chunks, memory, found)
        mentions = [
            Mention(
                sentence=_sentence_index(sentences, chunk.offset + span.start_char),
                start=chunk.offset + span.start_char,
                end=chunk.offset + span.end_char,
                text=span.text,
                actor=actor,
                how=how,
                as_place=how in ("country", "seat") and _is_locative(span),
            )
            for chunk, span, actor, how in found
        ]
        return sorted(mentions, key=lambda m: m.start)

    def _remembered_names(
        self, chunks: Sequence[Chunk], memory: ArticleMemory, found: list[tuple[Chunk, Span, Actor, str]]
    ) -> list[tuple[Chunk, Span, Actor, str]]:
        """Bare first or last names of people resolved elsewhere in the article ("Anwar said")."""
        if not memory.names:
            return []
        extra: list[tuple[Chunk, Span, Actor, str]] = []
        for chunk in chunks:
            covered = {i for c, span, _, _ in found if c is chunk for i in range(span.start, span.end)}
            for token in tokens(chunk.doc):
                actor = memory.names.get(token.text)
                if actor is not None and token.pos_ == "PROPN" and token.i not in covered:
                    extra.append((chunk, chunk.doc[token.i : token.i + 1], actor, "context"))
        return extra

    def _resolve_chain(
        self, doc: Doc, chain: list[Atom], day: dt.date, memory: ArticleMemory
    ) -> list[tuple[Span, Actor, str]]:
        whole = doc[chain[0].start : chain[-1].end]
        people = [a for a in chain if a.kind == "person"]
        names = [a for a in chain if a.kind == "name"]
        roles = [a for a in chain if a.kind == "role"]
        mods = [a for a in chain if a.kind in MODIFIER_KINDS]
        if people:
            person = people[-1].term.person
            assert person is not None
            actor = person.actor_on(day)
            body = [a for a in roles if a.start > people[-1].start]
            if body and actor.country:
                # "the Netanyahu government": the body the person leads, not the person
                sector, _ = _sector_and_office(_specs(body))
                return [(whole, self.catalogue.country_actor(actor.country, sector), "role")]
            title = [a for a in roles if a.start < people[-1].start]
            if title and actor.sector == "ELI":
                # no office on file for that day, but the text gives one ("President-elect Trump")
                sector, office = _sector_and_office(_specs(title))
                actor = replace(actor, sector=sector or actor.sector, office=office or actor.office)
            return [(whole, actor, "person")]
        if names:
            name_span = doc[names[-1].start : names[-1].end]
            appositive = self._apposition(doc, names[-1])
            context_mods = mods or [a for a in appositive if a.kind in MODIFIER_KINDS]
            context_roles = roles or [a for a in appositive if a.kind == "role"]
            if not context_mods and not context_roles:
                known = memory.names.get(name_span.text) or memory.names.get(name_span[-1].text)
                return [(name_span, known, "context")] if known else []
            actor = self._titled_person(name_span.text, context_mods, _specs(context_roles))
            memory.remember(name_span.text, actor)
            return [(whole, actor, "title")]
        if roles:
            return self._role_mentions(doc, mods, roles)
        return [(doc[a.start : a.end], *self._modifier_actor(doc, a, None, None)) for a in mods]

    def _titled_person(self, name: str, mods: list[Atom], roles: list[RoleSpec]) -> Actor:
        country = self._code_of(mods[0]) if mods else None
        sector, office = _sector_and_office(roles)
        return Actor("person:" + slug(name), name, country, sector, "person", office)

    def _role_mentions(self, doc: Doc, mods: list[Atom], roles: list[Atom]) -> list[tuple[Span, Actor, str]]:
        """A role with its countries or organisations; a bare role ("militants") keeps no country."""
        sector, office = _sector_and_office(_specs(roles))
        end = max(roles[-1].end, mods[-1].end if mods else 0)
        if not mods:
            if sector is None:
                return []
            label = office or doc[roles[0].start : roles[-1].end].text
            actor = Actor(f"UNK:{sector}", label, None, sector, "group", office)
            return [(doc[roles[0].start : end], actor, "role")]
        out: list[tuple[Span, Actor, str]] = []
        for i, atom in enumerate(mods):
            last = i == len(mods) - 1
            span = doc[min(atom.start, roles[0].start) : end] if last else doc[atom.start : atom.end]
            actor, how = self._modifier_actor(doc, atom, sector, office)
            out.append((span, actor, how if how == "organisation" else "role"))
        return out

    def _modifier_actor(
        self, doc: Doc, atom: Atom, sector: str | None, office: str | None
    ) -> tuple[Actor, str]:
        term = atom.term
        if term.kind == "organisation":
            org = term.organisation
            assert org is not None
            return Actor(
                "org:" + slug(org.name), org.name, org.country, org.sector, org.kind, office
            ), "organisation"
        code = term.code
        assert code is not None
        if sector is None and term.kind == "seat":
            sector = "GOV"
        if sector is None and term.kind == "demonym" and doc[atom.end - 1].tag_ in ("NNS", "NNPS"):
            sector = "CVL"
        return self.catalogue.country_actor(code, sector, office), term.kind

    def _code_of(self, atom: Atom) -> str | None:
        if atom.term.organisation is not None:
            return atom.term.organisation.country
        return atom.term.code

    def _apposition(self, doc: Doc, name: Atom) -> list[Atom]:
        """Matches in ", the Malaysian prime minister," right after a name."""
        if name.end >= len(doc) or doc[name.end].text != ",":
            return []
        window = doc[name.end + 1 : min(len(doc), name.end + 1 + APPOSITION_MAX_TOKENS)]
        atoms = [a for a in self._atoms(window.as_doc()) if a.kind != "name"]
        if not atoms or not any(a.kind == "role" for a in atoms):
            return []
        return atoms


def _current(terms: list[Term], day: dt.date | None) -> list[Term]:
    """The terms a name can mean on ``day``: of organisations that share a name ("Taliban" the
    insurgency, then the government), those that existed that day, when any did."""
    if day is None or sum(t.organisation is not None for t in terms) < 2:
        return terms

    def existed(term: Term) -> bool:
        org = term.organisation
        return org is None or ((org.from_ is None or org.from_ <= day) and (org.to is None or day < org.to))

    current = [t for t in terms if existed(t)]
    return current or terms


def _specs(atoms: list[Atom]) -> list[RoleSpec]:
    return [a.term.role for a in atoms if a.term.role is not None]


def _sector_and_office(roles: list[RoleSpec]) -> tuple[str | None, str | None]:
    """The sector of the last role that has one, and the office of the last one-person role."""
    sector = next((r.sector for r in reversed(roles) if r.sector), None)
    holder = next((r for r in reversed(roles) if r.person), None)
    office = (holder.office or holder.words[0].title()) if holder else None
    return sector, office


def _select(found: list[Atom]) -> list[Atom]:
    """Non-overlapping matches: longest first, then by kind priority."""
    ranked = sorted(found, key=lambda a: (-(a.end - a.start), -KIND_PRIORITY[a.kind], a.start))
    taken: list[Atom] = []
    used: set[int] = set()
    for atom in ranked:
        span = set(range(atom.start, atom.end))
        if span & used:
            continue
        used |= span
        taken.append(atom)
    return taken


def _joinable(doc: Doc, chain: list[Atom], nxt: Atom) -> bool:
    """Whether ``nxt`` continues the noun phrase that ``chain`` has built so far."""
    prev = chain[-1]
    # another sentence between them (Token.sent would walk both whole sentences)
    if any(doc[i].is_sent_start for i in range(prev.start + 1, nxt.start + 1)):
        return False
    gap = [t.text.lower() for t in doc[prev.end : nxt.start]]
    before, after = prev.kind, nxt.kind
    if before in MODIFIER_KINDS and after in MODIFIER_KINDS:
        return bool(gap) and set(gap) <= COORDINATION
    if not set(gap) <= GLUE:
        if before != "role" or after not in MODIFIER_KINDS or len(gap) != 1 or _chain_has_modifier(chain):
            return False
        # "the foreign minister of Qatar"; "the health ministry in Gaza" for institutions only,
        # since "troops in Gaza" says where troops are, not whose they are
        role = prev.term.role
        return gap[0] in ROLE_OF or (gap[0] == "in" and role is not None and _is_institution(role))
    if before in MODIFIER_KINDS:
        return after in ("role", "person", "name")
    if before == "role":
        return after in ("role", "person", "name")
    if before in ("person", "name"):
        return after == "role" and nxt.term.role is not None and not nxt.term.role.person and not gap
    return False


def _chain_has_modifier(chain: list[Atom]) -> bool:
    """True when the phrase already names whose it is."""
    return any(a.kind in MODIFIER_KINDS for a in chain)


def _is_institution(role: RoleSpec) -> bool:
    """A body of a state (ministry, police, court, hospital), located where it serves."""
    return not role.person and role.sector in INSTITUTION_SECTORS


def _is_locative(span: Span) -> bool:
    root: Token = span.root
    return root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPS


def _sentence_index(sentences: Sequence[Sentence], start: int) -> int:
    lo, hi = 0, len(sentences) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if sentences[mid].start <= start:
            lo = mid
        else:
            hi = mid - 1
    return sentences[lo].index if sentences else 0
