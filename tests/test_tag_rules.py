"""The model's attribute rules applied by index annotate every token as spaCy's ruler does."""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from tests.conftest import EXAMPLES
from trucewatch.ingest import read_sources
from trucewatch.model import Article
from trucewatch.nlp import MODEL, load_pipeline

# Forms the ruler's rarer rules are written for: contractions, two-word lemmas, "there is",
# auxiliaries standing as main verbs, determiners standing alone, runs of white space.
ODD_FORMS = (
    "Y'all ain't gonna believe it. Let's go, c'm on! I told you nothin' happened, and I "
    "gotta say it.  \n\n There is a man at the gate. He gets it; she got it. That is that. "
    "They did it and had it done. It isn't what it was, is it? I'm sure you've seen them."
)


def annotation(doc: Doc) -> list[tuple[str, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def shipped() -> Language:
    """The model as shipped, with only trucewatch's paragraph breaks added (they come before
    the rules and change the parse the rules read)."""
    nlp = spacy.load(MODEL)
    nlp.add_pipe("trucewatch_paragraphs", before="parser")
    return nlp


def test_the_pipeline_applies_the_rules_by_index() -> None:
    names = load_pipeline().pipe_names
    assert "trucewatch_attribute_rules" in names
    assert "attribute_ruler" not in names


def test_every_token_gets_what_spacys_ruler_gives_it() -> None:
    texts = [a.text for a in read_sources([str(EXAMPLES)]) if isinstance(a, Article)]
    texts.append(ODD_FORMS)
    stock, ours = shipped(), load_pipeline()
    tokens = 0
    for text in texts:
        expected, found = annotation(stock(text)), annotation(ours(text))
        assert found == expected
        tokens += len(found)
    assert tokens > 5000  # the corpus was read, not an empty list compared with itself


def test_rare_rules_fire_as_in_spacy() -> None:
    doc = load_pipeline()(ODD_FORMS)
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["ai"] == "be"  # "ai" of "ain't", a two-token rule
    assert lemmas["gon"] == "go"
    assert lemmas["na"] == "to"  # the rule's second token changed
    assert [t.pos_ for t in doc if t.is_space] and all(t.pos_ == "SPACE" for t in doc if t.is_space)
