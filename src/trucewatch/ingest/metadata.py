"""Article metadata (title, url, outlet, publication time, language) and how it is read.

Metadata comes from the file itself (HTML meta tags, Markdown front matter, JSONL fields) and
from the command line; :meth:`Metadata.overlaid` lets explicit flags win over the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from trucewatch.errors import InputError

# Keys accepted for each field in front matter and JSON Lines, first match wins.
FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "url": ("url", "link", "canonical"),
    "outlet": ("outlet", "source", "publisher", "site_name", "sitename"),
    "published": ("published", "date", "published_at", "pubdate", "datetime"),
    "language": ("language", "lang"),
}


@dataclass(frozen=True)
class Metadata:
    """What is known about an article besides its text; ``None`` means unknown."""

    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    language: str | None = None

    def overlaid(self, other: Metadata) -> Metadata:
        """These values, replaced by every value that ``other`` sets."""
        return Metadata(
            title=other.title or self.title,
            url=other.url or self.url,
            outlet=other.outlet or self.outlet,
            published=other.published or self.published,
            language=other.language or self.language,
        )


def parse_published(value: object, field: str = "published") -> datetime:
    """A publication time from an ISO string, a date, or a phrase such as "24 June 2025 09:30"."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{field}: expected a date or date-time, got {value!r}")
    text = value.strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    import dateparser  # here, not above: for dates not in ISO form only, a tenth of a second to import

    parsed = dateparser.parse(text, settings={"PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": False})
    if parsed is None:
        raise InputError(f"{field}: cannot read {value!r} as a date")
    return parsed


def metadata_from_mapping(raw: Mapping[str, object]) -> Metadata:
    """Metadata from front matter or a JSON object, validating each field it finds."""
    found: dict[str, object] = {}
    for name, keys in FIELD_KEYS.items():
        for key in keys:
            value = raw.get(key)
            if value is None or value == "":
                continue
            if name == "published":
                found[name] = parse_published(value, key)
            elif not isinstance(value, str):
                raise InputError(f"{key}: expected text, got {type(value).__name__}")
            else:
                found[name] = value.strip()
            break
    return Metadata(**found)  # type: ignore[arg-type]
