"""The dashboard in a real browser: Debian's chromium driven by Playwright, against a live
Uvicorn server on 127.0.0.1 over the example corpus.

Every page must load with no console error, no failed request and no request leaving this
machine; a screenshot of each is saved under test-artifacts/browser/ for a person to look at.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, ViewportSize, sync_playwright

from trucewatch.api import Trucewatch
from trucewatch.config import Settings
from trucewatch.web import create_app

from .web_support import ARTIFACTS, serving

CHROMIUM = shutil.which("chromium") or next(
    (p for p in ("/usr/bin/chromium", "/usr/lib/chromium/chromium") if Path(p).exists()), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium binary: install Debian's chromium (.ci/run does) for browser tests"
)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SHOTS = ARTIFACTS / "browser"
LAPTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
# A chart not yet drawn: app.js sets data-ready on each once Plotly has drawn it. (A selector,
# not a script: the pages' Content-Security-Policy forbids the eval a polled script would need.)
CHART_PENDING = "[data-figure]:not([data-ready='true'])"


@dataclass
class Watched:
    """A browser tab and every problem it reported: console errors, uncaught exceptions,
    failed requests, and requests to anywhere but the test server."""

    page: Page
    base: str
    problems: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        page = self.page
        response = page.goto(self.base + path, wait_until="load")
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        page.wait_for_selector(CHART_PENDING, state="detached", timeout=30_000)

    def shot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture(scope="module")
def live(corpus_db: Path) -> Iterator[str]:
    with serving(create_app(Settings(db=str(corpus_db)))) as base:
        yield base


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """Chromium with an empty, throwaway profile."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=ARGS, viewport=LAPTOP
        )
        yield context
        context.close()


@pytest.fixture
def tab(browser: BrowserContext, live: str) -> Iterator[Watched]:
    page = browser.new_page()
    watched = Watched(page, live)
    page.on(
        "console",
        lambda m: watched.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: watched.problems.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: watched.problems.append(f"failed: {r.url} {r.failure}"))
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith((live, "data:", "blob:"))
            else watched.problems.append(f"left the machine: {r.url}")
        ),
    )
    yield watched
    page.close()


PAGES: dict[str, Callable[[Trucewatch], str]] = {
    "overview": lambda tw: "/",
    "ceasefires": lambda tw: "/ceasefires",
    "ceasefire": lambda tw: f"/ceasefires/{tw.ceasefires(party='Hamas')[0]['id']}",
    "dyads": lambda tw: "/dyads",
    "dyad": lambda tw: "/dyads/ISR/PSE",
    "map": lambda tw: "/map",
    "events": lambda tw: "/events",
    "claims": lambda tw: "/claims",
    "articles": lambda tw: "/articles",
    "article": lambda tw: f"/articles/{tw.articles()[0].id}",
    "actors": lambda tw: "/actors",
    "downloads": lambda tw: "/downloads",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_without_console_errors(tab: Watched, corpus: Trucewatch, name: str) -> None:
    tab.open(PAGES[name](corpus))
    shot = tab.shot(name)
    assert shot.stat().st_size > 10_000
    assert tab.problems == []


def test_map_draws_country_outlines_and_events(tab: Watched, corpus: Trucewatch) -> None:
    tab.open("/map")
    page = tab.page
    outlines = page.evaluate(
        "Array.from(document.querySelectorAll('#map .layer path, #map .geo path'))"
        ".filter(p => (p.getAttribute('d') || '').length > 1000).length"
    )
    points = page.locator("#map .scattergeo path.point").count()
    assert outlines >= 3, "land, coastlines and borders are drawn"
    assert points == len(
        {
            (e.location.name, e.category)
            for e in corpus.events()
            if e.location and e.location.latitude is not None
        }
    )
    assert tab.problems == []


def test_a_filter_changes_the_events_table(tab: Watched, corpus: Trucewatch) -> None:
    tab.open("/events")
    page = tab.page
    before = page.locator("#event-count").inner_text()
    page.get_by_label("Category").select_option("ASSAULT")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/events?*category=ASSAULT*")
    after = page.locator("#event-count").inner_text()
    assert before == f"{corpus.count_events()} event(s) match."
    assert after == f"{corpus.count_events(category='ASSAULT')} event(s) match."
    categories = page.locator("table.events tbody .category").all_inner_texts()
    assert categories and set(categories) == {"ASSAULT"}
    tab.shot("events-filtered")
    assert tab.problems == []


def test_clicking_an_escalation_marker_shows_its_sentence(tab: Watched, corpus: Trucewatch) -> None:
    tab.open("/dyads/ISR/PSE")
    page = tab.page
    panel = page.locator("#event-detail")
    assert "No event selected" in panel.inner_text()
    marker = page.locator("#escalation .scatterlayer .trace").nth(1).locator("path.point").first
    box = marker.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.wait_for_timeout(200)
    page.mouse.click(x, y)
    page.wait_for_selector("#event-detail .sentence mark.trigger")
    chosen = panel.get_attribute("data-event")
    events = {e.id: e for e in corpus.dyad_events("ISR", "PSE")}
    assert chosen in events
    assert panel.locator(".sentence").inner_text() == events[chosen].sentence_text
    assert panel.locator("mark.trigger").inner_text() == events[chosen].trigger
    link = panel.get_by_role("link").get_attribute("href")
    assert link == f"/articles/{events[chosen].article_id}#event-{chosen}"
    tab.shot("dyad-marker-selected")
    assert tab.problems == []


def test_phone_width_needs_no_sideways_scrolling(tab: Watched, corpus: Trucewatch) -> None:
    page = tab.page
    page.set_viewport_size(PHONE)
    for name in ("overview", "events", "claims", "ceasefire"):
        tab.open(PAGES[name](corpus))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} is {overflow}px wider than a phone"
        tab.shot(f"phone-{name}")
    assert tab.problems == []


def test_keyboard_reaches_content_and_shows_focus(tab: Watched) -> None:
    tab.open("/")
    page = tab.page
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.textContent")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert skip == "Skip to content" and outline == "solid"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    inside = page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert inside, "after the skip link, Tab moves into the page's content"
    assert tab.problems == []
