"""Evaluation: seed recall on a tiny gold file and ACLED agreement on a tiny invented ACLED-format CSV,
where every figure can be worked out by hand."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from trucewatch.errors import InputError
from trucewatch.evaluation import evaluate_acled, evaluate_seeds, macro_f1, same_place
from trucewatch.evaluation.acled import actor_country, iso_date
from trucewatch.evaluation.metrics import Ratio
from trucewatch.evaluation.seeds import DocOutput
from trucewatch.model import Event, TextCountries

from .builders import event, group, organisation, place, state

# ---------------------------------------------------------------- metrics

# what a run of the system yields per ACLED row: (id, events, the countries its text points to)
Results = Iterator[tuple[str | None, tuple[Event, ...], TextCountries]]


def test_macro_f1_on_a_confusion_worked_by_hand() -> None:
    # A: tp 1, fn 1 -> 2/3; B: tp 1, fp 1 -> 2/3; C: only a miss -> 0. Nothing found ("") is no class.
    pairs = [("A", "A"), ("A", "B"), ("B", "B"), ("C", "")]
    assert macro_f1(pairs) == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)
    assert macro_f1([("A", "A"), ("B", "B")]) == 1.0
    assert macro_f1([]) == 0.0


def test_place_names_compare_loosely() -> None:
    assert same_place("São Bento", "sao bento")
    assert same_place("Nova Vila", "Nova Vila district")
    assert not same_place("Ras", "Abu Rasheed")
    assert not same_place("", "Ras") and not same_place(None, None)


def test_ratio_keeps_counts() -> None:
    ratio = Ratio().add(True).add(False).add(True)
    assert (ratio.hits, ratio.total) == (2, 3) and str(ratio) == "0.667 (2/3)"
    assert Ratio().value is None and str(Ratio()) == "n/a (0/0)"


# ---------------------------------------------------------------- seeds

GOLD = [
    {
        "id": "g-e1",
        "doc": "alpha",
        "kind": "event",
        "type": ["ASSAULT"],
        "source": ["RUS"],
        "target": ["UKR"],
        "location": "Kharkiv",
        "date": "2024-05-02",
        "cue": "drones hit Kharkiv",
    },
    {
        "id": "g-e2",
        "doc": "alpha",
        "kind": "event",
        "type": ["REQUEST", "CONSULT"],
        "source": ["FRA"],
        "target": ["RUS"],
        "cue": "Paris urged Moscow",
    },
    {
        "id": "g-e3",
        "doc": "beta",
        "kind": "event",
        "type": ["ASSAULT"],
        "source": ["COL"],
        "source_names": ["Ridge Front"],
        "target": ["COL"],
        "cue": "the Ridge Front ambushed a patrol",
    },
    {
        "id": "g-e4",
        "doc": "beta",
        "kind": "event",
        "type": ["AID"],
        "source": ["IRN"],
        "target": ["YEM"],
        "cue": "shipped rifles",
    },
    {
        "id": "g-c1",
        "doc": "alpha",
        "kind": "casualty",
        "killed_min": 7,
        "where": ["UKR"],
        "period_days": 2,
        "attributed_to": "Governor",
        "cue": "at least seven killed over two days",
    },
    {"id": "g-c2", "doc": "alpha", "kind": "casualty", "killed_min": 30, "where": ["UKR"], "cue": "about 30"},
    {"id": "g-c3", "doc": "beta", "kind": "casualty", "killed": 4, "where": ["SDN"], "cue": "four died"},
    {
        "id": "g-cl1",
        "doc": "alpha",
        "kind": "claim",
        "accuser": ["RUS"],
        "accused": ["UKR"],
        "denied_by": ["UKR"],
        "about": "shelling",
        "cue": "Kyiv denied",
    },
    {
        "id": "g-cl2",
        "doc": "alpha",
        "kind": "claim",
        "accuser": [],
        "accused": ["RUS"],
        "denied_by": ["RUS"],
        "about": "strike",
        "cue": "blamed Moscow",
    },
    {
        "id": "g-cl3",
        "doc": "beta",
        "kind": "claim",
        "accuser": [],
        "accused": ["COL"],
        "denied_by": [],
        "about": "talks",
        "stance": "disputed",
    },
    {
        "id": "g-cf",
        "doc": "beta",
        "kind": "ceasefire",
        "parties": ["RUS", "UKR"],
        "mediators": [],
        "phases": ["proposed"],
    },
]


def system_events() -> dict[str, tuple[Event, ...]]:
    rus, ukr = state("RUS"), state("UKR")
    alpha = (
        # g-e1: found, right place, wrong date; also carries g-c1's figure
        event(
            "ASSAULT",
            "drone",
            id="a1",
            source=[state("RUS", "MIL")],
            target=[group("CVL", "UKR")],
            when=dt.date(2024, 5, 1),
            where=place("Kharkiv", "UKR"),
            killed=7,
            qualifier="at_least",
            victims_country="UKR",
            period_days=2.0,
            reported_by="the regional governor",
        ),
        # g-e2: REQUEST accepted among the listed types
        event("REQUEST", "change", id="a2", source=[state("FRA", "GOV")], target=[rus]),
        # g-c2: the number is right but "about" is not a floor
        event(
            "ASSAULT",
            "heavy-weapons",
            id="a3",
            source=[rus],
            target=[ukr],
            killed=30,
            qualifier="about",
            victims_country="UKR",
        ),
        # g-cl1: accusation and a linked denial by Ukraine
        event("ACCUSE", "allege", id="a4", source=[rus], target=[ukr], links=[("denied_by", "a5")]),
        event("REJECT", "deny", id="a5", source=[ukr], target=[rus], links=[("denies", "a4")]),
        # g-cl2: an accusation of Russia nobody denies
        event("ACCUSE", "allege", id="a6", source=[ukr], target=[rus]),
    )
    beta = (
        # g-e3: right country, wrong organisation: missed, since the gold names it
        event(
            "ASSAULT",
            "firearms",
            id="b1",
            source=[organisation("Delta Column", "COL", "REB")],
            target=[state("COL", "MIL")],
        ),
        # g-c3
        event(
            "ASSAULT",
            "firearms",
            id="b2",
            source=[group("UAF")],
            target=[group("CVL")],
            where=place("Kassala", "SDN"),
            killed=4,
        ),
    )
    return {"alpha": alpha, "beta": beta}


@pytest.fixture
def seed_files(tmp_path: Path) -> tuple[Path, Path]:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(item) for item in GOLD) + "\n", encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    for stem in ("alpha", "beta"):
        (docs / f"{stem}.txt").write_text(f"An invented article called {stem}.", encoding="utf-8")
    return gold, docs


def test_seed_recall_per_kind_and_field(seed_files: tuple[Path, Path]) -> None:
    gold, docs = seed_files
    asked: list[list[Path]] = []

    def run(paths: list[Path]) -> dict[str, tuple[Event, ...]]:
        asked.append(paths)
        return system_events()

    report = evaluate_seeds(gold, docs, run)
    assert asked == [[docs / "alpha.txt", docs / "beta.txt"]]
    recall = {k: (r.hits, r.total) for k, r in report.recall().items()}
    assert recall == {
        "event": (2, 4),
        "casualty": (2, 3),
        "claim": (1, 3),
        "ceasefire": (0, 1),
        "all": (5, 11),
    }
    fields = {k: (r.hits, r.total) for k, r in report.field_scores().items()}
    assert fields == {
        "casualty.attribution": (1, 1),
        "casualty.period": (1, 1),
        "claim.denial": (1, 2),
        "event.date": (0, 1),
        "event.location": (1, 1),
    }
    # events alone carry no ceasefire record and no disputed claim: those two are missed
    assert [i.id for i in report.misses()] == ["g-e3", "g-e4", "g-c2", "g-cl2", "g-cl3", "g-cf"]
    assert report.not_scored() == []
    text = report.format_report()
    assert "g-cf" in text and "cue: shipped rifles" in text
    assert "event      0.500 (2/4)" in text
    assert json.loads(json.dumps(report.as_dict()))["recall"]["all"]["hits"] == 5


def test_a_denial_may_deny_the_alleged_event_rather_than_the_accusation(
    seed_files: tuple[Path, Path],
) -> None:
    gold, docs = seed_files
    rus, ukr = state("RUS"), state("UKR")
    shelling = event(
        "ASSAULT",
        "heavy-weapons",
        id="x1",
        source=[ukr],
        target=[rus],
        status="alleged",
        links=[("alleged_by", "x2"), ("denied_by", "x3")],
    )
    claim = event("ACCUSE", "allege", id="x2", source=[rus], target=[ukr], links=[("alleges", "x1")])
    denial = event("REJECT", "deny", id="x3", source=[ukr], links=[("denies", "x1")])
    report = evaluate_seeds(gold, docs, lambda _paths: {"alpha": (shelling, claim, denial)})
    outcome = {i.id: i.outcome for i in report.items}
    assert outcome["g-cl1"] == "found"


def test_seed_inputs_that_cannot_be_scored_are_clear_errors(
    seed_files: tuple[Path, Path], tmp_path: Path
) -> None:
    gold, docs = seed_files
    (docs / "beta.txt").unlink()
    with pytest.raises(InputError, match=r"beta\.txt"):
        evaluate_seeds(gold, docs, lambda _paths: {})
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps(GOLD[0]) + "\n" + '{"id": "x", "doc": "alpha", "kind": "rumour"}\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match="line 2: kind"):
        evaluate_seeds(bad, docs, lambda _paths: {})
    with pytest.raises(InputError, match="cannot read gold file"):
        evaluate_seeds(tmp_path / "absent.jsonl", docs, lambda _paths: {})


# ---------------------------------------------------------------- ACLED

# The columns the evaluation reads, in a layout of our own; the rows are invented.
ACLED_HEADER = [
    "data_id",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "inter1",
    "actor2",
    "inter2",
    "country",
    "iso3",
    "location",
    "notes",
    "fatalities",
]

# Places, notes and actors made up for these tests.
ACLED_ROWS: list[dict[str, str]] = [
    {
        "data_id": "X1",
        "event_date": "3-Mar-24",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "Military Forces of Mexico (2018-)",
        "inter1": "1",
        "actor2": "Unidentified Armed Group (Mexico)",
        "inter2": "3",
        "country": "Mexico",
        "iso3": "MEX",
        "location": "Villa Sur",
        "fatalities": "2",
        "notes": "Soldiers and gunmen exchanged fire near Villa Sur. [size=no report]",
    },
    {
        "data_id": "X2",
        "event_date": "4-Mar-24",
        "event_type": "Protests",
        "sub_event_type": "Peaceful protest",
        "actor1": "Protesters (Chile)",
        "inter1": "6",
        "actor2": "",
        "inter2": "0",
        "country": "Chile",
        "iso3": "CHL",
        "location": "Puerto Alto",
        "fatalities": "0",
        "notes": "Teachers protested over pay in Puerto Alto.",
    },
    {
        "data_id": "X3",
        "event_date": "5-Mar-24",
        "event_type": "Violence against civilians",
        "sub_event_type": "Attack",
        "actor1": "Unidentified Armed Group (Brazil)",
        "inter1": "3",
        "actor2": "Civilians (Brazil)",
        "inter2": "7",
        "country": "Brazil",
        "iso3": "BRA",
        "location": "Sao Jose do Rio",
        "fatalities": "1",
        "notes": "Gunmen killed a shopkeeper in Sao Jose do Rio.",
    },
    {
        "data_id": "X4",
        "event_date": "6-Mar-24",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "actor1": "Military Forces of Russia (2000-)",
        "inter1": "8",
        "actor2": "Civilians (Ukraine)",
        "inter2": "7",
        "country": "Ukraine",
        "iso3": "UKR",
        "location": "Novyi Lan",
        "fatalities": "0",
        "notes": "Artillery shelled Novyi Lan. [size=no report]",
    },
    {
        "data_id": "X5",
        "event_date": "7-Mar-24",
        "event_type": "Protests",
        "sub_event_type": "Peaceful protest",
        "actor1": "Protesters (Chile)",
        "inter1": "6",
        "country": "Chile",
        "iso3": "CHL",
        "location": "Puerto Alto",
        "fatalities": "0",
        "notes": "",
    },
]

OURS: dict[str, tuple[Event, ...]] = {
    "X1": (
        event(
            "ASSAULT",
            "firearms",
            id="x1",
            source=[state("MEX", "MIL")],
            target=[group("UAF")],
            where=place("Villa Sur", "MEX"),
            killed=2,
        ),
    ),
    "X2": (
        event(
            "PROTEST",
            "demo",
            id="x2",
            source=[group("CVL", name="teachers")],
            where=place("Puerto Alto", "CHL"),
        ),
    ),
    # wrong: the victim taken for a soldier, so a battle
    "X3": (
        event("REQUEST", "change", id="x3a", sentence=0),
        event(
            "ASSAULT",
            "firearms",
            id="x3",
            sentence=1,
            source=[group("UAF")],
            target=[state("BRA", "MIL")],
            where=place("São José do Rio", "BRA"),
            killed=1,
        ),
    ),
    # X4: nothing found
}


@pytest.fixture
def acled_csv(tmp_path: Path) -> Path:
    path = tmp_path / "acled.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ACLED_HEADER)
        writer.writeheader()
        for row in ACLED_ROWS:
            writer.writerow({name: row.get(name, "") for name in ACLED_HEADER})
    return path


def fake_run(seen: list[dict[str, Any]]) -> Any:
    def run(inputs: Iterable[dict[str, Any]]) -> Results:
        assert not isinstance(inputs, list | tuple), "rows must be streamed"
        for item in inputs:
            seen.append(item)
            yield item["id"], OURS.get(item["id"], ()), TextCountries()

    return run


def test_acled_scores_worked_by_hand(acled_csv: Path) -> None:
    seen: list[dict[str, Any]] = []
    report = evaluate_acled(acled_csv, fake_run(seen))
    assert seen[0] == {"id": "X1", "text": ACLED_ROWS[0]["notes"], "published": "2024-03-03"}
    assert [s["id"] for s in seen] == ["X1", "X2", "X3", "X4"]
    assert report.skipped == 1
    overall = report.overall
    assert overall.rows == 4
    acc = {k: (r.hits, r.total) for k, r in overall.accuracy.items()}
    assert acc == {
        "event_type": (2, 4),
        "sub_event_type": (2, 4),
        "fatalities": (4, 4),
        "country": (3, 4),
        "location": (3, 4),
        "actor1_country": (3, 4),
        "actor2_country": (2, 3),
        "inter1": (3, 4),
        "inter2": (2, 4),
    }
    # classes Battles (tp 1, fp 1: 2/3), Protests (1), Violence against civilians (0), Explosions (0)
    assert overall.f1["event_type"] == pytest.approx((2 / 3 + 1) / 4)
    assert overall.f1["sub_event_type"] == pytest.approx((2 / 3 + 1) / 4)
    assert (report.conventions.rows, report.plain.rows) == (2, 2)
    assert (
        report.conventions.accuracy["event_type"].hits == 1 and report.plain.accuracy["event_type"].hits == 1
    )
    assert set(report.confusion) == {
        ("Violence against civilians", "Battles", 1),
        ("Explosions/Remote violence", "(none)", 1),
    }
    assert [m.id for m in report.misses] == ["X3", "X4"]
    assert report.misses[1].ours == "(none) / (none)"
    text = report.format_report()
    assert "event_type accuracy" in text and "0.500 (2/4)" in text and "Artillery shelled Novyi Lan" in text
    assert json.loads(json.dumps(report.as_dict()))["all"]["accuracy"]["fatalities"]["hits"] == 4


def test_acled_rows_stay_aligned_when_the_system_skips_or_fails_a_row(acled_csv: Path) -> None:
    def run(inputs: Iterable[dict[str, Any]]) -> Results:
        for item in inputs:
            if item["id"] == "X2":
                continue  # never answered
            if item["id"] == "X4":
                yield None, (), TextCountries()  # could not be read
                continue
            yield item["id"], OURS.get(item["id"], ()), TextCountries()

    report = evaluate_acled(acled_csv, run)
    assert report.overall.rows == 4
    assert report.overall.accuracy["event_type"].hits == 1  # X1 only: X2 skipped, X3 wrong, X4 empty


def test_acled_limit_and_bad_files(acled_csv: Path, tmp_path: Path) -> None:
    report = evaluate_acled(acled_csv, fake_run([]), limit=2)
    assert report.overall.rows == 2 and report.overall.accuracy["event_type"].hits == 2
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="not an ACLED export"):
        evaluate_acled(other, fake_run([]))
    with pytest.raises(InputError, match="cannot read"):
        evaluate_acled(tmp_path / "absent.csv", fake_run([]))


def test_gold_actor_countries_and_dates() -> None:
    assert actor_country("Military Forces of Mexico (2018-)", None) == "MEX"
    assert actor_country("Police Forces of Chile (2018-) Special Unit", None) == "CHL"
    assert actor_country("Rioters (Kenya)", None) == "KEN"
    assert actor_country("Ridge Front", "COL") == "COL"
    assert actor_country("Forces of Nowhere Land (1990-)", "PER") == "PER"
    assert iso_date("9-May-20") == "2020-05-09"
    assert iso_date("2021-01-31") == "2021-01-31"
    assert iso_date("soon") is None


def test_ceasefire_records_and_disputed_claims_are_scored(seed_files: tuple[Path, Path]) -> None:
    gold, docs = seed_files
    record = {
        "dyad": "RUS|UKR",
        "parties": [{"code": "RUS", "name": "Russia"}, {"code": "UKR", "name": "Ukraine"}],
        "mediators": [{"code": "TUR", "name": "Turkey", "statements": 1}],
        "phases": [{"phase": "proposed", "date": None, "sources": []}],
    }
    disputed = {
        "stance": "disputed",
        "accuser": {"name": None, "countries": [], "words": []},
        "accused": {"name": "Colombia", "countries": ["COL"], "words": ["Colombia"]},
    }
    outputs = {"beta": DocOutput((), (record,), (disputed,))}
    report = evaluate_seeds(gold, docs, lambda _paths: outputs)
    outcome = {i.id: i.outcome for i in report.items}
    assert outcome["g-cf"] == "found" and outcome["g-cl3"] == "found"
    assert report.field_scores()["ceasefire.phase.proposed"].hits == 1
    wrong_parties = {"beta": DocOutput((), ({**record, "dyad": "RUS|GEO"},), ())}
    report = evaluate_seeds(gold, docs, lambda _paths: wrong_parties)
    assert {i.id: i.outcome for i in report.items}["g-cf"] == "missed"


def test_acled_misses_of_one_field(acled_csv: Path) -> None:
    report = evaluate_acled(acled_csv, fake_run([]), field="country")
    assert [(m.id, m.ours) for m in report.misses] == [("X4", "(none) (-)")]
    assert report.misses[0].gold == "Ukraine (UKR)" and "Novyi Lan" in report.misses[0].notes
    located = evaluate_acled(acled_csv, fake_run([]), field="location")
    assert [m.id for m in located.misses] == ["X4"]
    with pytest.raises(InputError, match="not one of"):
        evaluate_acled(acled_csv, fake_run([]), field="colour")


def test_acled_a_retired_country_code_is_read_by_the_country_name(tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    row = {**ACLED_ROWS[1], "country": "Romania", "iso3": "ROM", "actor1": "Protesters (Romania)"}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ACLED_HEADER)
        writer.writeheader()
        writer.writerow({name: row.get(name, "") for name in ACLED_HEADER})
    romania = {ACLED_ROWS[1]["data_id"]: (event("PROTEST", "demo", where=place("Cluj", "ROU")),)}

    def run(inputs: Iterable[dict[str, Any]]) -> Results:
        for item in inputs:
            yield item["id"], romania.get(item["id"], ()), TextCountries()

    report = evaluate_acled(path, run)
    assert report.overall.accuracy["country"].hits == 1
