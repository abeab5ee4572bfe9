"""Pages over real HTTP: trafilatura's metadata, robots.txt, redirects, timeouts, retries, rate."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import trucewatch
from trucewatch.cli import app
from trucewatch.errors import FetchError
from trucewatch.ingest.fetch import Fetcher, FetchOptions

from . import testsite
from .testsite import FAST
from .webserver import Route, Server


def test_a_page_becomes_an_article_with_its_title_date_and_outlet(site: Server, db_path: Path) -> None:
    url = site.url("/news/prisoner-swap")
    with trucewatch.open(str(db_path)) as tw:
        report = tw.fetch([url], options=FAST)
        assert report.ok and len(report.added) == 1
        [article] = tw.articles()
        assert article.title == "Russia and Ukraine swap prisoners"
        assert article.outlet == "Test Herald"
        assert article.published == dt.datetime(2025, 5, 24, 12, 0)
        assert article.url == url
        text = tw.article(article.id).article.text
        assert "Copyright" not in text and "Home" not in text  # page furniture is gone
        assert {e.category for e in tw.events(article_id=article.id)} & {"ASSAULT", "RETREAT", "AGREE"}
    assert site.requests("/news/prisoner-swap")[0].headers["user-agent"].startswith("trucewatch/")


def test_each_bad_url_is_named_and_the_good_ones_stored(site: Server, db_path: Path) -> None:
    urls = [site.url(p) for p in ("/moved", "/loop-a", "/error.xml", "/private/memo", "/slow", "/gone")]
    started = time.monotonic()
    result = CliRunner().invoke(
        app,
        ["--db", str(db_path), "fetch", *urls, "--timeout", "0.3", "--retries", "1", "--host-interval", "0"],
    )
    assert result.exit_code == 1
    assert "1 added" in result.stdout
    err = result.stderr
    assert "redirect loop" in err
    assert "HTTP 500" in err and "after 2 attempts" in err
    assert "robots.txt" in err and "disallows /private/memo" in err
    assert "not finished within" in err or "timed out" in err
    assert "HTTP 404" in err
    assert site.requests("/private/memo") == []  # robots.txt is asked first
    assert time.monotonic() - started < 15


def test_failures_are_retried_with_growing_waits(site: Server) -> None:
    waits: list[float] = []
    options = FetchOptions(retries=3, backoff=0.5, host_interval=0.0)
    with Fetcher(options, sleep=waits.append) as fetcher, pytest.raises(FetchError, match="after 4 attempts"):
        fetcher.get(site.url("/error.xml"))
    assert waits == [0.5, 1.0, 2.0]
    assert len(site.requests("/error.xml")) == 4


def test_a_page_that_never_finishes_is_cut_off(site: Server) -> None:
    started = time.monotonic()
    with (
        Fetcher(FetchOptions(timeout=0.3, deadline=0.6, retries=0)) as fetcher,
        pytest.raises(FetchError, match=r"not finished within 0\.6 s"),
    ):
        fetcher.get(site.url("/slow"))
    assert time.monotonic() - started < 3


def test_requests_to_one_host_are_spaced(site: Server) -> None:
    with Fetcher(FetchOptions(host_interval=0.3)) as fetcher:
        for slug, *_ in testsite.ARTICLES[:3]:
            fetcher.get(site.url(f"/news/{slug}"))
    times = [h.at for h in site.hits if h.path.startswith("/news/")]
    assert len(times) == 3
    assert all(b - a >= 0.28 for a, b in itertools.pairwise(times))


def test_robots_crawl_delay_and_an_unanswering_robots_txt(site: Server) -> None:
    site.routes["/robots.txt"] = Route(b"User-agent: *\nCrawl-delay: 1\n", content_type="text/plain")
    with Fetcher(FetchOptions(host_interval=0.0)) as fetcher:
        fetcher.get(site.url("/news/gaza-aid"))
        fetcher.get(site.url("/news/qatar-base"))
    first, second = (h.at for h in site.hits if h.path.startswith("/news/"))
    assert second - first >= 0.95
    site.routes["/robots.txt"] = Route(b"down", status=503, content_type="text/plain")
    with Fetcher(FAST) as fetcher, pytest.raises(FetchError, match=r"robots.txt .* unreachable \(HTTP 503\)"):
        fetcher.get(site.url("/news/gaza-aid"))
    site.routes.pop("/robots.txt")  # no robots.txt at all: no rules
    with Fetcher(FAST) as fetcher:
        assert fetcher.get(site.url("/news/gaza-aid")).status == 200
