"""The pipeline of one process: the parse runs a batch ahead in a thread (same results, errors in
order, no stray thread); entities as spaCy gives them; parsed documents freed as articles finish."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.tokens import Doc

from trucewatch.config import Settings
from trucewatch.errors import DataFileError, InputError
from trucewatch.ingest import read_sources
from trucewatch.model import Article, ParsedArticle
from trucewatch.nlp import entities, parse_texts
from trucewatch.pipeline import LOCAL_BATCH, Pipeline, build_ahead, process

from . import generated


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> list[Article]:
    """A batch and a half of generated articles."""
    folder = tmp_path_factory.mktemp("pipeline")
    path = generated.write_jsonl(folder / "a.jsonl", generated.records(LOCAL_BATCH + 30))
    return [a for a in read_sources([str(path)]) if isinstance(a, Article)]


def parse_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "trucewatch-parse"]


def test_parsing_ahead_gives_what_parsing_batch_by_batch_gives(articles: list[Article]) -> None:
    ahead = list(process(iter(articles), Settings()))
    pipeline = Pipeline(Settings())
    in_turn = [r for start in (0, LOCAL_BATCH) for r in pipeline.run(articles[start : start + LOCAL_BATCH])]
    assert all(isinstance(r, ParsedArticle) for r in ahead)
    assert ahead == in_turn
    assert sum(len(r.events) for r in ahead if isinstance(r, ParsedArticle)) > 0
    assert not parse_threads()


def test_an_error_reading_the_input_comes_after_the_articles_before_it(articles: list[Article]) -> None:
    def failing() -> Iterator[Article]:
        yield from articles[:LOCAL_BATCH]
        raise InputError("corpus.jsonl: the disk went away")

    got: list[object] = []
    with pytest.raises(InputError, match="the disk went away"):
        for result in process(failing(), Settings()):
            got.append(result)
    assert len(got) == LOCAL_BATCH
    assert not parse_threads()


def test_a_caller_that_stops_early_leaves_no_thread_behind(articles: list[Article]) -> None:
    results = process(iter(articles), Settings())
    first = next(results)
    assert isinstance(first, ParsedArticle) and first.article == articles[0]
    results.close()
    assert not parse_threads()


def test_the_entities_of_a_sentence_are_those_spacy_gives(articles: list[Article]) -> None:
    nlp = Pipeline(Settings()).nlp
    chunks = [c for parsed in parse_texts(nlp, (a.text for a in articles[:20])) for c in parsed]
    sentences = [s for c in chunks for s in c.doc.sents]
    assert sum(len(s.ents) for s in sentences) > 50
    for chunk in chunks:
        assert entities(chunk.doc) == list(chunk.doc.ents)
    for sentence in sentences:
        assert entities(sentence) == list(sentence.ents)
        # any stretch of words, not only a sentence: an entity cut by its edge is left out
        cut = sentence[1:-1] if len(sentence) > 2 else sentence
        assert entities(cut) == list(cut.ents)


def test_an_article_done_with_leaves_no_parsed_document_behind(articles: list[Article]) -> None:
    pipeline = Pipeline(Settings())
    gc.collect()
    results = pipeline.run(articles[:20])
    assert all(isinstance(r, ParsedArticle) for r in results)
    # freed as soon as their article is done, not left in cycles for the collector to find
    assert not [o for o in gc.get_objects() if isinstance(o, Doc)]


def stored_copies(folder: Path) -> dict[str, float]:
    """The cache's copies of built structures, by file name, with their last-used times."""
    return {path.name: path.stat().st_mtime for path in folder.glob("*.pickle")}


def test_the_structures_are_built_ahead_once_and_then_only_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run's long-lived processes read the catalogue, lexicon and gazetteer; a child builds them."""
    monkeypatch.setenv("TRUCEWATCH_CACHE_DIR", str(tmp_path / "cache"))
    build_ahead(Settings())
    built = stored_copies(tmp_path / "cache")
    assert sorted(name.split("-")[0] for name in built) == ["catalogue", "gazetteer", "lexicon"]
    build_ahead(Settings())  # all there: no child starts, none of them is read (or touched)
    assert stored_copies(tmp_path / "cache") == built


def test_a_bad_extra_file_is_reported_by_the_run_not_by_the_build_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUCEWATCH_CACHE_DIR", str(tmp_path / "cache"))
    actors = tmp_path / "actors.yaml"
    actors.write_text("countries:\n  XXXX: {}\n", encoding="utf-8")
    settings = Settings(actor_files=(actors,))
    build_ahead(settings)
    assert not any(name.startswith("catalogue-") for name in stored_copies(tmp_path / "cache"))
    with pytest.raises(DataFileError, match=r"actors\.yaml"):
        Pipeline(settings)
