"""A small news site for the feed and page tests: articles, a feed of them, and the bad cases.

The articles are short texts written for these tests, each with events trucewatch finds.
``install`` puts on a :class:`~tests.webserver.Server`:

- ``/robots.txt`` barring ``/private/``;
- ``/news/<slug>``: the articles, with title, site name and publication time;
- ``/feed.xml``: an RSS feed of the first articles, with ETag and Last-Modified;
- ``/slow``: a page that never finishes; ``/broken.xml``: not XML; ``/error.xml``: HTTP 500;
  ``/loop-a`` and ``/loop-b``: a redirect loop; ``/moved``: one redirect to an article.
"""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

from trucewatch.ingest.fetch import FetchOptions

from .webserver import Route, Server, article_page, http_date, rss

# Short waits, so that the failures under test cost a second or two.
FAST = FetchOptions(timeout=0.5, deadline=1.0, retries=1, backoff=0.05, host_interval=0.0)

ARTICLES = [
    (
        "strikes-south-lebanon",
        "Israeli jets strike southern Lebanon",
        "2024-12-03T08:00:00Z",
        "Israeli jets struck Hezbollah positions in southern Lebanon on Tuesday, the Israeli military "
        "said, a week after the ceasefire between Israel and Hezbollah took effect.\n\n"
        "Lebanon's health ministry said three people were killed in the strikes near the town of Tyre. "
        "Hezbollah fired two rockets at northern Israel hours later, its first attack since the truce.",
    ),
    (
        "prisoner-swap",
        "Russia and Ukraine swap prisoners",
        "2025-05-24T12:00:00Z",
        "Russia and Ukraine exchanged 390 prisoners of war on Saturday in a swap agreed at talks in "
        "Istanbul, officials in Kyiv and Moscow said.\n\n"
        "Ukrainian President Volodymyr Zelensky said more exchanges would follow, while Russian drones "
        "struck the city of Kharkiv overnight, killing two people, the regional governor said.",
    ),
    (
        "qatar-base",
        "Iran fires missiles at US base in Qatar",
        "2025-06-23T20:00:00Z",
        "Iran fired missiles at the Al Udeid air base in Qatar on Monday in retaliation for American "
        "strikes on its nuclear sites, Iranian state media said.\n\n"
        "Qatar said its air defences intercepted the missiles and that nobody was hurt. US President "
        "Donald Trump called the attack a very weak response and thanked Iran for the early notice.",
    ),
    (
        "gaza-aid",
        "Aid convoys enter Gaza as truce holds",
        "2025-01-20T10:00:00Z",
        "The first aid convoys crossed into Gaza on Monday as the ceasefire between Israel and Hamas "
        "held for a second day, the United Nations said.\n\n"
        "Egypt and Qatar, which brokered the deal with the United States, said they would monitor the "
        "truce. Hamas released three hostages on Sunday and Israel freed 90 Palestinian prisoners.",
    ),
    (
        "kharkiv-drones",
        "Drones hit Kharkiv",
        "2025-06-07T06:00:00Z",
        "Russian drones and glide bombs struck Kharkiv overnight, killing three people and wounding 21, "
        "the city's mayor Ihor Terekhov said on Saturday.\n\n"
        "Ukraine's air force said it shot down 40 of the 48 drones Russia launched during the night, "
        "and accused Moscow of targeting residential buildings.",
    ),
]

FEED_ETAG = '"feed-v1"'
FEED_MODIFIED = http_date(1_750_000_000)
# What the feed says of the item whose page never finishes: enough text to stand in for it.
SLOW_ITEM_TEXT = (
    "Israeli strikes killed at least 12 people across the Gaza Strip on Thursday, Gaza's civil "
    "defence agency said, as Israel and Hamas traded accusations of breaking the truce."
)


def item(slug: str, title: str, published: str, link: str, description: str | None = None) -> dict[str, str]:
    """A feed item for one of the site's pages."""
    moment = dt.datetime.fromisoformat(published.replace("Z", "+00:00"))
    entry = {
        "guid": f"tag:test,2025:{slug}",
        "link": link,
        "title": title,
        "pubDate": format_datetime(moment),
    }
    if description:
        entry["description"] = description
    return entry


def install(server: Server, count: int = 3, delay: float = 0.0) -> None:
    """Serve the site with the first ``count`` articles in ``/feed.xml`` (each page taking
    ``delay`` seconds)."""
    server.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    for slug, title, published, text in ARTICLES:
        server.routes[f"/news/{slug}"] = Route(article_page(title, text, published), delay=delay)
    _, title, published, text = ARTICLES[-1]
    server.routes["/private/memo"] = Route(article_page(title, text, published))
    set_feed(server, count)
    server.routes["/slow"] = Route(trickle=True)
    server.routes["/broken.xml"] = Route(
        b"<<<rss>>> this & that is not xml <<<", content_type="application/rss+xml"
    )
    server.routes["/error.xml"] = Route(b"server trouble", status=500, content_type="text/plain")
    server.routes["/loop-a"] = Route(location="/loop-b")
    server.routes["/loop-b"] = Route(location="/loop-a")
    server.routes["/moved"] = Route(location=f"/news/{ARTICLES[1][0]}", status=301)


def set_feed(
    server: Server, count: int, etag: str = FEED_ETAG, extra: list[dict[str, str]] | None = None
) -> None:
    """Put the first ``count`` articles (and ``extra`` items) in ``/feed.xml``."""
    items = [
        item(slug, title, published, server.url(f"/news/{slug}"))
        for slug, title, published, _ in ARTICLES[:count]
    ]
    server.routes["/feed.xml"] = Route(
        rss("Test Herald", items + (extra or [])),
        content_type="application/rss+xml",
        etag=etag,
        last_modified=FEED_MODIFIED if etag == FEED_ETAG else http_date(1_760_000_000),
    )
