"""Actor resolution, on sentences written for the tests and on the annotated example corpus."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml

import trucewatch
from trucewatch.actors.catalogue import load_catalogue
from trucewatch.config import Settings
from trucewatch.errors import DataFileError
from trucewatch.ingest import article_from_text
from trucewatch.ingest.metadata import Metadata
from trucewatch.ingest.sources import ReadOptions
from trucewatch.model import Mention, Rejection
from trucewatch.pipeline import Pipeline

from .conftest import EXAMPLES, ROOT

# Floors for the example corpus, measured when they were pinned (see test_example_corpus_actors).
COUNTRY_FLOOR = 0.93
SECTOR_FLOOR = 0.80


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(Settings())


def mentions(
    pipeline: Pipeline, text: str, published: dt.datetime | None = dt.datetime(2025, 6, 24)
) -> list[Mention]:
    from trucewatch.ingest import article_from_text
    from trucewatch.ingest.metadata import Metadata
    from trucewatch.ingest.sources import ReadOptions

    article = article_from_text(text, options=ReadOptions(Metadata(published=published)))
    [parsed] = pipeline.run([article])
    assert not isinstance(parsed, trucewatch.model.Rejection)
    return list(parsed.mentions)


def find(found: Sequence[Mention], words: str) -> Mention:
    hits = [m for m in found if words in m.text]
    assert hits, f"no mention of {words!r} in {[m.text for m in found]}"
    return hits[0]


def test_titles_people_and_dates_of_office(pipeline: Pipeline) -> None:
    text = (
        "Israeli Defense Minister Israel Katz ordered new strikes, and President Trump said he was unhappy."
    )
    found = mentions(pipeline, text)
    katz = find(found, "Israel Katz").actor
    assert (katz.name, katz.country, katz.sector, katz.office) == (
        "Israel Katz",
        "ISR",
        "GOV",
        "Defense Minister",
    )
    assert find(found, "Trump").actor.sector == "GOV"
    earlier = mentions(
        pipeline, "Israel Katz spoke to reporters after Joe Biden called.", dt.datetime(2024, 6, 1)
    )
    assert find(earlier, "Israel Katz").actor.office != "Defense Minister"
    assert find(earlier, "Joe Biden").actor.office == "President"
    later = mentions(
        pipeline, "Joe Biden spoke to reporters in Delaware on Tuesday.", dt.datetime(2025, 6, 1)
    )
    assert find(later, "Joe Biden").actor.sector == "ELI"


def test_unlisted_person_resolves_from_title_and_later_by_name(pipeline: Pipeline) -> None:
    text = (
        "Iran's president appealed to Malaysian Prime Minister Anwar Ibrahim for support. "
        "Anwar later called for restraint on all sides."
    )
    found = mentions(pipeline, text)
    anwar = find(found, "Anwar Ibrahim").actor
    assert (anwar.country, anwar.sector, anwar.office) == ("MYS", "GOV", "Prime Minister")
    again = [m for m in found if m.text == "Anwar"]
    assert again and again[0].actor.key == anwar.key and again[0].how == "context"


def test_unlisted_person_resolves_from_apposition(pipeline: Pipeline) -> None:
    found = mentions(pipeline, "Alexander Stubb, the Finnish president, urged Moscow to accept the proposal.")
    stubb = find(found, "Alexander Stubb").actor
    assert (stubb.country, stubb.sector) == ("FIN", "GOV")
    assert find(found, "Moscow").actor.country == "RUS"


def test_seats_as_actors_and_as_places(pipeline: Pipeline) -> None:
    found = mentions(
        pipeline, "Tehran launched missiles at Israel after jets struck targets in Tehran overnight."
    )
    tehran = [m for m in found if m.text == "Tehran"]
    assert [m.as_place for m in tehran] == [False, True]
    assert all(m.actor.country == "IRN" for m in tehran)
    assert tehran[0].actor.sector == "GOV"


def test_lower_case_countries_but_not_pronouns(pipeline: Pipeline) -> None:
    found = mentions(pipeline, "Mediators such as qatar and oman told us the talks would go on.")
    assert {m.actor.country for m in found if m.how == "country"} == {"QAT", "OMN"}
    assert not any(m.text == "us" for m in found)


def test_coordinated_demonyms_share_a_role_and_roles_take_their_country(pipeline: Pipeline) -> None:
    found = mentions(
        pipeline,
        "Israeli and Iranian leadership traded blame. The foreign minister of Qatar flew to Tehran. "
        "Gaza's health ministry said 20 people died. Hamas fighters opened fire.",
    )
    assert {
        (m.actor.country, m.actor.sector) for m in found if "leadership" in m.text or m.text == "Israeli"
    } == {
        ("ISR", "GOV"),
        ("IRN", "GOV"),
    }
    minister = find(found, "foreign minister of Qatar").actor
    assert (minister.country, minister.sector) == ("QAT", "GOV")
    assert find(found, "Gaza's health ministry").actor.country == "PSE"
    hamas = find(found, "Hamas fighters").actor
    assert (hamas.name, hamas.country, hamas.sector) == ("Hamas", "PSE", "REB")


def test_organisations_agencies_and_international_bodies(pipeline: Pipeline) -> None:
    found = mentions(
        pipeline,
        "According to the Associated Press, the United Nations and the European Union "
        "called for calm (Reuters).",
    )
    ap = find(found, "Associated Press").actor
    assert (ap.sector, ap.kind) == ("JRN", "news_agency")
    assert find(found, "United Nations").actor.country == "UNO"
    assert find(found, "European Union").actor.country == "EUR"
    assert find(found, "Reuters").actor.sector == "JRN"


def test_user_actor_file_extends_the_catalogue(tmp_path: Path) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "people:\n  - name: Farah Okonkwo-Lind\n    aliases: [Okonkwo-Lind]\n    roles:\n"
        "      - {office: Special Envoy, country: NOR, sector: GOV, from: 2024-01-01}\n",
        encoding="utf-8",
    )
    (tmp_path / "trucewatch.toml").write_text(f'actor_files = ["{extra.name}"]\n', encoding="utf-8")
    with trucewatch.open(str(tmp_path / "x.db"), tmp_path / "trucewatch.toml") as tw:
        tw.ingest_text(
            "Okonkwo-Lind met both delegations in Oslo on Monday to discuss a ceasefire.",
            published=dt.datetime(2025, 3, 1),
        )
        [article] = tw.articles()
        [m] = [m for m in tw.article(article.id).mentions if "Okonkwo" in m.text]
    assert (m.actor.name, m.actor.country, m.actor.office) == ("Farah Okonkwo-Lind", "NOR", "Special Envoy")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("people:\n  - name: X\n    roles: []\n", "people.0.roles"),
        ("roles:\n  - words: [envoy]\n    sector: XYZ\n", "unknown sector 'XYZ'"),
        (
            "organisations:\n  - {name: Y, kind: armed_group, country: ZZZ, sector: REB}\n",
            "unknown country code 'ZZZ'",
        ),
        ("people: [\n", "cannot read actor file"),
        ("countries:\n  Narnia: {}\n", "not an ISO 3166-1 alpha-3 code"),
    ],
)
def test_bad_actor_file_is_named(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_catalogue([bad])
    assert str(bad) in str(info.value) and message in str(info.value)


def corpus_actor_scores(corpus: trucewatch.Trucewatch) -> tuple[int, int, int, list[str]]:
    """Country and sector agreement with truth.yaml's actor annotations, and what disagreed.

    A mention is compared when its words overlap the annotated words; a state as a whole (no
    sector) counts as agreeing with GOV.
    """
    truth = yaml.safe_load((ROOT / "examples" / "truth.yaml").read_text(encoding="utf-8"))
    by_file: dict[str, str] = {}
    for a in corpus.articles():
        name = Path(a.source).name
        if ".jsonl:" in name:
            name = "wire.jsonl#" + name.rsplit(":", 1)[1]
        by_file[name] = a.id
    total = country_ok = sector_ok = 0
    wrong: list[str] = []
    for entry in truth["articles"]:
        parsed = corpus.article(by_file[entry["file"].split("/")[-1]])
        for expected in entry["actors"]:
            total += 1
            words = expected["text"].removeprefix("The ").removeprefix("the ")
            hits = [m for m in parsed.mentions if words in m.text] or [
                m for m in parsed.mentions if m.text in words and len(m.text) > 3
            ]
            if not hits:
                wrong.append(f"missed {expected['text']!r}")
                continue
            got = max(hits, key=lambda m: len(m.text)).actor
            c_ok = got.country == expected["country"]
            s_ok = got.sector == expected["sector"] or (got.sector is None and expected["sector"] == "GOV")
            country_ok += c_ok
            sector_ok += s_ok
            if not (c_ok and s_ok):
                wrong.append(
                    f"{expected['text']!r}: {got.country} {got.sector}, "
                    f"expected {expected['country']} {expected['sector']}"
                )
    return total, country_ok, sector_ok, wrong


def test_example_corpus_actors(corpus: trucewatch.Trucewatch) -> None:
    total, country_ok, sector_ok, wrong = corpus_actor_scores(corpus)
    assert total >= 100
    assert country_ok / total >= COUNTRY_FLOOR, wrong
    assert sector_ok / total >= SECTOR_FLOOR, wrong


def test_examples_exist() -> None:
    assert len(list(EXAMPLES.glob("*"))) >= 12


def test_a_shared_name_means_the_organisation_of_the_articles_date() -> None:
    pipeline = Pipeline(Settings())
    sectors = {}
    for year in (2019, 2023):
        published = dt.datetime(year, 3, 1, 12, 0)
        article = article_from_text(
            "Taliban fighters attacked a checkpoint.", options=ReadOptions(Metadata(published=published))
        )
        [parsed] = pipeline.run([article])
        assert not isinstance(parsed, Rejection)
        sectors[year] = {m.actor.sector for m in parsed.mentions if m.actor.country == "AFG"}
    assert sectors == {2019: {"REB"}, 2023: {"GOV"}}
