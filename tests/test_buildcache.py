"""Built structures are kept on disk, read back by later processes, and rebuilt on any change."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from trucewatch.buildcache import KEEP, Recipe, cached_build


class Builds:
    """A build that counts how often it ran and returns what its input file holds."""

    def __init__(self, source: Path) -> None:
        self.source, self.count = source, 0

    def __call__(self) -> dict[str, str]:
        self.count += 1
        return {"content": self.source.read_text(encoding="utf-8")}


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """An input file a build reads."""
    path = tmp_path / "words.yaml"
    path.write_text("one", encoding="utf-8")
    return path


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TRUCEWATCH_CACHE_DIR", str(folder))
    return folder


def test_a_structure_is_built_once_and_read_back(own_cache: Path, source: Path) -> None:
    build = Builds(source)
    first = cached_build(Recipe("words", (source,), ("pyyaml",)), build)
    second = cached_build(Recipe("words", (source,), ("pyyaml",)), build)
    assert first == second == {"content": "one"}
    assert build.count == 1
    assert len(list(own_cache.glob("words-*.pickle"))) == 1


def test_a_changed_input_is_built_again_and_only_the_copies_used_last_are_kept(
    own_cache: Path, source: Path
) -> None:
    build = Builds(source)
    contents = [f"version {n}" for n in range(KEEP + 2)]
    for content in contents:
        source.write_text(content, encoding="utf-8")
        assert cached_build(Recipe("words", (source,)), build) == {"content": content}
    assert build.count == len(contents)
    assert len(list(own_cache.glob("words-*.pickle"))) == KEEP
    source.write_text(contents[-1], encoding="utf-8")  # the newest copies are the ones kept
    assert cached_build(Recipe("words", (source,)), build) == {"content": contents[-1]}
    assert build.count == len(contents)


def test_two_configurations_used_in_turn_are_each_built_once(own_cache: Path, tmp_path: Path) -> None:
    plain, extra = tmp_path / "plain.yaml", tmp_path / "extra.yaml"
    plain.write_text("towns", encoding="utf-8")
    extra.write_text("towns and villages", encoding="utf-8")
    builds = {path: Builds(path) for path in (plain, extra)}
    for _ in range(3):
        for path, build in builds.items():
            built = cached_build(Recipe("places", (path,)), build)
            assert built == {"content": path.read_text(encoding="utf-8")}
    assert [b.count for b in builds.values()] == [1, 1]


def test_a_damaged_copy_is_rebuilt(own_cache: Path, source: Path) -> None:
    build = Builds(source)
    cached_build(Recipe("words", (source,)), build)
    (stored,) = own_cache.glob("words-*.pickle")
    stored.write_bytes(stored.read_bytes()[:10])
    assert cached_build(Recipe("words", (source,)), build) == {"content": "one"}
    assert build.count == 2


def test_the_cache_can_be_turned_off(tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUCEWATCH_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    build = Builds(source)
    cached_build(Recipe("words", (source,)), build)
    cached_build(Recipe("words", (source,)), build)
    assert build.count == 2
    assert not (tmp_path / "xdg-cache").exists()


LOOKUP = """
from trucewatch.events.place import cached_gazetteer, fold
towns = cached_gazetteer().towns
names = [towns.name(n) for n in (0, 5000, 150000)]
print([[p.ident for p in towns.get(fold(name))] for name in names])
"""


def test_the_gazetteer_read_back_in_another_process_finds_the_same_towns(own_cache: Path) -> None:
    """Towns are indexed by a hash of their names: it must be the same in every process."""
    found = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", LOOKUP], env=env, capture_output=True, text=True, check=True
        )
        found.append(run.stdout)
    assert len(list(own_cache.glob("gazetteer-*.pickle"))) == 1  # the second process read it
    assert found[0] == found[1]
    assert found[0].count("town:") >= 3
