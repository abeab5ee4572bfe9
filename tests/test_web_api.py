"""The REST API: in-process through FastAPI's test client, over real HTTP on a live Uvicorn
server, and with schemathesis generating requests from the OpenAPI document."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from typer.testing import CliRunner

import trucewatch
from trucewatch.api import Trucewatch
from trucewatch.cli import app as cli_app
from trucewatch.config import Settings
from trucewatch.errors import ConfigError
from trucewatch.web import create_app
from trucewatch.web.params import MAX_PAGE
from trucewatch.web.security import is_loopback

from .web_support import LOCAL, scratch_copy, serving

TOKEN = "a-test-token-of-some-length"
TEXT = (
    "Israeli jets struck Hezbollah positions in southern Lebanon on Tuesday after rockets were "
    "fired at the Galilee, the Israeli military said. Hezbollah accused Israel of violating the "
    "ceasefire."
)
GERMAN = (
    "Der Waffenstillstand zwischen den beiden Seiten wurde am Montag gebrochen, sagte die Regierung "
    "in Berlin. Die Armee meldete Angriffe auf mehrere Dörfer im Norden des Landes, bei denen viele "
    "Menschen verletzt wurden. Die Vermittler riefen beide Seiten zur Zurückhaltung auf."
)


@pytest.fixture(scope="module")
def client(corpus_db: Path) -> Iterator[TestClient]:
    """The app over the example corpus, in process (read only)."""
    with TestClient(create_app(Settings(db=str(corpus_db))), base_url=LOCAL) as test_client:
        yield test_client


@pytest.fixture
def writable(corpus_db: Path, tmp_path: Path) -> Iterator[TestClient]:
    """The app over a copy of the corpus that a test may post articles to."""
    with TestClient(
        create_app(Settings(db=str(scratch_copy(corpus_db, tmp_path)))), base_url=LOCAL
    ) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def live(corpus_db: Path) -> Iterator[str]:
    """The app on a live Uvicorn server on 127.0.0.1: its base URL."""
    with serving(create_app(Settings(db=str(corpus_db)))) as base:
        yield base


def test_openapi_documents_every_endpoint(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    paths = doc["paths"]
    for path in (
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/events",
        "/api/ceasefires",
        "/api/ceasefires/{ceasefire_id}",
        "/api/claims",
        "/api/escalation/{a}/{b}",
        "/api/actors",
        "/api/dyads",
        "/download/events.{fmt}",
    ):
        assert "get" in paths[path], path
    upload = paths["/api/articles"]["post"]
    assert {
        "text/plain",
        "text/html",
        "application/json",
        "application/x-ndjson",
        "multipart/form-data",
    } <= set(upload["requestBody"]["content"])
    assert {"401", "403", "413", "422"} <= set(upload["responses"])
    assert not any(p.startswith(("/events", "/map", "/static")) for p in paths), "pages stay out of the API"


def test_articles_are_listed_filtered_and_paged(client: TestClient, corpus: Trucewatch) -> None:
    everything = client.get("/api/articles", params={"limit": MAX_PAGE}).json()
    assert everything["total"] == len(corpus.articles()) == len(everything["items"])
    first = client.get("/api/articles", params={"limit": 5}).json()
    second = client.get("/api/articles", params={"limit": 5, "offset": 5}).json()
    assert [a["id"] for a in first["items"] + second["items"]] == [a["id"] for a in everything["items"][:10]]
    ledger = client.get("/api/articles", params={"outlet": "ledger"}).json()
    assert 0 < ledger["total"] < everything["total"]
    assert all("ledger" in a["outlet"].lower() for a in ledger["items"])


def test_one_article_comes_with_its_events(client: TestClient, corpus: Trucewatch) -> None:
    article = corpus.articles()[0]
    body = client.get(f"/api/articles/{article.id[:8]}").json()
    assert body["article"]["id"] == article.id
    assert [e["id"] for e in body["events"]] == [e.id for e in corpus.article(article.id).events]
    assert body["sentences"] and body["mentions"]


def test_events_filter_as_the_cli_does_and_pages_are_bounded(client: TestClient, corpus: Trucewatch) -> None:
    page = client.get("/api/events", params={"country": "irn", "category": "ASSAULT", "limit": 500}).json()
    expected = corpus.events(country="IRN", category="ASSAULT")
    assert page["total"] == len(expected) > 0
    assert [e["id"] for e in page["items"]] == [e.id for e in expected]
    assert all(e["category"] == "ASSAULT" for e in page["items"])
    since = client.get("/api/events", params={"since": "2025-06-01", "limit": 500}).json()
    assert since["items"] and all(e["date"]["date"] >= "2025-06-01" for e in since["items"])
    assert client.get("/api/events").json()["limit"] == 100
    assert client.get("/api/events", params={"limit": MAX_PAGE + 1}).status_code == 422


def test_events_sort_by_date_either_way_and_by_score(client: TestClient) -> None:
    total = client.get("/api/events", params={"limit": 1}).json()["total"]
    ascending = client.get("/api/events", params={"limit": MAX_PAGE}).json()["items"]
    descending = client.get("/api/events", params={"limit": MAX_PAGE, "sort": "-date"}).json()["items"]
    assert len(ascending) == min(total, MAX_PAGE)
    if total <= MAX_PAGE:
        assert [e["id"] for e in descending] == [e["id"] for e in reversed(ascending)]
    last_page = client.get("/api/events", params={"limit": 10, "offset": total - 3, "sort": "-date"}).json()
    assert len(last_page["items"]) == 3
    scores = [e["score"] for e in client.get("/api/events", params={"sort": "-score"}).json()["items"]]
    assert scores == sorted(scores, reverse=True)


def test_ceasefires_list_and_one_with_its_timeline(client: TestClient) -> None:
    listing = client.get("/api/ceasefires", params={"party": "Hamas"}).json()
    assert listing["total"] >= 2
    record = client.get(f"/api/ceasefires/{listing['items'][0]['id'][:8]}").json()
    assert record["parties"] and record["phases"] and "events_around" in record
    assert all(s["sentence"] for p in record["phases"] for s in p["sources"])
    collapsed = client.get("/api/ceasefires", params={"phase": "collapsed"}).json()
    assert all(any(p["phase"] == "collapsed" for p in r["phases"]) for r in collapsed["items"])


def test_claims_escalation_actors_and_dyads(client: TestClient) -> None:
    claims = client.get("/api/claims").json()
    assert claims["total"] > 0 and all({"accuser", "accused", "denials"} <= set(c) for c in claims["items"])
    series = client.get("/api/escalation/isr/pse").json()
    assert series["dyad"] == "ISR|PSE" and series["days"] and series["ceasefires"]
    actors = client.get("/api/actors", params={"country": "ISR", "limit": 3}).json()
    assert len(actors["items"]) == 3 and all(a["country"] == "ISR" for a in actors["items"])
    dyads = client.get("/api/dyads").json()
    assert "ISR|PSE" in [d["dyad"] for d in dyads["items"]]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/articles/ffffffffffffffff", 404),
        ("/api/ceasefires/ffffffffffff", 404),
        ("/api/articles/not-an-id", 422),
        ("/api/events?limit=0", 422),
        ("/api/events?category=BOMBING", 422),
        ("/api/events?since=yesterday", 422),
        ("/api/events?country=ISRAEL", 422),
        ("/api/events?sort=trigger", 422),
        ("/api/events?offset=-1", 422),
        ("/api/escalation/ISR/P", 422),
        ("/api/claims?stance=maybe", 422),
        ("/api/nowhere", 404),
    ],
)
def test_errors_are_json_with_the_right_status(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert isinstance(response.json()["error"], str) and response.json()["error"]


def test_posting_text_runs_the_pipeline_and_returns_what_it_found(writable: TestClient) -> None:
    response = writable.post(
        "/api/articles",
        content=TEXT,
        headers={"content-type": "text/plain"},
        params={"outlet": "Desk", "published": "2025-01-08T10:00Z"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    [article] = body["articles"]
    assert body["added"] == [article["id"]] and article["outlet"] == "Desk"
    assert {"ASSAULT", "ACCUSE"} <= {e["category"] for e in article["events"]}
    assert writable.get(f"/api/articles/{article['id']}").status_code == 200
    again = writable.post("/api/articles", content=TEXT, headers={"content-type": "text/plain"})
    assert again.status_code == 200 and again.json()["unchanged"] == [article["id"]]


def test_posting_json_html_jsonl_and_a_form(writable: TestClient) -> None:
    as_json = writable.post("/api/articles", json={"text": TEXT.replace("Tuesday", "Monday"), "outlet": "J"})
    assert as_json.status_code == 201 and as_json.json()["articles"][0]["outlet"] == "J"
    body = TEXT.replace("Tuesday", "Friday")
    html = f"<html><body><article><h1>Strikes</h1><p>{body}</p></article></body></html>"
    as_html = writable.post("/api/articles", content=html, headers={"content-type": "text/html"})
    assert as_html.status_code == 201, as_html.text
    lines = "\n".join(json.dumps({"text": TEXT.replace("Tuesday", day)}) for day in ("Wednesday", "Thursday"))
    as_jsonl = writable.post("/api/articles", content=lines, params={"format": "jsonl"})
    assert as_jsonl.status_code == 201 and len(as_jsonl.json()["added"]) == 2
    form = writable.post(
        "/api/articles",
        files={"file": ("a.txt", TEXT.replace("Tuesday", "Sunday").encode(), "text/plain")},
        data={"format": "text", "title": "From a form"},
    )
    assert form.status_code == 201 and form.json()["articles"][0]["title"] == "From a form"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"content": b"", "headers": {"content-type": "text/plain"}}, "empty"),
        ({"content": GERMAN}, "English"),
        ({"json": {"text": ""}}, "body.text"),
        ({"json": {"text": "x", "colour": "red"}}, "colour"),
        ({"json": {"text": TEXT, "published": "not a date at all"}}, "published"),
        ({"content": b"\x00\x01\x02binary\xff", "headers": {"content-type": "application/octet-stream"}}, ""),
    ],
)
def test_posts_that_cannot_be_read_are_422(
    writable: TestClient, kwargs: dict[str, object], message: str
) -> None:
    response = writable.post("/api/articles", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 422, response.text
    assert message in response.json()["error"]


def test_bodies_over_the_limit_are_413_announced_or_streamed(corpus_db: Path, tmp_path: Path) -> None:
    app = create_app(Settings(db=str(scratch_copy(corpus_db, tmp_path)), max_body_bytes=1000))
    with TestClient(app, base_url=LOCAL) as small:
        announced = small.post("/api/articles", content="x" * 2000, headers={"content-type": "text/plain"})
        assert announced.status_code == 413 and "1000 bytes" in announced.json()["error"]

        def chunks() -> Iterator[bytes]:
            for _ in range(20):
                yield b"y" * 100

        streamed = small.post("/api/articles", content=chunks(), headers={"content-type": "text/plain"})
        assert streamed.status_code == 413 and streamed.json()["error"]
        assert small.get("/api/events", params={"limit": 1}).status_code == 200


def test_writes_need_the_token_when_one_is_set(corpus_db: Path, tmp_path: Path) -> None:
    settings = Settings(db=str(scratch_copy(corpus_db, tmp_path)), api_token=TOKEN)
    with TestClient(create_app(settings, host="0.0.0.0"), base_url=LOCAL) as guarded:
        post = {"content": TEXT, "headers": {"content-type": "text/plain"}}
        missing = guarded.post("/api/articles", **post)  # type: ignore[arg-type]
        assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
        wrong = guarded.post(
            "/api/articles", content=TEXT, headers={"authorization": "Bearer nope-nope-nope"}
        )
        assert wrong.status_code == 403 and wrong.json()["error"]
        right = guarded.post(
            "/api/articles",
            content=TEXT,
            headers={"authorization": f"Bearer {TOKEN}", "content-type": "text/plain"},
        )
        assert right.status_code == 201
        assert guarded.get("/api/events", params={"limit": 1}).status_code == 200, "reads need no token"


def test_writes_from_another_site_are_refused(writable: TestClient) -> None:
    headers = {"content-type": "text/plain", "origin": "https://elsewhere.example"}
    response = writable.post("/api/articles", content=TEXT, headers=headers)
    assert response.status_code == 403 and "another site" in response.json()["error"]
    same = writable.post("/api/articles", content=TEXT, headers={**headers, "origin": LOCAL})
    assert same.status_code == 201


def test_refuses_to_serve_beyond_loopback_without_a_token(corpus_db: Path) -> None:
    with pytest.raises(ConfigError, match="without an API token"):
        create_app(Settings(db=str(corpus_db)), host="0.0.0.0")
    with pytest.raises(ConfigError, match="at least"):
        create_app(Settings(db=str(corpus_db), api_token="short"), host="127.0.0.1")
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.10", "::", "example.org"))
    result = CliRunner().invoke(cli_app, ["--db", str(corpus_db), "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 1 and "API token" in result.stderr


def test_a_factory_can_open_the_workspace(corpus_db: Path) -> None:
    app = create_app(lambda: trucewatch.open(str(corpus_db)))
    with TestClient(app, base_url=LOCAL) as c:
        assert c.get("/api/dyads").json()["total"] > 0


def test_downloads_hold_every_matching_row(client: TestClient, corpus: Trucewatch) -> None:
    csv_text = client.get("/download/events.csv", params={"category": "ASSAULT"}).text
    assert csv_text.splitlines()[0].startswith("id,article_id,date")
    assert len(csv_text.strip().splitlines()) == 1 + corpus.count_events(category="ASSAULT")
    records = client.get("/download/events.json").json()
    assert len(records) == corpus.count_events()
    dyad = client.get("/download/events.json", params={"a": "ISR", "b": "PSE"}).json()
    assert [e["id"] for e in dyad] == [e.id for e in corpus.dyad_events("ISR", "PSE")]
    for table in ("ceasefires", "claims", "articles", "actors", "dyads"):
        response = client.get(f"/download/{table}.csv")
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        assert isinstance(client.get(f"/download/{table}.json").json(), list)
    assert client.get("/download/escalation/ISR/PSE.json").json()[0]["day"]
    assert client.get("/download/events.xml").status_code == 422


def test_live_server_answers_real_http(live: str, corpus: Trucewatch) -> None:
    with httpx.Client(base_url=live, timeout=30) as http:
        events = http.get("/api/events", params={"limit": 3, "sort": "-date"})
        assert events.status_code == 200 and len(events.json()["items"]) == 3
        assert events.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'self'" in events.headers["content-security-policy"]
        page = http.get("/", headers={"accept-encoding": "gzip"})
        assert page.status_code == 200 and page.headers["content-encoding"] == "gzip"
        assert http.get("/api/articles/0000000000000000").json() == {
            "error": "no article with id '0000000000000000'"
        }
        script = http.get("/vendor/plotly.min.js")
        assert script.status_code == 200 and "plotly.js" in script.text[:200]
        ceasefire = corpus.ceasefires()[0]["id"]
        assert http.get(f"/api/ceasefires/{ceasefire}").json()["id"] == ceasefire


# Examples per operation and kind (valid, invalid): enough to reach every parameter and body
# type, few enough that the whole run takes seconds.
FUZZ_EXAMPLES = 15


def test_generated_requests_never_get_a_server_error(corpus_db: Path, tmp_path: Path) -> None:
    """Requests built from the OpenAPI document, valid and invalid, never make the server fail.

    The app runs on a live server over a scratch copy of the corpus (generated posts store
    articles). Hypothesis is derandomised, so a failure reproduces run after run.
    """
    app = create_app(Settings(db=str(scratch_copy(corpus_db, tmp_path))))
    with serving(app) as base:
        schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
        operations = []
        for result in schema.get_all_operations():
            assert isinstance(result, Ok), f"the schema has an invalid operation: {result.err()}"
            operations.append(result.ok())
        assert len(operations) >= 16
        for operation in operations:
            for mode in GenerationMode:

                @given(case=operation.as_strategy(mode))
                @settings(
                    max_examples=FUZZ_EXAMPLES,
                    deadline=None,
                    derandomize=True,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                )
                def no_server_error(case: schemathesis.Case) -> None:
                    case.call_and_validate(base_url=base, checks=[not_a_server_error])

                no_server_error()


def test_requests_naming_another_host_are_refused(live: str) -> None:
    """A page at another name pointed at 127.0.0.1 (DNS rebinding) cannot read the server."""
    response = httpx.get(f"{live}/api/dyads", headers={"host": "attacker.example"})
    assert response.status_code == 400 and "attacker.example" in response.json()["error"]
    assert httpx.get(f"{live}/api/dyads", headers={"host": "localhost"}).status_code == 200


def test_dates_in_answers_are_iso(client: TestClient) -> None:
    item = client.get("/api/articles", params={"limit": 1}).json()["items"][0]
    assert dt.datetime.fromisoformat(item["published"])
