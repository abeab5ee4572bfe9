"""The command line, in-process through Typer's runner and once as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trucewatch.cli import app

from .conftest import EXAMPLES, ROOT
from .fresh import run_fresh

runner = CliRunner()
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)  # type: ignore[union-attr]
TEXT = (
    "Israeli Defence Minister Israel Katz said on Tuesday that the army had struck Hezbollah "
    "positions in southern Lebanon after rockets were fired at the Galilee."
)


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_is_documented(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert "Usage:" in out and "--help" in out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"trucewatch {command}" in readme, f"README does not document `trucewatch {command}`"


def test_ingest_then_list_then_show(db_path: Path) -> None:
    code, out, err = run("--db", str(db_path), "ingest", str(EXAMPLES))
    assert code == 0, err
    added = int(out.split()[0])
    assert added >= 12
    code, out, _ = run("--db", str(db_path), "ingest", str(EXAMPLES))
    assert code == 0 and out.startswith(f"0 added, {added} already stored")

    code, out, _ = run("--db", str(db_path), "articles", "--json")
    listing = json.loads(out)
    assert code == 0 and len(listing) == added
    ledger = json.loads(run("--db", str(db_path), "articles", "--outlet", "Levant", "--json")[1])
    assert ledger and {a["outlet"] for a in ledger} == {"Levant Ledger"}

    target = next(
        a for a in listing if a["source"].endswith("2025-06-24-iran-israel-ceasefire-announced.html")
    )
    code, out, _ = run("--db", str(db_path), "show", target["id"][:8])
    assert code == 0
    assert "Trump announces Israel-Iran ceasefire" in out
    assert "Donald Trump" in out and "USA" in out

    shown = json.loads(run("--db", str(db_path), "show", target["id"], "--json")[1])
    assert shown["article"]["id"] == target["id"]
    assert any(m["actor"]["country"] == "QAT" for m in shown["mentions"])


def test_good_inputs_are_stored_and_bad_ones_named(db_path: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, out, err = run("--db", str(db_path), "ingest", str(empty), str(good), str(tmp_path / "missing.md"))
    assert code == 1
    assert out.startswith("1 added")
    assert f"{empty}: empty file" in err
    assert f"{tmp_path / 'missing.md'}: no such file or folder" in err
    listing = json.loads(run("--db", str(db_path), "articles", "--json")[1])
    assert [a["source"] for a in listing] == [str(good)]


def test_standard_input_with_metadata_flags(db_path: Path) -> None:
    code, _, err = run(
        "--db",
        str(db_path),
        "ingest",
        "-",
        "--outlet",
        "Desk",
        "--published",
        "2025-01-21T08:00Z",
        stdin=TEXT,
    )
    assert code == 0, err
    [article] = json.loads(run("--db", str(db_path), "articles", "--json")[1])
    assert article["outlet"] == "Desk"
    assert article["published"] == "2025-01-21T08:00:00"
    assert article["source"] == "<stdin>"


def test_bad_option_values_are_named(db_path: Path) -> None:
    code, _, err = run("--db", str(db_path), "ingest", str(EXAMPLES), "--published", "next blursday")
    assert code == 2 and "--published" in err
    code, _, err = run("--db", str(db_path), "ingest", str(EXAMPLES), "--format", "pdf")
    assert code == 2 and "--format" in err


def test_unknown_article_id_is_one_clean_line(db_path: Path) -> None:
    code, _, err = run("--db", str(db_path), "show", "ffffffff")
    assert code == 1
    assert err.strip() == "error: no article with id 'ffffffff'"


def test_unusable_database_is_one_clean_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, _, err = run("--db", str(blocker / "sub" / "x.db"), "articles")
    assert code == 1
    assert err.startswith("error: ") and "Traceback" not in err


def test_actors_lists_resolved_actors(corpus_db: Path) -> None:
    rows = json.loads(run("--db", str(corpus_db), "actors", "--json", "--limit", "500")[1])
    by_key = {r["key"]: r for r in rows}
    assert by_key["ISR"]["articles"] >= 8
    assert by_key["org:hamas"]["country"] == "PSE"
    assert any(r["country"] == "IRN" and r["sector"] == "GOV" for r in rows)
    # unnamed groups of no country ("hostages", "troops") are one row per sector, named as such
    civilians = by_key["UNK:CVL"]
    assert civilians["name"] == "unnamed CVL, no country" and civilians["country"] is None


def test_demo_prints_a_report() -> None:
    code, out, err = run("demo")
    assert code == 0, err
    assert "trucewatch demo" in out
    assert "rejected" in out and "0 rejected" in out
    assert "most mentioned actors" in out
    assert "ceasefire(s)" in out and "Israel / Hamas" in out  # the ceasefires the corpus describes
    assert "unnamed" not in out  # the top actors are named ones


def test_python_dash_m_runs_the_cli() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "trucewatch", "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0
    for command in COMMANDS:
        assert command in proc.stdout


# A command that only reads, run from the command line in a fresh interpreter.
READ_COMMAND = (
    "from trucewatch.cli import main\nsys.argv = ['trucewatch', *json.loads(sys.argv[1])]\nmain()\n"
)


@pytest.mark.parametrize(
    "args",
    [["events", "--json"], ["ceasefires", "--json"], ["export", "--format", "acled-csv"], ["--help"]],
)
def test_a_command_that_only_reads_does_not_load_the_parser(corpus_db: Path, args: list[str]) -> None:
    command = args if args == ["--help"] else ["--db", str(corpus_db), *args]
    proc, loaded = run_fresh(READ_COMMAND, json.dumps(command))
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) > 1, "the command printed its records"
    assert loaded == []
