"""Text cleaning: boilerplate removal, normalisation, language check and the article id.

Stages, in the order :func:`build_article` runs them:

1. normalise: Unicode NFC, one kind of line break, spaces collapsed inside lines;
2. remove boilerplate by the rules of ``boilerplate.yaml`` (and the user's files);
3. reject what is left if it is empty or not English;
4. derive the article id from the normalised content.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import py3langid
import yaml

from trucewatch.datafiles import load_yaml
from trucewatch.errors import DataFileError, InputError
from trucewatch.ingest.metadata import Metadata
from trucewatch.model import Article

BOILERPLATE_FILE = Path(__file__).with_name("boilerplate.yaml")

# A text shorter than this many words is too short for language identification to be trusted;
# it is accepted as English (the article is rejected later only if nothing is found in it).
MIN_WORDS_FOR_LANGUAGE_CHECK = 12
ENGLISH_FILE = Path(__file__).with_name("english.yaml")
# py3langid's normalised probability above which a non-English verdict rejects the article.
LANGUAGE_REJECT_PROBABILITY = 0.9


@dataclass(frozen=True)
class Boilerplate:
    """Compiled boilerplate rules (see ``boilerplate.yaml`` for what each list does)."""

    drop_lines: tuple[re.Pattern[str], ...]
    strip_prefixes: tuple[re.Pattern[str], ...]
    trailers: tuple[re.Pattern[str], ...]
    headline_max_words: int


def load_boilerplate(extra_files: Iterable[Path] = ()) -> Boilerplate:
    """Read the bundled rules and the user's extra files (lists are appended)."""
    drop: list[str] = []
    strip: list[str] = []
    trailers: list[str] = []
    max_words = 25
    for path in (BOILERPLATE_FILE, *extra_files):
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise DataFileError(f"{path}: cannot read boilerplate rules: {exc}") from exc
        if not isinstance(raw, dict):
            raise DataFileError(f"{path}: boilerplate rules must be a mapping")
        unknown = set(raw) - {"drop_lines", "strip_prefixes", "trailers", "headline_max_words"}
        if unknown:
            raise DataFileError(f"{path}: unknown boilerplate section(s): {', '.join(sorted(unknown))}")
        drop += _strings(raw.get("drop_lines", []), path, "drop_lines")
        strip += _strings(raw.get("strip_prefixes", []), path, "strip_prefixes")
        trailers += _strings(raw.get("trailers", []), path, "trailers")
        max_words = int(raw.get("headline_max_words", max_words))
    return Boilerplate(
        drop_lines=tuple(_compile(p, "drop_lines") for p in drop),
        strip_prefixes=tuple(_compile(p, "strip_prefixes") for p in strip),
        trailers=tuple(_compile(rf"(?:{p})\s*[:.]?\s*", "trailers", re.IGNORECASE) for p in trailers),
        headline_max_words=max_words,
    )


@lru_cache(maxsize=1)
def default_boilerplate() -> Boilerplate:
    """The bundled rules, compiled once per process."""
    return load_boilerplate()


def _strings(value: object, path: Path, section: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataFileError(f"{path}: {section} must be a list of regular expressions")
    return list(value)


def _compile(pattern: str, section: str, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise DataFileError(f"boilerplate {section}: bad pattern {pattern!r}: {exc}") from exc


def normalise(text: str) -> str:
    """NFC, ``\\n`` line breaks, no control characters, single spaces inside lines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n"))


def _is_headline(line: str, max_words: int) -> bool:
    words = line.split()
    if not words or len(words) > max_words:
        return False
    if not line.rstrip("”\"’'").endswith("."):
        return True
    capitalised = sum(1 for w in words if w[:1].isupper())
    return capitalised / len(words) >= 0.6


def remove_boilerplate(text: str, rules: Boilerplate) -> str:
    """Drop boilerplate lines and teaser trailers; paragraphs come back separated by a blank line."""
    kept: list[str] = []
    in_trailer = False
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if in_trailer:
            if _is_headline(line, rules.headline_max_words):
                continue
            in_trailer = False
        if any(p.fullmatch(line) for p in rules.drop_lines):
            continue
        for prefix in rules.strip_prefixes:
            line = prefix.sub("", line, count=1) if prefix.match(line) else line
        marker = next((m for p in rules.trailers if (m := p.match(line))), None)
        if marker is not None and (marker.group(0).rstrip().endswith(":") or marker.end() == len(line)):
            rest = line[marker.end() :].strip()
            if not rest or _is_headline(rest, rules.headline_max_words):
                in_trailer = True
                continue
            line = rest
        kept.append(line)
    return "\n\n".join(kept)


@lru_cache(maxsize=1)
def _language_identifier() -> py3langid.langid.LanguageIdentifier:
    return py3langid.langid.LanguageIdentifier.from_pickled_model(
        py3langid.langid.MODEL_FILE, norm_probs=True
    )


@lru_cache(maxsize=1)
def _english() -> tuple[frozenset[str], float]:
    raw = load_yaml(ENGLISH_FILE)
    try:
        return frozenset(raw["function_words"]), float(raw["min_share"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DataFileError(
            f"{ENGLISH_FILE}: needs function_words (a list) and min_share (a number)"
        ) from exc


def _plainly_english(text: str) -> bool:
    """Function words make up a large share of any English text and almost none of others'."""
    words = re.findall(r"[a-z']+", text[:2000].lower())
    if len(words) < MIN_WORDS_FOR_LANGUAGE_CHECK:
        return False
    function_words, min_share = _english()
    return sum(1 for w in words if w in function_words) / len(words) >= min_share


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or None when the text is too short to tell."""
    if _plainly_english(text):
        return "en"  # the common case, without the classifier's cost
    letters = [c for c in text[:4000] if c.isalpha()]
    latin = sum(1 for c in letters if c.isascii()) / len(letters) if letters else 1.0
    if len(text.split()) < MIN_WORDS_FOR_LANGUAGE_CHECK and latin >= 0.8:
        return None
    language, probability = _language_identifier().classify(text[:4000])
    if language != "en" and probability < LANGUAGE_REJECT_PROBABILITY:
        return None
    return str(language)


def content_id(text: str) -> str:
    """A stable id from the text alone: case, spacing and quote styles do not change it."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = folded.translate(str.maketrans("‘’“”–—", "''\"\"--"))
    folded = " ".join(folded.split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:16]


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC without tzinfo (naive values are taken to be UTC already)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def build_article(text: str, meta: Metadata, source: str, rules: Boilerplate) -> Article:
    """Clean ``text`` and make an Article, or raise InputError saying why it cannot be one."""
    cleaned = remove_boilerplate(normalise(text), rules)
    title = meta.title.strip() if meta.title else None
    if title and cleaned.startswith(title):
        cleaned = cleaned[len(title) :].lstrip()
    if not cleaned.strip():
        raise InputError("no article text (empty after removing boilerplate)")
    declared = (meta.language or "").lower()[:2] or None
    language = declared or detect_language(cleaned) or "en"
    if language != "en":
        raise InputError(f"language is {language!r}; trucewatch reads English articles only")
    return Article(
        id=content_id(cleaned),
        text=cleaned,
        title=title,
        url=meta.url,
        outlet=meta.outlet,
        published=as_utc(meta.published) if meta.published else None,
        language=language,
        source=source,
    )
