"""`trucewatch extract`: JSON Lines in, one line of events (or one ACLED-style row) out per line,
in input order, with bad lines named and the good ones still processed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from trucewatch.cli import app

runner = CliRunner()
SHELLING = {
    "id": "kharkiv",
    "text": "Russian forces shelled Kharkiv on Monday, killing three civilians, Ukrainian officials said.",
    "published": "2025-05-12T08:00:00Z",
}
NO_EVENT = {"id": "quiet", "text": "Officials in Lebanon said the harvest had been good this year."}


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_json_output_keeps_input_order_and_names_the_bad_line(tmp_path: Path) -> None:
    source = write_lines(tmp_path / "in.jsonl", [json.dumps(SHELLING), "{not json", json.dumps(NO_EVENT)])
    result = runner.invoke(app, ["extract", str(source)])
    assert result.exit_code == 1
    assert "line 2" in result.stderr and "not valid JSON" in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3]
    assert [r["id"] for r in records] == ["kharkiv", None, "quiet"]
    assert "error" in records[1] and records[1]["events"] == []
    shelling = records[0]["events"]
    assert shelling, "the shelling of Kharkiv is an event"
    first = shelling[0]
    assert first["location"]["name"] == "Kharkiv"
    assert first["casualties"]["killed"]["value"] == 3
    assert records[2]["events"] == []


def test_acled_rows_give_a_country_even_without_an_event(tmp_path: Path) -> None:
    source = write_lines(tmp_path / "in.jsonl", [json.dumps(SHELLING), json.dumps(NO_EVENT)])
    result = runner.invoke(app, ["extract", str(source), "--format", "acled"])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == ["kharkiv", "quiet"]
    assert rows[0]["event_type"] == "Explosions/Remote violence"
    assert (rows[0]["country"], rows[0]["location"], rows[0]["fatalities"]) == ("Ukraine", "Kharkiv", "3")
    assert rows[1]["event_type"] == "" and rows[1]["country"] == "Lebanon"


def test_a_text_with_no_event_is_given_the_country_it_names_places_in(tmp_path: Path) -> None:
    texts = {
        "state": "In Tlaquepaque, Jalisco, a bag of documents was found in a car.",
        "mission": "UNIFIL said Israeli drones flew over the area.",  # a mission in Lebanon only
        "nothing": "Nothing of note happened that day.",
    }
    lines = [json.dumps({"id": key, "text": text}) for key, text in texts.items()]
    result = runner.invoke(
        app, ["extract", str(write_lines(tmp_path / "in.jsonl", lines)), "--format", "acled"]
    )
    assert result.exit_code == 0, result.stderr
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert {key: (rows[key]["event_type"], rows[key]["iso3"]) for key in texts} == {
        "state": ("", "MEX"),
        "mission": ("", "LBN"),
        "nothing": ("", ""),
    }
    records = [
        json.loads(line)
        for line in runner.invoke(app, ["extract", str(tmp_path / "in.jsonl")]).stdout.splitlines()
    ]
    assert records[1]["countries"] == {"places": ["LBN"], "demonyms": ["ISR"]}


def test_standard_input_and_a_very_long_sentence(tmp_path: Path) -> None:
    clause = "officials, aid workers and residents who had fled described the damage to roads and homes, and "
    long_text = "In the border town " + clause * 330 + "the talks ended."
    assert len(long_text.split()) > 5000
    lines = json.dumps({"id": "long", "text": long_text}) + "\n" + json.dumps(SHELLING) + "\n"
    result = runner.invoke(app, ["extract", "-"], input=lines)
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["long", "kharkiv"]
    assert records[1]["events"]


def test_a_missing_file_and_an_unknown_format_are_named(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["extract", str(tmp_path / "nowhere.jsonl")])
    assert missing.exit_code != 0 and "nowhere.jsonl" in missing.stderr
    source = write_lines(tmp_path / "in.jsonl", [json.dumps(SHELLING)])
    bad = runner.invoke(app, ["extract", str(source), "--format", "xml"])
    assert bad.exit_code == 2 and "--format" in bad.stderr


def test_eval_acled_names_an_unknown_misses_field(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "acled", str(tmp_path / "x.csv"), "--misses", "colour"])
    assert result.exit_code != 0
    assert "--misses" in result.stderr and "country" in result.stderr
