"""Modality: whether an event is asserted, alleged, denied, hypothetical, future or negated.

The status comes from the parse around the trigger, checked in this order:

1. negated: a negation on the trigger or on the verb that governs a noun trigger
   ("did not strike", "no negotiations will occur");
2. alleged / denied / hypothetical / future given by an enclosing trigger whose lexicon entry
   ``embeds`` a status ("accused Tehran of launching", "denied firing", "threatened to strike");
   and alleged inside the "that" clause of a noun of allegation ("claims that Iran is begging");
3. hypothetical: a modal auxiliary or a conditional clause ("would be a death sentence",
   "if Israel attacks");
4. future: "will", "is set to", or a governing verb of intention ("prepares for talks",
   "plans to visit");
5. otherwise asserted.
"""

from __future__ import annotations

from collections.abc import Mapping

from spacy.tokens import Token

from trucewatch.events.grammar import Grammar

# Dependencies through which a clause or noun sits inside the one above it.
# Not the active subject: who demands or denies is not what is demanded or denied.
EMBEDDING_DEPS = frozenset(
    {"xcomp", "ccomp", "pcomp", "pobj", "prep", "dobj", "advcl", "acl", "conj", "nsubjpass", "attr"}
)
NOUN_UP_DEPS = frozenset(
    {"dobj", "pobj", "prep", "nsubj", "nsubjpass", "attr", "compound", "amod", "appos", "conj"}
)
MAX_EMBEDDING_DEPTH = 5


def governing_verb(token: Token) -> Token | None:
    """The verb whose clause a noun sits in ("strikes" in "Israel did not launch strikes" -> launch)."""
    current = token
    for _ in range(MAX_EMBEDDING_DEPTH):
        if current.pos_ in ("VERB", "AUX") and current != token:
            return current
        if current.dep_ not in NOUN_UP_DEPS or current.head == current:
            return None
        current = current.head
    return None


def _negated(token: Token, grammar: Grammar) -> bool:
    for child in token.children:
        if child.dep_ == "neg" or child.lower_ in grammar.negation.adverbs:
            return True
        if child.dep_ == "det" and child.lower_ in grammar.negation.determiners:
            return True
    return False


def _clause_markers(token: Token) -> set[str]:
    return {c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass", "mark")}


def _future(verb: Token, grammar: Grammar) -> bool:
    markers = _clause_markers(verb)
    if markers & grammar.future.auxiliaries:
        return True
    head = verb.head
    if verb.dep_ == "xcomp" and head != verb:
        if head.lemma_ in grammar.future.verbs or head.lemma_ in grammar.future.set_phrases:
            return True
        if head.lemma_ == "be" and any(c.lower_ in grammar.future.set_phrases for c in head.children):
            return True
    return False


def _governed_by_future(token: Token, grammar: Grammar) -> bool:
    """A noun after "prepare for", "plan ... to"."""
    head = token.head
    if token.dep_ == "pobj" and head.lower_ in grammar.future_prepositions:
        verb = head.head
        return verb.lemma_ in grammar.future.verbs
    return token.dep_ == "dobj" and head.lemma_ in grammar.future.verbs


def embedded_status(trigger: Token, embedders: Mapping[int, str]) -> str | None:
    """The status given by the nearest enclosing trigger that embeds one, if any."""
    current = trigger
    for _ in range(MAX_EMBEDDING_DEPTH):
        if current.dep_ not in EMBEDDING_DEPS or current.head == current:
            return None
        current = current.head
        status = embedders.get(current.i)
        if status is not None:
            return status
    return None


def _in_allegation(verb: Token, grammar: Grammar) -> bool:
    """The content clause of "claims that ...", "reports that ...": told, not asserted, by the
    article. A "that" marker tells the content clause from a relative one ("the claims that he
    made")."""
    head = verb.head
    return (
        verb.dep_ in ("acl", "ccomp")
        and head.pos_ in ("NOUN", "PROPN")
        and head.lemma_.lower() in grammar.allegation_nouns
        and any(c.dep_ == "mark" and c.lower_ == "that" for c in verb.children)
    )


def status_of(trigger: Token, embedders: Mapping[int, str], grammar: Grammar) -> str:
    """The status of the event whose trigger is ``trigger`` (see the module docstring)."""
    verb = trigger if trigger.pos_ in ("VERB", "AUX") else governing_verb(trigger)
    if _negated(trigger, grammar) or (verb is not None and verb != trigger and _negated(verb, grammar)):
        return "negated"
    embedded = embedded_status(trigger, embedders)
    if embedded is not None:
        return embedded
    if verb is not None and _in_allegation(verb, grammar):
        return "alleged"
    if verb is not None:
        markers = _clause_markers(verb)
        if markers & (grammar.hypothetical.auxiliaries | grammar.hypothetical.markers):
            return "hypothetical"
        if _future(verb, grammar):
            return "future"
    if trigger.pos_ not in ("VERB", "AUX") and _governed_by_future(trigger, grammar):
        return "future"
    return "asserted"
