"""HTML pages: main text and metadata with trafilatura.

trafilatura finds the article body and reads title, site name, canonical URL and date. It
reports dates at day precision, so a full ``article:published_time`` meta tag, when the page
has one, supplies the time of day.
"""

from __future__ import annotations

import warnings
from datetime import datetime

import lxml.html

from trucewatch.errors import InputError
from trucewatch.ingest.metadata import Metadata, parse_published

# A page whose main text is shorter than this is navigation or a teaser, not an article.
MIN_ARTICLE_WORDS = 20

_TIME_META = (
    "article:published_time",
    "og:article:published_time",
    "datePublished",
    "pubdate",
    "date",
)


def _published_time(html: str) -> datetime | None:
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None
    for key in _TIME_META:
        for node in tree.xpath(f'//meta[@property="{key}" or @name="{key}" or @itemprop="{key}"]'):
            content = node.get("content")
            if content:
                try:
                    return parse_published(content, key)
                except InputError:
                    continue
    return None


def read_html(html: str, url: str | None = None) -> tuple[str, Metadata]:
    """The main text of a page and its metadata, or InputError when it has no article text."""
    import trafilatura  # here, not above: half a second of every command's start, for pages only

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False, as_dict=True
        )
    text = doc.get("text") or "" if isinstance(doc, dict) else ""
    if len(text.split()) < MIN_ARTICLE_WORDS:
        raise InputError("HTML has no article text (only navigation or page furniture found)")
    assert isinstance(doc, dict)
    published = _published_time(html)
    if published is None and doc.get("date"):
        published = parse_published(doc["date"], "date")
    meta = Metadata(
        title=doc.get("title") or None,
        url=doc.get("url") or url,
        outlet=doc.get("sitename") or None,
        published=published,
        language=doc.get("language") or None,
    )
    return str(text), meta
