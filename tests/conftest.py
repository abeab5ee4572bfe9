"""Shared fixtures: the example corpus, real SQLite files, a database with the corpus ingested,
and the test news site."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import trucewatch
from trucewatch.api import Trucewatch

from . import testsite
from .webserver import Server, serve

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"


@pytest.fixture(scope="session")
def build_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of built structures (buildcache) for the session, none of the developer's."""
    return tmp_path_factory.mktemp("build-cache")


@pytest.fixture(autouse=True)
def isolated_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, build_cache: Path) -> None:
    """No test reads the developer's own config, database or cache."""
    for var in ("TRUCEWATCH_DB", "TRUCEWATCH_CONFIG", "TRUCEWATCH_ACTOR_FILES", "TRUCEWATCH_API_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TRUCEWATCH_CACHE_DIR", str(build_cache))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh SQLite file path."""
    return tmp_path / "test.db"


@pytest.fixture
def workspace(db_path: Path) -> Iterator[Trucewatch]:
    """An empty workspace over a real SQLite file."""
    with trucewatch.open(str(db_path)) as tw:
        yield tw


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the whole example corpus, built once per test session."""
    path = tmp_path_factory.mktemp("corpus") / "corpus.db"
    with trucewatch.open(str(path)) as tw:
        report = tw.ingest([EXAMPLES])
    assert report.ok, report.rejected
    return path


@pytest.fixture
def corpus(corpus_db: Path) -> Iterator[Trucewatch]:
    """A workspace over the example corpus (read it, do not write to it)."""
    with trucewatch.open(str(corpus_db)) as tw:
        yield tw


@pytest.fixture
def site() -> Iterator[Server]:
    """The test news site (``testsite``) on 127.0.0.1."""
    for server in serve():
        testsite.install(server)
        yield server
