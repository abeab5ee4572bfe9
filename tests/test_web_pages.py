"""The dashboard's pages, rendered over the example corpus, and the helpers that mark text."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from trucewatch.api import Trucewatch
from trucewatch.config import Settings
from trucewatch.model import Mention
from trucewatch.web import create_app
from trucewatch.web.templating import figure_json
from trucewatch.web.views import Span, marked, query, safe_url, sentence_pieces, sentence_start

from .builders import event, state
from .fresh import run_fresh
from .web_support import LOCAL, scratch_copy

HOSTILE_TITLE = '<script>alert("title")</script> & "quotes"'
HOSTILE_TEXT = (
    "Israeli jets struck Hezbollah positions in southern Lebanon on Tuesday, the Israeli military "
    'said. <img src=x onerror="alert(1)"> Hezbollah accused Israel of violating the ceasefire </script>.'
)


@pytest.fixture(scope="module")
def client(corpus_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=str(corpus_db))), base_url=LOCAL) as test_client:
        yield test_client


def pages(corpus: Trucewatch) -> list[str]:
    ceasefire = corpus.ceasefires()[0]["id"]
    article = corpus.articles()[0].id
    return [
        "/",
        "/ceasefires",
        f"/ceasefires/{ceasefire}",
        "/dyads",
        "/dyads/ISR/PSE",
        "/events",
        "/map",
        "/claims",
        "/articles",
        f"/articles/{article}",
        "/actors",
        "/downloads",
    ]


def test_every_page_renders_with_the_layout_and_no_outside_resource(
    client: TestClient, corpus: Trucewatch
) -> None:
    for path in pages(corpus):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.text
        assert '<nav aria-label="Main">' in html and 'href="#main"' in html, path
        assert re.search(r'aria-current="page"', html), path
        sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
        assert all(s.startswith("/") for s in sources), f"{path} loads {sources}"
        if path not in ("/downloads",) and not path.startswith("/ceasefires/"):
            assert "/download/" in html, f"{path} has no download links"


def test_charts_use_the_local_plotly_and_outlines(client: TestClient, corpus: Trucewatch) -> None:
    ceasefire = client.get(f"/ceasefires/{corpus.ceasefires()[0]['id']}").text
    assert '<script src="/vendor/plotly.min.js' in ceasefire
    assert ceasefire.count('data-figure="') == 3
    map_page = client.get("/map").text
    assert 'data-topojson="/geo/"' in map_page and '"type":"scattergeo"' in map_page
    topology = client.get("/geo/world_110m.json").json()
    assert topology["type"] == "Topology"
    assert {"land", "coastlines", "countries"} <= set(topology["objects"])
    assert len(topology["objects"]["countries"]["geometries"]) > 100
    assert client.get("/vendor/plotly.min.js").headers["content-type"].startswith("text/javascript")


def test_events_table_filters_sorts_and_pages(client: TestClient, corpus: Trucewatch) -> None:
    everything = client.get("/events").text
    assaults = client.get("/events", params={"category": "ASSAULT", "limit": 200}).text
    count = corpus.count_events(category="ASSAULT")
    assert f"{count} event(s) match" in assaults and f"{corpus.count_events()} event(s) match" in everything
    categories = re.findall(r'<span class="category cat-(\w+)">', assaults)
    assert categories and set(categories) == {"assault"}
    assert "selected>ASSAULT</option>" in assaults.replace('value="ASSAULT" ', "")
    by_score = client.get("/events", params={"sort": "score", "limit": 200}).text
    scores = [float(s) for s in re.findall(r'<td class="num">([+-]\d+\.\d)</td>', by_score)]
    assert scores == sorted(scores)
    assert 'aria-sort="ascending"' in by_score
    second = client.get("/events", params={"limit": 25, "offset": 25}).text
    assert "26–50 of" in second and 'rel="prev"' in second and 'rel="next"' in second


def test_blank_filters_are_ignored_and_bad_ones_named(client: TestClient) -> None:
    blank = client.get("/events", params={"actor": "", "country": "", "category": "", "since": ""})
    assert blank.status_code == 200
    bad = client.get("/events", params={"since": "last week", "country": "Israel", "category": "BOMBING"})
    assert bad.status_code == 422
    assert (
        "since: &#39;last week&#39; is not a date" in bad.text
        and "country:" in bad.text
        and "category:" in bad.text
    )
    assert "event(s) match" in bad.text, "the page still shows the table, unfiltered by the bad values"


def test_unknown_records_are_html_404_pages(client: TestClient) -> None:
    for path in ("/ceasefires/ffffffffffff", "/articles/ffffffffffffffff", "/nowhere"):
        response = client.get(path)
        assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
        assert "Not found" in response.text
    assert client.get("/dyads/ISR/P").status_code == 422


def test_ceasefire_page_shows_timeline_sources_and_violations(client: TestClient, corpus: Trucewatch) -> None:
    record = next(r for r in corpus.ceasefires() if r["violations_per_day"])
    html = client.get(f"/ceasefires/{record['id']}").text
    for phase in record["phases"]:
        for source in phase["sources"]:
            assert escaped(source["sentence"]) in html
    assert "Alleged violations" in html and 'id="violations"' in html
    assert '"fillcolor":"rgba(44, 160, 44, 0.15)"' in html, "the ceasefire window is shaded"


def test_dyad_page_puts_every_event_on_the_curve(client: TestClient, corpus: Trucewatch) -> None:
    html = client.get("/dyads/pse/isr").text
    found = re.search(r'<script type="application/json" id="escalation-data">(.*?)</script>', html, re.S)
    assert found, "the dyad page embeds its escalation data"
    data = json.loads(found[1])
    markers = [p for trace in data["data"][1:] for p in trace["customdata"]]
    assert sorted(m[0] for m in markers) == sorted(e.id for e in corpus.dyad_events("ISR", "PSE"))
    assert 'id="event-detail"' in html and 'aria-live="polite"' in html


def test_claims_show_accusations_beside_denials(client: TestClient, corpus: Trucewatch) -> None:
    html = client.get("/claims").text
    denied = next(c for c in corpus.claims() if c["denials"])
    assert escaped(denied["denials"][0]["sentence"]) in html
    assert html.count('class="claim"') == min(50, len(corpus.claims()))


def test_article_page_marks_actors_and_events(client: TestClient, corpus: Trucewatch) -> None:
    parsed = corpus.article(corpus.articles()[0].id)
    html = client.get(f"/articles/{parsed.article.id}").text
    assert html.count('<mark class="trigger"') + html.count('trigger" title') >= 1
    assert html.count('<a class="mark-link" href="#event-') >= len({(e.start, e.end) for e in parsed.events})
    assert 'class="actor sector-' in html
    for e in parsed.events:
        assert f'id="event-{e.id}"' in html


def test_everything_from_an_article_is_escaped(corpus_db: Path, tmp_path: Path) -> None:
    app = create_app(Settings(db=str(scratch_copy(corpus_db, tmp_path))))
    with TestClient(app, base_url=LOCAL) as c:
        posted = c.post(
            "/api/articles",
            content=HOSTILE_TEXT,
            params={"title": HOSTILE_TITLE, "url": "javascript:alert(1)"},
            headers={"content-type": "text/plain"},
        )
        assert posted.status_code == 201, posted.text
        article_id = posted.json()["added"][0]
        for path in (f"/articles/{article_id}", "/articles", "/events", "/", "/dyads/ISR/LBN"):
            html = c.get(path).text
            assert "<script>alert" not in html and "<img src=x" not in html, path
            assert 'href="javascript:' not in html, path
        page = c.get(f"/articles/{article_id}").text
        assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; &amp; &#34;quotes&#34;" in page
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page


def escaped(text: str) -> str:
    """Text as Jinja's autoescape writes it."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def test_marked_cuts_text_at_every_overlapping_span() -> None:
    pieces = marked(
        "Israeli jets struck Gaza", [Span(0, 12, "actor", "ISR"), Span(8, 19, "trigger", "ASSAULT")]
    )
    assert [(p.text, p.kinds) for p in pieces] == [
        ("Israeli ", ("actor",)),
        ("jets", ("actor", "trigger")),
        (" struck", ("trigger",)),
        (" Gaza", ()),
    ]
    assert marked("abc", [Span(2, 9, "x", "out of range")]) == marked("abc", [])


def test_sentence_start_picks_the_occurrence_where_the_mentions_line_up() -> None:
    sentence = "Hamas said Israel struck first, and Israeli jets struck again."
    base = 100
    second = sentence.index("struck", sentence.index("struck") + 1)
    israel = state("ISR", name="Israel")
    at = sentence.index("Israeli jets")
    actor = Mention(0, base + at, base + at + len("Israeli jets"), "Israeli jets", israel, "demonym")
    e = event("ASSAULT", source=[israel], text=sentence, trigger="struck", start=base + second)
    e = dataclasses.replace(e, actors=(actor,), end=base + second + len("struck"))
    assert sentence_start(e) == base
    pieces = sentence_pieces(e)
    trigger = next(i for i, p in enumerate(pieces) if "trigger" in p.kinds)
    assert "".join(p.text for p in pieces[:trigger]).endswith("and Israeli jets ")
    assert pieces[trigger].text == "struck"
    assert ("source",) in [p.kinds for p in pieces if p.text == "Israeli jets"]


def test_small_helpers_keep_pages_safe() -> None:
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url("javascript:alert(1)") is None and safe_url(None) is None
    assert query({"a": "1", "b": ""}, c=2, a=None) == "?c=2"
    assert "</script>" not in figure_json({"text": "</script><script>alert(1)</script>"})
    assert json.loads(str(figure_json({"text": "</script> & <b>"}))) == {"text": "</script> & <b>"}


SERVE_ONE_PAGE = (
    "from fastapi.testclient import TestClient\n"
    "from trucewatch.config import Settings\n"
    "from trucewatch.web import create_app\n"
    "with TestClient(create_app(Settings(db=sys.argv[1])), base_url=sys.argv[2]) as client:\n"
    "    page = client.get('/ceasefires')\n"
    "print(page.status_code, len(page.text))\n"
)


def test_the_server_starts_without_the_parser(corpus_db: Path) -> None:
    # spaCy and the rest are imported by what parses only: a server starting up, or a worker
    # restarted by its supervisor, would otherwise spend most of its start importing them
    proc, loaded = run_fresh(SERVE_ONE_PAGE, str(corpus_db), LOCAL)
    assert proc.returncode == 0, proc.stderr
    [status] = proc.stdout.splitlines()
    assert status.split()[0] == "200" and int(status.split()[1]) > 1000
    assert loaded == []
