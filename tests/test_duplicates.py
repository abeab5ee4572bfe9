"""One event, many reports: near-duplicate articles, happenings with their reports, in any order."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from functools import partial
from pathlib import Path

import sqlalchemy as sa
from pytest import MonkeyPatch
from typer.testing import CliRunner

import trucewatch
from trucewatch.analysis import duplicates, update
from trucewatch.analysis.duplicates import (
    assign,
    report_row,
    report_units,
    similar,
    write_reports,
    write_undated,
)
from trucewatch.analysis.update import refresh, touched
from trucewatch.cli import app
from trucewatch.ingest.fingerprint import signature
from trucewatch.model import Article, EventDate, ParsedArticle, Sentence
from trucewatch.store import ReportRow
from trucewatch.store.schema import event_clusters

from .builders import event, place, state
from .dbsnap import snapshot
from .jobs import until_reports_stored

WIRE = """Israeli jets struck the southern Lebanese town of Nabatieh on Tuesday, killing five people, \
Lebanon's health ministry said.

The Israeli military said it had hit a Hezbollah weapons depot in the town and accused the group of \
breaking the ceasefire that took effect last week.

Hezbollah did not immediately comment. The United States and France, which brokered the truce, called \
on both sides to show restraint.

Residents said the strike flattened two buildings near the market."""
# The same story republished: a teaser line added, the last paragraph cut.
COPY = "Read more: Lebanon latest\n\n" + WIRE.rsplit("\n\n", 1)[0]
# The same strike in an outlet's own words, with its own casualty figure.
OWN = """An Israeli air strike on Nabatieh in southern Lebanon killed seven people on Tuesday, Lebanon's \
civil defence said, as rescuers searched the rubble.

Lebanese Prime Minister Najib Mikati condemned the attack."""
OTHER = """Russia and Ukraine exchanged 390 prisoners of war on Saturday in a swap agreed at talks in \
Istanbul, officials in Kyiv and Moscow said."""
TUESDAY = dt.datetime(2024, 12, 3, 10, 0)


def test_signatures_tell_a_republished_copy_from_a_story_sharing_a_paragraph() -> None:
    wire, copy = signature(WIRE), signature(COPY)
    assert similar(wire.tobytes(), copy.tobytes())
    follow_up = WIRE.split("\n\n")[0] + "\n\n" + OWN + "\n\n" + OTHER
    assert not similar(wire.tobytes(), signature(follow_up).tobytes())
    assert not similar(wire.tobytes(), signature(OTHER).tobytes())


def test_one_strike_reported_by_three_outlets_is_one_event_with_three_reports(db_path: Path) -> None:
    with trucewatch.open(str(db_path)) as tw:
        tw.ingest_text(WIRE, title="Israeli jets strike Nabatieh", outlet="Northwind Wire", published=TUESDAY)
        tw.ingest_text(COPY, title="Five killed", outlet="Harbour Post", published=TUESDAY.replace(hour=13))
        tw.ingest_text(OWN, title="Seven killed", outlet="Levant Ledger", published=TUESDAY.replace(hour=12))
        tw.ingest_text(OTHER, outlet="Caspian Daily", published=dt.datetime(2025, 5, 24, 12))
        [group] = tw.duplicates()
        assert {a["outlet"] for a in group} == {"Northwind Wire", "Harbour Post"}
        [strike] = [g for g in tw.event_groups(category="ASSAULT") if g["articles"] == 3]
        assert strike["dyad"] == "ISR|LBN" and strike["date"] == "2024-12-03"
        assert strike["outlets"] == ["Harbour Post", "Levant Ledger", "Northwind Wire"]
        assert strike["independent"] == 2  # the wire story and its copy count once
        assert strike["first_reported"] == "2024-12-03T10:00:00"
        assert strike["first_report"]["outlet"] == "Northwind Wire"
        assert strike["casualties_differ"]
        assert {(c["killed"], tuple(c["outlets"])) for c in strike["casualties"]} == {
            (5, ("Harbour Post", "Northwind Wire")),
            (7, ("Levant Ledger",)),
        }
        assert tw.count_event_groups() < tw.count_events()
        detail = tw.event_group(strike["id"][:8])
        assert len(detail["reports_detail"]) == strike["reports"]
        assert detail["reports_detail"][0]["outlet"] == "Northwind Wire"
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(db_path), "events", "--grouped", "--category", "ASSAULT"])
    assert result.exit_code == 0, result.output
    assert "each with its reports" in result.stdout and "Nabat" in result.stdout
    result = runner.invoke(app, ["--db", str(db_path), "events", "--grouped", "--json", "--country", "LBN"])
    assert strike["id"] in {g["id"] for g in json.loads(result.stdout)}
    result = runner.invoke(app, ["--db", str(db_path), "duplicates"])
    assert result.exit_code == 0 and "1 group(s)" in result.stdout and "Harbour Post" in result.stdout


def row(
    event_id: str, day: int | None, *, loose: bool = False, dyad: str = "ISR|LBN", where: str = "tyre"
) -> ReportRow:
    return ReportRow(
        event_id, "a", dyad, "ASSAULT", True, where, dt.date(2024, 3, day) if day else None, loose
    )


def test_loose_and_partial_reports_join_the_happening_they_can_be_about() -> None:
    rows = [
        row("precise", 5),
        row("next-day-article", 6, loose=True),  # dated by its article, the day after
        row("no-place", 5, where=""),
        row("one-side", 5, dyad="ISR"),
        row("other-town", 5, where="sidon"),
        row("week-later", 12, loose=True),
        row("undated", None),
    ]
    out = {r.event_id: r for r in assign(rows, {r.event_id for r in rows})}
    strike = out["precise"].cluster_id
    assert out["next-day-article"].anchor == dt.date(2024, 3, 5)
    assert out["next-day-article"].cluster_id == strike
    assert out["other-town"].cluster_id != strike
    # with two towns struck that day, a report naming no town cannot tell which it is about
    assert out["no-place"].cluster_id not in (strike, out["other-town"].cluster_id)
    assert out["one-side"].cluster_id == strike  # it names Tyre, so it can be about one strike only
    alone = [r for r in rows if r.event_id != "other-town"]
    out = {r.event_id: r for r in assign(alone, {r.event_id for r in alone})}
    assert out["no-place"].cluster_id == out["one-side"].cluster_id == out["precise"].cluster_id
    assert out["week-later"].cluster_id != out["precise"].cluster_id
    assert out["undated"].anchor is None and out["undated"].cluster_id != out["precise"].cluster_id


def test_a_loosely_dated_report_goes_back_to_a_precise_one_of_its_place_or_of_none() -> None:
    rows = [
        row("tyre", 5),
        row("somewhere", 8, where=""),  # precise, naming no place
        row("sidon-tuesday", 15, where="sidon"),
        row("tyre-next-day", 6, loose=True),
        row("placeless-next-day", 6, loose=True, where=""),  # can be about the strike on Tyre
        row("sidon-next-day", 6, loose=True, where="sidon"),  # another town: nothing to go back to
        row("sidon-after-somewhere", 9, loose=True, where="sidon"),  # can be the placeless report's
        row("sidon-other-dyad", 16, loose=True, dyad="RUS|UKR", where="sidon"),  # same town, not sides
        row("sidon-one-side", 16, loose=True, dyad="LBN", where="sidon"),
    ]
    anchors = {r.event_id: r.anchor for r in assign(rows, {r.event_id for r in rows})}
    assert anchors["tyre-next-day"] == anchors["placeless-next-day"] == dt.date(2024, 3, 5)
    assert anchors["sidon-next-day"] == dt.date(2024, 3, 6)
    assert anchors["sidon-after-somewhere"] == dt.date(2024, 3, 8)
    assert anchors["sidon-other-dyad"] == dt.date(2024, 3, 16)
    assert anchors["sidon-one-side"] == dt.date(2024, 3, 15)


def fresh_build(path: Path, articles: list[ParsedArticle]) -> Path:
    """A database of these articles, its derived rows built from scratch (``rebuild``)."""
    with trucewatch.open(str(path)) as tw:
        for parsed in articles:
            tw.store.save(parsed)
        tw.rebuild()
    return path


def synthetic_articles(seed: int, count: int = 40) -> list[ParsedArticle]:
    """Articles of hand-built events: a few dyads, towns and days, precise and loose dates."""
    rng = random.Random(seed)
    sides = [("ISR", "LBN"), ("RUS", "UKR")]
    # Tyre also put in Cyprus: one happening's reports can differ on its country
    towns = [place("Tyre", "LBN"), place("Sidon", "LBN"), None, place("Tyre", "LBN"), place("Tyre", "CYP")]
    out = []
    for n in range(count):
        aid = f"{n:016x}"
        events = []
        for k in range(rng.randint(1, 3)):
            a, b = rng.choice(sides)
            target = [state(b)] if rng.random() < 0.8 else []
            e = event(
                rng.choice(["ASSAULT", "ASSAULT", "CONSULT"]),
                source=[state(a)],
                target=target,
                id=f"{n:013x}e{k:02d}",
                article_id=aid,
                status=rng.choice(["asserted", "asserted", "alleged", "future"]),
                when=dt.date(2024, 3, rng.randint(1, 12)) if rng.random() < 0.95 else None,
                where=rng.choice(towns),
                killed=rng.choice([None, 3, 5]),
                text="A sentence.",
            )
            if rng.random() < 0.3 and e.date.date:
                e = dataclasses.replace(e, date=EventDate(e.date.date, "day", from_article=True))
            events.append(e)
        text = rng.choice([WIRE, OWN, OTHER]) + f"\n\nFiled by desk {n}."  # copies of three stories
        article = Article(aid, text, outlet=f"Outlet {n % 5}", published=dt.datetime(2024, 3, 13, n % 24))
        out.append(ParsedArticle(article, (Sentence(0, 0, 11, "A sentence."),), (), tuple(events)))
    return out


def test_happenings_equal_a_fresh_build_whatever_the_order(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    articles = synthetic_articles(7)
    tables = {"event_reports", "event_clusters", "article_signatures", "article_bands", "escalation_daily"}
    builds = []
    # stored in three orders, rebuilt after each article, then in batches of 4, then of 9; the
    # reports recomputed a day, two days or a month at a time, their stored rows read a slice or
    # a few slices at a time, and the events of one day, of a few days or of every day read at once
    for seed, slice_days, read_rows, events_at_once in ((1, 1, 1, 1), (2, 2, 6, 7), (3, 30, 20_000, 5000)):
        monkeypatch.setattr(duplicates, "SLICE_DAYS", slice_days)
        monkeypatch.setattr(duplicates, "READ_ROWS", read_rows)
        monkeypatch.setattr(update, "EVENTS_AT_ONCE", events_at_once)
        order = articles[:]
        random.Random(seed).shuffle(order)
        db = tmp_path / f"order-{seed}.db"
        with trucewatch.open(str(db)) as tw:
            for n, parsed in enumerate(order):
                tw.store.save(parsed)
                if n % (seed * seed) == 0:
                    tw.finish_pending()
            tw.finish_pending()
            gone = articles[0]  # and one article taken away again
            tw.store.delete_article(gone.article.id)
            refresh(tw.store, *touched([gone]))
        builds.append(snapshot(str(db), tables))
    assert builds[0] == builds[1] == builds[2]
    # from scratch: the reports a day at a time and the articles 7 at a time, then all at once
    for slice_days, rebuild_at_once in ((1, 7), (30, 10_000)):
        monkeypatch.setattr(duplicates, "SLICE_DAYS", slice_days)
        monkeypatch.setattr(update, "REBUILD_AT_ONCE", rebuild_at_once)
        fresh = fresh_build(tmp_path / f"fresh-{rebuild_at_once}.db", articles[1:])
        assert snapshot(str(fresh), tables) == builds[-1]
    assert len(builds[0]["event_clusters"]) < len(builds[0]["event_reports"])
    groups = {json.loads(r)["group_id"] for r in builds[0]["article_signatures"]}
    assert len(groups) == 3


def test_reports_written_beside_the_refreshing_process_equal_a_fresh_build(tmp_path: Path) -> None:
    articles = synthetic_articles(4)
    tables = {"event_reports", "event_clusters"}
    fresh = fresh_build(tmp_path / "fresh.db", articles)
    with trucewatch.open(str(tmp_path / "shared.db")) as tw:
        for parsed in articles:
            tw.store.save(parsed)
        new = [report_row(e) for parsed in articles for e in parsed.events]
        units, undated = report_units(tw.store, {p.article.id for p in articles}, new)
        assert len(units) >= 3 and undated
        # the first job waits here until the process beside has written a unit of its own
        with update._Shared.beside(tw.store, apart=True) as jobs:
            jobs.share([until_reports_stored, *(partial(write_reports, unit=unit) for unit in units)])
        write_undated(tw.store, undated)
    assert snapshot(str(tmp_path / "shared.db"), tables) == snapshot(str(fresh), tables)


def test_a_refresh_killed_between_two_units_is_finished_by_the_next_run(tmp_path: Path) -> None:
    # Each unit of reports is written in a transaction of its own: a run killed after some of
    # them leaves its articles queued, and the next run refreshes them from that state.
    articles = synthetic_articles(8)
    tables = {"event_reports", "event_clusters"}
    fresh = fresh_build(tmp_path / "fresh.db", articles)
    with trucewatch.open(str(tmp_path / "killed.db")) as tw:
        for parsed in articles[:24]:
            tw.store.save(parsed)
        tw.finish_pending()
        late = articles[24:]
        for parsed in late:
            tw.store.save(parsed)
        new = [report_row(e) for parsed in late for e in parsed.events]
        units, _ = report_units(tw.store, {p.article.id for p in late}, new)
        assert len(units) >= 2
        for unit in units[::2]:  # killed here: the other units and the undated reports not written
            write_reports(tw.store, unit)
        assert snapshot(str(tmp_path / "killed.db"), tables) != snapshot(str(fresh), tables)
        assert len(tw.store.pending_refresh()) == len(late)
        tw.finish_pending()
    assert snapshot(str(tmp_path / "killed.db"), tables) == snapshot(str(fresh), tables)


def test_clusters_stored_before_tallies_are_recounted_when_they_gain_reports(tmp_path: Path) -> None:
    # A database from before migration 0008 has clusters without a tally: one that gains a
    # report cannot be summed from its stored row, and must come out as a fresh build's.
    articles = synthetic_articles(5)
    with trucewatch.open(str(tmp_path / "upgraded.db")) as tw:
        for parsed in articles[:30]:
            tw.store.save(parsed)
        tw.finish_pending()
        with tw.store.engine.begin() as conn:
            conn.execute(sa.update(event_clusters).values(tally=None))
            counts = conn.execute(sa.select(event_clusters.c.id, event_clusters.c.reports))
            before = {r.id: r.reports for r in counts}
        for parsed in articles[30:]:
            tw.store.save(parsed)
            tw.finish_pending()
        with tw.store.engine.connect() as conn:
            after = conn.execute(
                sa.select(event_clusters.c.id, event_clusters.c.reports, event_clusters.c.tally)
            ).all()
    grown = [r for r in after if r.id in before and r.reports > before[r.id]]
    assert grown and all(r.tally is not None for r in grown)
    fresh = fresh_build(tmp_path / "fresh.db", articles)
    tables = {"event_reports", "event_clusters"}
    untouched = {"tally"}  # clusters that gained nothing keep no tally
    upgraded = snapshot(str(tmp_path / "upgraded.db"), tables, untouched)
    assert upgraded == snapshot(str(fresh), tables, untouched)


def test_a_replaced_article_whose_events_change_key_or_lose_their_date_equals_a_fresh_build(
    tmp_path: Path,
) -> None:
    # A corrected article keeps its events' ids (article, sentence, offset, category) while
    # their status and date change: each report moves to another key (factual or not), or to
    # a cluster of its own (undated). A refresh rewrites one key at a time; the report must end
    # in its new key's cluster whichever key is written first, and its old cluster lose it.
    articles = synthetic_articles(11, count=24)
    for n in range(0, len(articles), 3):  # each first event undated before and after
        first, *rest = articles[n].events
        articles[n] = dataclasses.replace(
            articles[n], events=(dataclasses.replace(first, date=EventDate(None)), *rest)
        )
    flipped = {"asserted": "future", "alleged": "future", "future": "asserted"}
    corrected = []
    for parsed in articles[::3]:
        events = tuple(
            dataclasses.replace(
                e,
                status=flipped[e.status],
                date=EventDate(None) if n % 2 == 0 else EventDate(dt.date(2024, 3, 6), "day"),
            )
            for n, e in enumerate(parsed.events)
        )
        corrected.append(dataclasses.replace(parsed, events=events))
    tables = {"event_reports", "event_clusters", "escalation_daily"}
    with trucewatch.open(str(tmp_path / "replaced.db")) as tw:
        for parsed in articles:
            tw.store.save(parsed)
        tw.finish_pending()
        for new in corrected:
            old = tw.store.article(new.article.id)
            tw.store.save(new, replace=True)
            refresh(tw.store, *touched([new, old]))
    replaced = snapshot(str(tmp_path / "replaced.db"), tables)
    by_id = {p.article.id: p for p in corrected}
    fresh = fresh_build(tmp_path / "fresh.db", [by_id.get(p.article.id, p) for p in articles])
    assert replaced == snapshot(str(fresh), tables)
    moved = {e.id for p in corrected for e in p.events}
    rows = [json.loads(r) for r in replaced["event_reports"]]
    assert sum(r["event_id"] in moved and not r["factual"] for r in rows) >= 5
    assert sum(r["event_id"] in moved and r["day"] is None for r in rows) >= 5


def test_an_article_stored_but_not_rebuilt_is_finished_by_the_next_run(tmp_path: Path) -> None:
    first, second = synthetic_articles(3, count=2)
    with trucewatch.open(str(tmp_path / "a.db")) as tw:
        tw.store.save(first)  # the process died here, before the derived tables were rebuilt
        assert tw.store.pending_refresh() == [first.article.id]
        tw.ingest_text(OTHER)  # the next run of anything finishes the job first
        assert tw.store.pending_refresh() == []
        tw.store.save(second)
        tw.finish_pending()
    with trucewatch.open(str(tmp_path / "b.db")) as tw:
        tw.store.save(first)
        tw.store.save(second)
        tw.ingest_text(OTHER)
    assert snapshot(str(tmp_path / "a.db")) == snapshot(str(tmp_path / "b.db"))
