"""Web pages as articles: download with the polite :class:`Fetcher`, read with trafilatura.

Used by ``trucewatch fetch`` for URLs given by hand and by the feed watcher for each item's
page. The page's own metadata (title, date, site name, found by
:func:`~trucewatch.ingest.html.read_html`) wins over what the caller knew beforehand (a feed
item's title and date), and the user's flags win over both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from trucewatch.errors import FetchError, InputError
from trucewatch.ingest.clean import build_article
from trucewatch.ingest.decode import decode
from trucewatch.ingest.fetch import Fetcher
from trucewatch.ingest.html import read_html
from trucewatch.ingest.metadata import Metadata
from trucewatch.ingest.sources import ReadOptions
from trucewatch.model import Article, Rejection


def page_article(fetcher: Fetcher, url: str, options: ReadOptions, known: Metadata | None = None) -> Article:
    """The article of the page at ``url``; FetchError or InputError saying why there is none."""
    page = fetcher.get(url)
    body, meta = read_html(decode(page.content, page.charset), url=page.url)
    merged = (known or Metadata()).overlaid(meta).overlaid(options.overrides)
    return build_article(body, merged, url, options.rules)


def page_articles(
    fetcher: Fetcher, urls: Iterable[str], options: ReadOptions
) -> Iterator[Article | Rejection]:
    """Each URL's article, or a rejection naming the URL and the problem."""
    for url in urls:
        try:
            yield page_article(fetcher, url, options)
        except (FetchError, InputError) as exc:
            yield Rejection(url, str(exc))
