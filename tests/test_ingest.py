"""Ingestion: every input format, metadata, boilerplate removal, stable ids, bad inputs."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from trucewatch.ingest import ReadOptions, article_from_text, read_sources
from trucewatch.ingest.clean import content_id, default_boilerplate, remove_boilerplate
from trucewatch.ingest.metadata import Metadata
from trucewatch.model import Article, Rejection

from .conftest import EXAMPLES

BODY = (
    "Israeli jets struck targets in southern Lebanon on Tuesday, the Israeli military said, "
    "a day after Hezbollah fired rockets at an army post near the border. Lebanon's health "
    "ministry said three people were killed in the strikes."
)
RNG = random.Random(7)
FRENCH = (
    "Les frappes israéliennes ont touché le sud du Liban mardi, a indiqué l'armée, au lendemain "
    "de tirs de roquettes du Hezbollah contre un poste militaire près de la frontière. Le ministère "
    "libanais de la santé a fait état de trois morts."
)


def read_all(paths: list[str], **options: Any) -> tuple[list[Article], list[Rejection]]:
    items = list(read_sources(paths, ReadOptions(**options)))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Rejection)]


def test_example_corpus_reads_in_every_format() -> None:
    articles, rejected = read_all([str(EXAMPLES)])
    assert rejected == []
    assert len(articles) >= 12
    suffixes = {Path(a.source.split(":")[0]).suffix for a in articles}
    assert suffixes == {".md", ".html", ".txt", ".jsonl"}
    assert all(a.text and a.language == "en" for a in articles)


def test_markdown_front_matter_gives_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        "---\ntitle: Strikes in Lebanon\noutlet: Test Wire\npublished: 2024-12-03T17:30:00Z\n"
        "url: https://example.org/a\n---\n\n# Strikes in Lebanon\n\n"
        + BODY
        + "\n\n*Reporting* by [staff](x).\n",
        encoding="utf-8",
    )
    [article], _ = read_all([str(path)])
    assert article.title == "Strikes in Lebanon"
    assert article.outlet == "Test Wire"
    assert article.published is not None and article.published.isoformat() == "2024-12-03T17:30:00"
    assert article.url == "https://example.org/a"
    assert article.text.startswith("Israeli jets struck")
    assert "*" not in article.text and "[" not in article.text


def test_html_main_text_and_metadata() -> None:
    [article], _ = read_all([str(EXAMPLES / "2023-11-28-gaza-truce-extended.html")])
    assert article.outlet == "Levant Ledger"
    assert article.published is not None and article.published.isoformat() == "2023-11-28T15:30:00"
    assert article.title and article.title.startswith("Gaza truce extended")
    assert article.url and article.url.startswith("https://example.org/")
    for furniture in ("Newsletters", "Tweet", "By Dana Halabi", "Read also"):
        assert furniture not in article.text


def test_plain_text_headline_becomes_title(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Strikes in Lebanon\n\n" + BODY + "\n", encoding="utf-8")
    [article], _ = read_all([str(path)])
    assert article.title == "Strikes in Lebanon"
    assert article.text.startswith("Israeli jets")


def test_flags_override_file_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\noutlet: File Outlet\n---\n" + BODY, encoding="utf-8")
    from datetime import datetime

    when = datetime(2024, 12, 3, 9, 0)
    [article], _ = read_all([str(path)], overrides=Metadata(outlet="Flag Outlet", published=when))
    assert article.outlet == "Flag Outlet"
    assert article.published == when


def test_jsonl_lines_are_articles_and_bad_lines_are_named(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    lines = [
        json.dumps({"text": BODY, "title": "One", "outlet": "W", "published": "2024-12-03"}),
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps(["a", "list"]),
        json.dumps({"text": BODY.replace("Tuesday", "Wednesday"), "published": "not a date at all"}),
        json.dumps({"text": BODY.replace("three", "four")}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, rejected = read_all([str(path)])
    assert [a.source for a in articles] == [f"{path}:1", f"{path}:6"]
    reasons = {r.source.rsplit(":", 1)[1]: r.reason for r in rejected}
    assert set(reasons) == {"2", "3", "4", "5"}
    assert "not valid JSON" in reasons["2"]
    assert "missing 'text'" in reasons["3"]
    assert "JSON object" in reasons["4"]
    assert "cannot read" in reasons["5"] and "date" in reasons["5"]


def test_folder_is_read_recursively_and_hidden_files_skipped(tmp_path: Path) -> None:
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "er" / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "deep" / "b.md").write_text(BODY.replace("three", "two"), encoding="utf-8")
    (tmp_path / "deep" / ".hidden.txt").write_text(BODY.replace("three", "five"), encoding="utf-8")
    (tmp_path / "deep" / "notes.csv").write_text("a,b\n", encoding="utf-8")
    articles, rejected = read_all([str(tmp_path / "deep")])
    assert sorted(Path(a.source).name for a in articles) == ["a.txt", "b.md"]
    assert rejected == []


def test_boilerplate_rules_remove_share_buttons_bylines_and_trailers() -> None:
    raw = (
        "Share\nBy Jane Doe, Test Wire\n"
        "Share.The ceasefire between Israel and Hezbollah held overnight, officials said.\n"
        "By the end of the day, both sides had traded accusations.\n"
        "Find out more:The talks will resume in Cairo on Monday, according to Egyptian officials, "
        "who said the gaps between the sides had narrowed over the past week of meetings.\n"
        "Advertisement\n"
        "Read also:\nGaza truce: what we know so far\nThe Lebanon deal explained in five charts\n"
    )
    cleaned = remove_boilerplate(raw, default_boilerplate())
    assert cleaned.split("\n\n") == [
        "The ceasefire between Israel and Hezbollah held overnight, officials said.",
        "By the end of the day, both sides had traded accusations.",
        "The talks will resume in Cairo on Monday, according to Egyptian officials, who said the gaps "
        "between the sides had narrowed over the past week of meetings.",
    ]


def test_same_article_gets_same_id_whatever_its_spacing_or_quotes() -> None:
    a = article_from_text(f"He said \u201ccalm down\u201d.  {BODY}")
    b = article_from_text(f'He said "calm down".\n{BODY}\n\n')
    assert a.id == b.id == content_id(a.text)
    assert len(a.id) == 16
    assert article_from_text(BODY.replace("three", "four")).id != a.id


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n  ", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file"),
        ("garbled.txt", bytes(RNG.randrange(0x80, 0x100) for _ in range(600)), "unknown text encoding"),
        ("thai.txt", "ข่าวการหยุดยิงในฉนวนกาซา".encode("cp874") * 20, "language is 'th'"),
        (
            "empty.html",
            b"<html><head><title>x</title></head><body><nav>Home</nav></body></html>",
            "no article text",
        ),
        ("french.txt", FRENCH.encode("utf-8"), "language is 'fr'"),
        ("share-only.txt", b"Share\nTweet\nAdvertisement\n", "no article text"),
    ],
)
def test_bad_inputs_are_rejected_with_a_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text(BODY, encoding="utf-8")
    articles, rejected = read_all([str(bad), str(good)])
    assert [a.source for a in articles] == [str(good)]
    assert len(rejected) == 1
    assert rejected[0].source == str(bad)
    assert reason in rejected[0].reason


def test_missing_path_is_rejected(tmp_path: Path) -> None:
    _, rejected = read_all([str(tmp_path / "nope.txt")])
    assert [(r.source, r.reason) for r in rejected] == [
        (str(tmp_path / "nope.txt"), "no such file or folder")
    ]


def test_legacy_encoding_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.txt"
    path.write_bytes((BODY + " The envoy\u2019s \u201cfinal\u201d offer was rejected.").encode("cp1252"))
    [article], rejected = read_all([str(path)])
    assert rejected == []
    assert "envoy\u2019s \u201cfinal\u201d" in article.text
