"""The model's attribute rules, applied through an index instead of spaCy's Matcher.

en_core_web_sm ends its tagging with an AttributeRuler: 179 token patterns that map each fine
tag to a coarse part of speech and morphology, and fix a few lemmas ("ain't", "gonna"). spaCy
runs them through its general Matcher, which tries every pattern at every token; on news text
that took a tenth of the whole parse, more than the tagger and the lemmatizer together.

:class:`IndexedAttributeRules` reads the same patterns from the loaded ruler, files them under
the tag, lowercase form or dependency label their first token needs, and remembers which rules
apply to each distinct (tag, lowercase form, label, white space) of a token: most tokens are a
dictionary lookup, and the few two-token patterns are tested where they can start.

The result is the ruler's, token for token: every pattern is matched against the annotation as
it stood before the rules ran, and matches are applied in the order the rules were added, a
later rule overriding an earlier one, as AttributeRuler does. A model whose rules use anything
this module does not read (operators, other attributes) keeps its own ruler
(:func:`trucewatch.nlp.load_pipeline`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs  # what AttributeRuler itself sets with
from spacy.vocab import Vocab

# The token attributes the rules may test, in the order of the rows of Doc.to_array.
COLUMNS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
ARRAY_ATTRS = [TAG, LOWER, DEP, IS_SPACE]
# The attributes a pattern is filed under, by its first token, tried in this order.
INDEXED = ("TAG", "LOWER", "DEP")

# Rows remembered at most: the tokens of a long feed keep adding new forms, and memory must stay
# flat; a few thousand cover most of a day's news.
MAX_ROWS = 100_000

Row = tuple[int, int, int, int]
Test = Callable[[Row], bool]


class Unsupported(ValueError):
    """A rule this module cannot apply exactly as the Matcher would."""


@dataclass(frozen=True)
class _Pattern:
    rule: int  # the rule's position among the ruler's: later rules win
    tests: tuple[tuple[Test, ...], ...]  # one tuple of tests per token of the pattern
    target: int  # which token of the match the rule changes, counted from the match's start


class IndexedAttributeRules:
    """A pipeline component that sets what the model's AttributeRuler sets, found by index."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.vocab: Vocab = ruler.vocab
        self.attrs: list[dict[Any, Any]] = ruler.attrs
        self.index: dict[int, dict[int, list[_Pattern]]] = {COLUMNS[name]: {} for name in INDEXED}
        self.anywhere: list[_Pattern] = []
        self._rows: dict[Row, tuple[tuple[int, ...], tuple[_Pattern, ...]]] = {}
        self._merges: dict[tuple[int, ...], dict[Any, Any]] = {}
        for rule, spec in enumerate(ruler.patterns):
            # spaCy types a pattern loosely; the ruler's are lists of token dicts keyed by name
            for tokens in cast("list[list[dict[str, Any]]]", spec["patterns"]):
                if not tokens:
                    raise Unsupported(f"rule {rule} has an empty pattern")
                changed = ruler.indices[rule]  # which token of a match the rule sets; -1 the last
                target = changed if changed >= 0 else len(tokens) + changed
                if not 0 <= target < len(tokens):
                    raise Unsupported(f"rule {rule} changes token {changed} of a {len(tokens)}-token pattern")
                pattern = _Pattern(rule, tuple(self._tests(t) for t in tokens), target)
                self._index(pattern, tokens[0])

    def __call__(self, doc: Doc) -> Doc:
        rows: list[Row] = [tuple(r) for r in doc.to_array(ARRAY_ATTRS).tolist()]
        rules: dict[int, list[int]] = {}
        for i, row in enumerate(rows):
            singles, longer = self._starting(row)
            if singles:
                rules.setdefault(i, []).extend(singles)
            for pattern in longer:
                if _matches(pattern, rows, i):
                    rules.setdefault(i + pattern.target, []).append(pattern.rule)
        for position, found in rules.items():
            set_token_attrs(doc[position], self._merged(tuple(sorted(found))))
        return doc

    def _starting(self, row: Row) -> tuple[tuple[int, ...], tuple[_Pattern, ...]]:
        """The one-token rules that match a token whose attributes are ``row``, and the longer
        patterns whose first token it fits; kept per distinct row, since a text's tokens repeat
        a few thousand rows."""
        known = self._rows.get(row)
        if known is None:
            if len(self._rows) >= MAX_ROWS:
                self._rows.clear()
            candidates = [p for column, table in self.index.items() for p in table.get(row[column], ())]
            fitting = [p for p in (*candidates, *self.anywhere) if all(test(row) for test in p.tests[0])]
            singles = tuple(p.rule for p in fitting if len(p.tests) == 1)
            known = self._rows[row] = (singles, tuple(p for p in fitting if len(p.tests) > 1))
        return known

    def _merged(self, rules: tuple[int, ...]) -> dict[Any, Any]:
        """What ``rules`` set, applied in order, as one mapping (a later rule's value wins)."""
        merged = self._merges.get(rules)
        if merged is None:
            merged = self._merges[rules] = {k: v for rule in rules for k, v in self.attrs[rule].items()}
        return merged

    def _index(self, pattern: _Pattern, first: Mapping[str, Any]) -> None:
        """File ``pattern`` under the values its first token must have (a tag, a lowercase form
        or a dependency label), so that only tokens with one of them try it."""
        for name in INDEXED:
            value = first.get(name)
            if isinstance(value, str):
                values = [value]
            elif isinstance(value, dict) and set(value) == {"IN"}:
                values = value["IN"]
            else:
                continue
            table = self.index[COLUMNS[name]]
            for v in dict.fromkeys(values):
                table.setdefault(self.vocab.strings.add(v), []).append(pattern)
            return
        self.anywhere.append(pattern)

    def _tests(self, token: Mapping[str, Any]) -> tuple[Test, ...]:
        return tuple(self._test(name, value) for name, value in token.items())

    def _test(self, name: str, value: Any) -> Test:
        if name not in COLUMNS:
            raise Unsupported(f"attribute {name!r} in a rule")
        column = COLUMNS[name]
        if name == "IS_SPACE":
            if not isinstance(value, bool):
                raise Unsupported(f"IS_SPACE compared with {value!r}")
            wanted = int(value)
            return lambda row: row[column] == wanted
        if isinstance(value, str):
            key = self.vocab.strings.add(value)
            return lambda row: row[column] == key
        if not isinstance(value, dict) or len(value) != 1:
            raise Unsupported(f"{name} compared with {value!r}")
        ((operator, operand),) = value.items()
        if operator in ("IN", "NOT_IN") and isinstance(operand, list):
            keys = frozenset(self.vocab.strings.add(v) for v in operand)
            if operator == "IN":
                return lambda row: row[column] in keys
            return lambda row: row[column] not in keys
        if operator == "REGEX" and isinstance(operand, str):
            expression, strings = re.compile(operand), self.vocab.strings
            return lambda row: expression.search(strings[row[column]]) is not None
        raise Unsupported(f"{name} compared with {value!r}")


def _matches(pattern: _Pattern, rows: Sequence[Row], start: int) -> bool:
    """Whether the tokens after ``start`` fit the rest of ``pattern`` (its first token fits)."""
    if start + len(pattern.tests) > len(rows):
        return False
    return all(all(test(rows[start + k]) for test in tests) for k, tests in enumerate(pattern.tests) if k)


@Language.factory("trucewatch_attribute_rules")
def make_attribute_rules(nlp: Language, name: str) -> IndexedAttributeRules:
    """The indexed form of the pipeline's ``attribute_ruler``; raises :class:`Unsupported` when
    one of its rules is beyond this module, and the caller then keeps the ruler."""
    ruler = nlp.get_pipe("attribute_ruler")
    if not isinstance(ruler, AttributeRuler):
        raise Unsupported(f"attribute_ruler is a {type(ruler).__name__}")
    return IndexedAttributeRules(ruler)
