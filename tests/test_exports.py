"""Exports: PLOVER JSON Lines, the flat CSV and the ACLED-style CSV, as a user reads them back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator, Mapping
from itertools import groupby
from pathlib import Path

import pytest

import trucewatch
from trucewatch import api
from trucewatch.api import Trucewatch
from trucewatch.errors import ConfigError
from trucewatch.events.acled import ACLED_COLUMNS
from trucewatch.exports import CSV_COLUMNS, FORMATS, ArticleInfo, write_events
from trucewatch.model import Event, TextCountries

from .builders import event, group, organisation, place, state

KHARKIV = place("Kharkiv", "UKR", 49.99, 36.23)


def strike() -> Event:
    return event(
        "ASSAULT",
        "drone",
        id="ev-strike",
        article_id="art-1",
        source=[state("RUS", "MIL", "Russian forces")],
        target=[group("CVL", "UKR", "residents"), state("UKR", "GOV", "Ukraine")],
        when=dt.date(2024, 5, 2),
        where=KHARKIV,
        killed=7,
        qualifier="at_least",
        injured=12,
        reported_by="regional governor",
        attributed="the regional governor",
        text="At least seven residents were killed when drones hit Kharkiv, the regional governor said.",
        trigger="hit",
        sentence=3,
        start=120,
        context=("military",),
        confidence=0.85,
        links=(("violates", "ceasefire"),),
    )


def protest_and_arrest() -> list[Event]:
    demo = event(
        "PROTEST",
        "demo",
        id="ev-demo",
        article_id="art-2",
        source=[group("CVL", name="students")],
        where=place("Tbilisi", "GEO"),
        text="Students rallied outside parliament.",
    )
    arrest = event(
        "COERCE",
        "arrest",
        id="ev-arrest",
        article_id="art-2",
        source=[state("GEO", "COP", "police")],
        target=[group("CVL", name="students")],
        where=place("Tbilisi", "GEO"),
        text="Police detained a dozen of them.",
        sentence=1,
    )
    return [demo, arrest]


def export(
    events: list[Event], fmt: str, articles: Mapping[str, ArticleInfo] | None = None
) -> tuple[int, str]:
    out = io.StringIO()
    count = write_events(iter(events), fmt, out, articles)
    return count, out.getvalue()


def test_formats_are_the_three_promised() -> None:
    assert FORMATS == ("plover-json", "csv", "acled-csv")


def test_plover_json_has_plover_fields_and_round_trips_the_essentials() -> None:
    e = strike()
    articles = {
        "art-1": ArticleInfo(url="https://example.org/a", title="Drones hit city", outlet="Example Post")
    }
    count, text = export([e, protest_and_arrest()[0]], "plover-json", articles=articles)
    lines = text.splitlines()
    assert count == 2 and len(lines) == 2
    record = json.loads(lines[0])
    assert record["id"] == e.id and record["article_id"] == "art-1"
    assert record["date"] == "2024-05-02"
    assert (
        record["event"] == ["ASSAULT"] and record["mode"] == ["drone"] and record["context"] == ["military"]
    )
    assert record["actor"] == [
        {
            "code": "RUS",
            "sector": "MIL",
            "entity_text": "Russian forces",
            "identifier_text": "Russian forces",
            "office": None,
            "key": "RUS:MIL",
        }
    ]
    assert [(r["code"], r["sector"]) for r in record["recipient"]] == [("UKR", "CVL"), ("UKR", "GOV")]
    assert record["quad_code"] == 4 and record["event_scale"] == e.score
    assert record["event_loc"] == {
        "extracted_place": "Kharkiv",
        "resolved_place": "Kharkiv",
        "lat": 49.99,
        "lon": 36.23,
        "country_code": "UKR",
        "resolution": 4,
    }
    assert record["event_text"] == ["hit"] and record["text"] == e.sentence_text
    assert record["text_info"] == {"sequence": 3, "start": 120, "end": 120 + len(e.sentence_text)}
    assert record["cite_info"] == {
        "url": "https://example.org/a",
        "title": "Drones hit city",
        "publication": "Example Post",
    }
    assert record["status"] == "asserted" and record["confidence"] == 0.85
    assert record["casualties"]["killed"] == {"value": 7, "qualifier": "at_least", "high": None, "text": ""}
    assert record["size"] == {"dead": 7, "injured": 12}
    assert record["attributed_to"]["text"] == "the regional governor"
    assert record["links"] == [["violates", "ceasefire"]]
    second = json.loads(lines[1])
    assert second["cite_info"] == {"url": None, "title": None, "publication": None}
    assert second["recipient"] == [] and second["event_loc"]["country_code"] == "GEO"


def test_csv_has_one_flat_row_per_event() -> None:
    count, text = export([strike(), *protest_and_arrest()], "csv")
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    rows = list(reader)
    assert count == 3 and len(rows) == 3
    first = rows[0]
    assert first["category"] == "ASSAULT" and first["mode"] == "drone" and first["date"] == "2024-05-02"
    assert first["source_names"] == "Russian forces" and first["source_countries"] == "RUS"
    assert first["target_names"] == "residents; Ukraine"
    assert first["target_countries"] == "UKR; UKR" and first["target_sectors"] == "CVL; GOV"
    assert (first["killed"], first["killed_qualifier"], first["injured"], first["displaced"]) == (
        "7",
        "at_least",
        "12",
        "",
    )
    assert first["location"] == "Kharkiv" and first["location_country"] == "UKR"
    assert float(first["latitude"]) == 49.99 and float(first["longitude"]) == 36.23
    assert first["attributed_to"] == "the regional governor"
    assert first["sentence"].startswith("At least seven") and first["trigger"] == "hit"
    assert first["quad"] == "4" and first["start"] == "120"
    assert rows[1]["killed"] == "" and rows[1]["latitude"] == ""


def test_an_acled_row_without_a_place_takes_its_country_from_the_article_text() -> None:
    raid = event(
        "COERCE",
        "arrest",
        id="ev-raid",
        article_id="art-3",
        source=[group("CVL", name="masked men")],
        target=[group("CVL", name="a journalist")],
        text="Masked men seized a journalist at his home.",
    )
    lebanon = {"art-3": ArticleInfo(countries=TextCountries(places=("LBN",), demonyms=("ISR",)))}
    _, with_text = export([raid], "acled-csv", lebanon)
    _, without = export([raid], "acled-csv")
    (row,) = csv.DictReader(io.StringIO(with_text))
    (bare,) = csv.DictReader(io.StringIO(without))
    assert (row["country"], row["iso3"], row["location"]) == ("Lebanon", "LBN", "")
    assert bare["iso3"] == ""


def test_stored_articles_keep_the_countries_their_text_points_to(tmp_path: Path) -> None:
    text = "UNIFIL said Israeli drones flew over the area on Monday."  # a mission in Lebanon only
    with trucewatch.open(str(tmp_path / "t.db")) as tw:
        article_id = tw.ingest_text(text).added[0]
        stored = tw.store.article(article_id).countries
        refs = tw.store.article_refs([article_id])
    assert stored.places == ("LBN",) and "ISR" in stored.demonyms
    assert refs[article_id].countries == stored


def test_acled_csv_uses_acled_columns_and_sees_the_other_events_of_the_article() -> None:
    count, text = export([strike(), *protest_and_arrest()], "acled-csv")
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == ACLED_COLUMNS
    rows = {r["id"]: r for r in reader}
    assert count == 3
    hit = rows["ev-strike"]
    assert (hit["event_type"], hit["sub_event_type"]) == ("Explosions/Remote violence", "Air/drone strike")
    assert (hit["actor1"], hit["inter1"]) == ("Military Forces of Russia", "8")
    assert (hit["country"], hit["location"], hit["fatalities"]) == ("Ukraine", "Kharkiv", "7")
    assert hit["notes"] == strike().sentence_text and hit["event_date"] == "2024-05-02"
    demo = rows["ev-demo"]
    assert demo["sub_event_type"] == "Protest with intervention"
    assert (demo["actor1"], demo["actor2"]) == ("Protesters (Georgia)", "Police Forces of Georgia")
    assert rows["ev-arrest"]["sub_event_type"] == "Arrests"


def test_writers_stream_from_a_generator_and_count_what_they_wrote() -> None:
    pulled: list[str] = []

    def events() -> Iterator[Event]:
        for n in range(5):
            pulled.append(str(n))
            yield event(
                "ASSAULT",
                "firearms",
                id=f"e{n}",
                article_id=f"a{n}",
                source=[organisation("Ridge Front", "COL", "REB")],
            )

    for fmt in FORMATS:
        pulled.clear()
        out = io.StringIO()
        assert write_events(events(), fmt, out) == 5
        assert len(pulled) == 5


def test_an_unknown_format_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown export format 'xml'"):
        write_events([], "xml", io.StringIO())


def test_empty_exports_still_have_their_header() -> None:
    assert export([], "csv") == (0, ",".join(CSV_COLUMNS) + "\n")
    assert export([], "plover-json") == (0, "")


@pytest.mark.parametrize("fmt", ["plover-json", "acled-csv"])
def test_an_export_reads_its_articles_a_page_at_a_time_and_misses_none(
    corpus: Trucewatch, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = io.StringIO()
    count = corpus.export(fmt, whole)
    # pages of three events: an article's events straddle pages, and the ACLED rows look an
    # article up after reading the first event of the next one
    monkeypatch.setattr(api._ArticleRefs, "PAGE", 3)
    paged = io.StringIO()
    assert corpus.export(fmt, paged) == count > 10
    assert paged.getvalue() == whole.getvalue()
    articles = api._ArticleRefs(corpus.store)
    looked_up = 0
    for article_id, events in groupby(
        articles.through(corpus.iter_events(order="article")), lambda e: e.article_id
    ):
        list(events)  # as the ACLED rows do: the article is looked up one event into the next
        assert articles.get(article_id) is not None, article_id
        looked_up += 1
    assert looked_up > 5
    if fmt == "plover-json":
        records = [json.loads(line) for line in whole.getvalue().splitlines()]
        refs = corpus.store.article_refs({r["article_id"] for r in records})
        assert all(r["cite_info"]["title"] == refs[r["article_id"]].title for r in records)
        assert sum(bool(r["cite_info"]["title"]) for r in records) > count / 2
