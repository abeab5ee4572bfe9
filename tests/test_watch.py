"""Watching feeds over real HTTP: new items only, conditional GETs, bad feeds, and a kill."""

from __future__ import annotations

import fcntl
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import trucewatch
from trucewatch.ingest.watch import PollResult

from . import testsite
from .dbsnap import snapshot
from .testsite import FAST
from .webserver import Server, serve


def poll(db: Path, urls: list[str]) -> list[str]:
    """One round of polls; the log lines."""
    with trucewatch.open(str(db)) as tw:
        return [r.line() for r in tw.watch(urls, once=True, options=FAST)]


def test_new_items_are_stored_once_and_an_unchanged_feed_answers_304(site: Server, db_path: Path) -> None:
    feed = site.url("/feed.xml")
    [line] = poll(db_path, [feed])
    assert line == f"{feed}: 3 new, 3 stored, 0 already seen"
    with trucewatch.open(str(db_path)) as tw:
        stored = tw.articles()
    assert {a.title for a in stored} == {t for _, t, _, _ in testsite.ARTICLES[:3]}
    assert {a.outlet for a in stored} == {"Test Herald"}

    assert poll(db_path, [feed]) == [f"{feed}: not modified"]
    again = site.requests("/feed.xml")[-1]
    assert again.headers["if-none-match"] == testsite.FEED_ETAG
    assert again.headers["if-modified-since"] == testsite.FEED_MODIFIED

    testsite.set_feed(site, 4, etag='"feed-v2"')
    assert poll(db_path, [feed]) == [f"{feed}: 1 new, 1 stored, 3 already seen"]
    pages = [h.path for h in site.hits if h.path.startswith("/news/")]
    assert sorted(pages) == sorted(f"/news/{slug}" for slug, *_ in testsite.ARTICLES[:4])  # each once
    with trucewatch.open(str(db_path)) as tw:
        assert len(tw.articles()) == 4


def test_each_bad_feed_costs_one_line_and_the_good_one_is_read(site: Server, db_path: Path) -> None:
    names = ["/broken.xml", "/error.xml", "/slow", "/loop-a", "/news/gaza-aid", "/feed.xml"]
    urls = [site.url(n) for n in names] + ["http://127.0.0.1:9/feed.xml"]
    started = time.monotonic()
    lines = poll(db_path, urls)
    assert time.monotonic() - started < 20
    assert len(lines) == len(urls)
    broken, error, slow, loop, page, good, down = lines
    assert "failed: malformed XML" in broken
    assert "failed: HTTP 500" in error and "after 2 attempts" in error
    assert "failed: not finished within 1 s" in slow
    assert "failed: redirect loop" in loop
    assert "failed: not an RSS or Atom feed" in page
    assert good.endswith("3 new, 3 stored, 0 already seen")
    assert "failed:" in down and "Connection refused" in down


def test_an_item_whose_page_fails_comes_from_the_feed_text_or_waits(site: Server, db_path: Path) -> None:
    slow_item = testsite.item(
        "slow", "Strikes across Gaza", "2025-03-20T09:00:00Z", site.url("/slow"), testsite.SLOW_ITEM_TEXT
    )
    barred = testsite.item("memo", "A memo", "2025-03-21T09:00:00Z", site.url("/private/memo"))
    testsite.set_feed(site, 1, extra=[slow_item, barred])
    feed = site.url("/feed.xml")
    [line] = poll(db_path, [feed])
    assert line.startswith(f"{feed}: 3 new, 2 stored, 0 already seen, 1 from the feed's own text, 1 to retry")
    assert "disallows /private/memo" in line
    with trucewatch.open(str(db_path)) as tw:
        texts = [tw.article(a.id).article for a in tw.articles()]
        state = tw.store.feed_state(feed)
    from_feed = next(a for a in texts if a.title == "Strikes across Gaza")
    assert "civil defence agency" in from_feed.text and from_feed.url == site.url("/slow")
    assert state is not None and state.etag is None  # an item is left: the next poll must not get a 304

    site.routes["/robots.txt"].body = b"User-agent: *\nDisallow:\n"
    [line] = poll(db_path, [feed])
    assert line == f"{feed}: 1 new, 1 stored, 2 already seen"
    with trucewatch.open(str(db_path)) as tw:
        state = tw.store.feed_state(feed)
    assert state is not None and state.etag == testsite.FEED_ETAG


def articles_in(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return int(conn.execute("select count(*) from articles").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet, or locked for a moment
        return 0


def test_a_watch_killed_mid_run_resumes_to_what_an_uninterrupted_run_stores(
    tmp_path: Path,
) -> None:
    for server in serve():
        testsite.install(server, count=5, delay=0.4)
        feed = server.url("/feed.xml")
        whole, killed = tmp_path / "whole.db", tmp_path / "killed.db"
        poll(whole, [feed])
        feeds_file = tmp_path / "feeds.txt"
        feeds_file.write_text(f"# the test site\n{feed}\n", encoding="utf-8")
        command = [sys.executable, "-m", "trucewatch", "--db", str(killed), "watch", str(feeds_file)]
        command += ["--interval", "60", "--timeout", "2", "--host-interval", "0"]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 90
        while articles_in(killed) < 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert 2 <= articles_in(killed) < 5  # it was stopped half way
        poll(killed, [feed])  # started again
        assert snapshot(str(killed)) == snapshot(str(whole))
        tables = {"feeds", "feed_items", "refresh_queue"}
        assert snapshot(str(killed), tables) == snapshot(str(whole), tables)
        with trucewatch.open(str(killed)) as tw:
            assert tw.store.pending_refresh() == []


def test_a_database_held_by_another_process_fails_the_poll_not_the_watch(
    site: Server, db_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Another process holds the database while the watch rebuilds a new article's derived
    rows and then saves the feed's state: the poll fails with a line, the watch goes on, and
    the next poll leaves the database as a watch that never met the lock would."""
    feed = site.url("/feed.xml")
    config = tmp_path / "trucewatch.toml"
    config.write_text("busy_timeout = 0.5\n", encoding="utf-8")
    with trucewatch.open(str(db_path), config=config) as tw:
        rounds = tw.watch([feed], 0.0, options=FAST)
        assert next(rounds).line() == f"{feed}: 3 new, 3 stored, 0 already seen"
        testsite.set_feed(site, 4, etag='"feed-v2"')
        held: list[PollResult] = []
        with Path(f"{db_path}.lock").open("a") as rebuild_lock:
            fcntl.flock(rebuild_lock, fcntl.LOCK_EX)  # the watch stores the article, then waits
            poll_thread = threading.Thread(target=lambda: held.append(next(rounds)), daemon=True)
            poll_thread.start()
            deadline = time.monotonic() + 60
            while articles_in(db_path) < 4 and time.monotonic() < deadline:
                time.sleep(0.05)
            other = sqlite3.connect(db_path, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")  # another process's write transaction
        poll_thread.join(60)  # the lock file closed: the rebuild meets the busy database
        assert not poll_thread.is_alive()
        [busy] = held
        assert busy.line().startswith(f"{feed}: failed: ") and "locked by another process" in busy.line()
        assert "1 stored articles wait for their derived rows" in caplog.text
        queued = other.execute("select count(*) from refresh_queue").fetchone()[0]
        assert queued == 1
        other.execute("ROLLBACK")
        other.close()
        assert next(rounds).line() == f"{feed}: 0 new, 0 stored, 4 already seen"
        rounds.close()
    whole = tmp_path / "whole.db"
    poll(whole, [feed])
    assert snapshot(str(db_path)) == snapshot(str(whole))
