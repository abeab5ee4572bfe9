"""Temporal expressions resolved against the publication time, and the date of an event in a sentence."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from trucewatch.errors import DataFileError
from trucewatch.events import time as event_time
from trucewatch.events.time import event_date, find_durations, find_temporal, parse_when
from trucewatch.model import EventDate
from trucewatch.nlp import load_pipeline

# A Thursday, mid-morning.
PUB = datetime(2025, 6, 19, 10, 0)
MONTHS = [
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_pipeline()


@pytest.mark.parametrize(
    ("text", "expected", "precision", "end"),
    [
        ("7 October 2023", date(2023, 10, 7), "day", None),
        ("October 7, 2023", date(2023, 10, 7), "day", None),
        ("9 May 2020", date(2020, 5, 9), "day", None),
        ("2025-06-13", date(2025, 6, 13), "day", None),
        ("Sept. 3, 2024", date(2024, 9, 3), "day", None),
        ("13th of June", date(2025, 6, 13), "day", None),
        # No year: the most recent one on or before publication.
        ("October 7", date(2024, 10, 7), "day", None),
        ("on 13 June", date(2025, 6, 13), "day", None),
        ("June 2025", date(2025, 6, 1), "month", None),
        ("in March", date(2025, 3, 1), "month", None),
        ("in December", date(2024, 12, 1), "month", None),
        ("2024", date(2024, 1, 1), "year", None),
        ("in 2024", date(2024, 1, 1), "year", None),
        ("on Tuesday", date(2025, 6, 17), "day", None),
        ("on Thursday", date(2025, 6, 19), "day", None),
        ("last Thursday", date(2025, 6, 12), "day", None),
        ("on Friday morning", date(2025, 6, 13), "day", None),
        ("early on Friday", date(2025, 6, 13), "day", None),
        ("yesterday", date(2025, 6, 18), "day", None),
        ("today", date(2025, 6, 19), "day", None),
        ("this morning", date(2025, 6, 19), "day", None),
        ("last night", date(2025, 6, 18), "day", None),
        ("overnight", date(2025, 6, 18), "day", date(2025, 6, 19)),
        ("overnight into Tuesday", date(2025, 6, 16), "day", date(2025, 6, 17)),
        ("in the early hours", date(2025, 6, 19), "day", None),
        ("in the early hours of Tuesday", date(2025, 6, 17), "day", None),
        ("58 days ago", date(2025, 4, 22), "day", None),
        ("fifty-eight days ago", date(2025, 4, 22), "day", None),
        ("two weeks ago", date(2025, 6, 5), "week", None),
        ("three months ago", date(2025, 3, 19), "month", None),
        ("last week", date(2025, 6, 9), "week", None),
        ("earlier this week", date(2025, 6, 16), "week", None),
        ("last month", date(2025, 5, 1), "month", None),
        ("last year", date(2024, 1, 1), "year", None),
        ("over the weekend", date(2025, 6, 14), "day", date(2025, 6, 15)),
        ("over six days", date(2025, 6, 13), "day", date(2025, 6, 19)),
        ("for the past three days", date(2025, 6, 16), "day", date(2025, 6, 19)),
        ("in the past 24 hours", date(2025, 6, 18), "day", date(2025, 6, 19)),
        ("since 13 June", date(2025, 6, 13), "day", date(2025, 6, 19)),
        ("since Tuesday", date(2025, 6, 17), "day", date(2025, 6, 19)),
        ("between 1 and 3 May", date(2025, 5, 1), "day", date(2025, 5, 3)),
        ("May 1-3, 2024", date(2024, 5, 1), "day", date(2024, 5, 3)),
        ("between May 1 and May 3", date(2025, 5, 1), "day", date(2025, 5, 3)),
        ("around 9 May 2020 (as reported)", date(2020, 5, 9), "day", None),
    ],
)
def test_news_expressions(text: str, expected: date, precision: str, end: date | None) -> None:
    found = parse_when(text, PUB)
    assert found is not None
    assert (found.date, found.precision, found.end) == (expected, precision, end)
    assert not found.from_article


def test_a_plain_for_duration_is_a_length_not_a_date() -> None:
    # "agreed to halt strikes for 30 days" does not date the agreement 30 days back
    assert parse_when("for 30 days", PUB) is None
    found = parse_when("agreed yesterday to halt strikes for 30 days", PUB)
    assert found is not None and found.date == date(2025, 6, 18)


def test_expression_text_is_the_words_that_gave_the_date() -> None:
    found = parse_when("around 9 May 2020 (as reported)", PUB)
    assert found is not None and found.text == "9 May 2020"
    since = parse_when("since 13 June", PUB)
    assert since is not None and since.text == "since 13 June"


def test_clock_times_set_the_hour() -> None:
    evening = PUB.replace(hour=18)
    local = parse_when("at 11:15 a.m. local time", evening)
    assert local is not None and local.precision == "hour"
    assert local.time == datetime(2025, 6, 19, 11, 15)
    gmt = parse_when("at 0915 GMT on June 13", PUB)
    assert gmt is not None and gmt.time == datetime(2025, 6, 13, 9, 15, tzinfo=UTC)
    early = parse_when("in the early hours of Tuesday, at 4 a.m.", PUB)
    assert early is not None and early.time == datetime(2025, 6, 17, 4, 0) and early.date == date(2025, 6, 17)


def test_a_time_in_utc_beside_a_local_one_wins() -> None:
    found = parse_when("at about 6 a.m. (0300 GMT) on Tuesday", PUB)
    assert found is not None and found.time == datetime(2025, 6, 17, 3, 0, tzinfo=UTC)


def test_a_time_alone_after_publication_is_the_day_before() -> None:
    found = parse_when("at 4 p.m.", PUB)
    assert found is not None and found.time == datetime(2025, 6, 18, 16, 0)


def test_future_events_resolve_forwards() -> None:
    tuesday = parse_when("on Tuesday", PUB, future=True)
    assert tuesday is not None and tuesday.date == date(2025, 6, 24)
    october = parse_when("October 7", PUB, future=True)
    assert october is not None and october.date == date(2025, 10, 7)
    next_week = parse_when("next week", PUB)
    assert next_week is not None and (next_week.date, next_week.precision) == (date(2025, 6, 23), "week")


@pytest.mark.parametrize(
    "text", ["", "hello", "the 10-year-old boy", "talks may resume", "after six days of talks"]
)
def test_no_date(text: str) -> None:
    assert parse_when(text, PUB) is None


def test_without_publication_only_explicit_dates_resolve() -> None:
    assert parse_when("yesterday", None) is None
    assert parse_when("on Tuesday", None) is None
    found = parse_when("7 October 2023", None)
    assert found is not None and found.date == date(2023, 10, 7)


def test_durations() -> None:
    text = "224 killed over six days, 12 in the past 24 hours, 30 in a week and 5 over the past two weeks"
    assert [(d.text, d.days) for d in find_durations(text)] == [
        ("over six days", 6.0),
        ("in the past 24 hours", 1.0),
        ("in a week", 7.0),
        ("over the past two weeks", 14.0),
    ]


def test_find_temporal_joins_the_pieces_of_one_expression() -> None:
    text = "Rockets hit Haifa at 0915 GMT on June 13, and strikes went on since Tuesday."
    assert [text[a:b] for a, b in find_temporal(text)] == ["0915 GMT on June 13", "since Tuesday"]


# --- properties ---------------------------------------------------------------------------------

published_times = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2090, 12, 31),
    timezones=st.sampled_from([None, UTC, timezone(timedelta(hours=3, minutes=30))]),
)


@given(published_times, st.integers(min_value=1, max_value=400))
def test_days_ago(published: datetime, k: int) -> None:
    found = parse_when(f"{k} days ago", published)
    assert found is not None and found.date == published.date() - timedelta(days=k)


@given(published_times, st.sampled_from(WEEKDAYS), st.sampled_from(["", "on ", "early on ", "last "]))
def test_weekdays_fall_in_the_week_up_to_publication(published: datetime, weekday: str, before: str) -> None:
    found = parse_when(f"{before}{weekday}", published)
    assert found is not None and found.date is not None
    assert found.date.weekday() == WEEKDAYS.index(weekday)
    lag = (published.date() - found.date).days
    assert (1 <= lag <= 7) if before == "last " else (0 <= lag <= 6)


@given(published_times, st.sampled_from(WEEKDAYS))
def test_weekdays_of_future_events_fall_in_the_next_week(published: datetime, weekday: str) -> None:
    found = parse_when(f"on {weekday}", published, future=True)
    assert found is not None and found.date is not None
    assert found.date.weekday() == WEEKDAYS.index(weekday)
    assert 1 <= (found.date - published.date()).days <= 7


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_explicit_dates_round_trip(day: date) -> None:
    month = MONTHS[day.month - 1]
    for text in (f"{day.day} {month} {day.year}", f"{month} {day.day}, {day.year}", day.isoformat()):
        found = parse_when(text, None)
        assert found is not None, text
        assert (found.date, found.precision) == (day, "day")


@given(published_times, st.dates(min_value=date(2000, 1, 1), max_value=date(2000, 12, 31)))
def test_a_date_without_year_is_never_after_publication(published: datetime, day: date) -> None:
    found = parse_when(f"{day.day} {MONTHS[day.month - 1]}", published)
    assert found is not None and found.date is not None
    assert (found.date.month, found.date.day) == (day.month, day.day)
    assert 0 <= (published.date() - found.date).days < 366 * 4  # 29 February waits for a leap year


# --- the date of an event in a sentence ---------------------------------------------------------


def when(
    nlp: Language, text: str, trigger: str, published: datetime | None = PUB, future: bool = False
) -> EventDate:
    doc = nlp(text)
    sentence = next(doc.sents)
    anchor = next(t for t in sentence if t.text == trigger)
    return event_date(sentence, anchor, published, future)


def test_event_date_prefers_the_trigger_clause(nlp: Language) -> None:
    text = "Iran said on Wednesday that Israel struck Tehran on Monday."
    assert when(nlp, text, "struck").date == date(2025, 6, 16)
    assert when(nlp, text, "said").date == date(2025, 6, 18)


def test_event_date_takes_the_sentence_date_when_the_clause_has_none(nlp: Language) -> None:
    found = when(nlp, "Israel struck Tehran, Iran said on Wednesday.", "struck")
    assert found.date == date(2025, 6, 18) and not found.from_article


def test_event_date_with_hour(nlp: Language) -> None:
    found = when(nlp, "Rockets hit Haifa at 0915 GMT on June 13, killing two.", "hit")
    assert found.precision == "hour"
    assert found.time == datetime(2025, 6, 13, 9, 15, tzinfo=UTC)


def test_event_date_finds_what_the_entity_recogniser_misses(nlp: Language) -> None:
    found = when(nlp, "Israel struck Iran's nuclear facilities in the early hours of Friday.", "struck")
    assert found.date == date(2025, 6, 13)
    period = when(nlp, "Iran has fired missiles since 13 June, officials said.", "fired")
    assert (period.date, period.end) == (date(2025, 6, 13), date(2025, 6, 19))


def test_event_date_future(nlp: Language) -> None:
    found = when(nlp, "The talks will resume on Tuesday in Doha.", "resume", future=True)
    assert found.date == date(2025, 6, 24)


def test_event_date_falls_back_on_publication(nlp: Language) -> None:
    found = when(nlp, "The 10-year-old boy was killed in Israel's pre-1967 borders.", "killed")
    assert found.from_article and found.date == date(2025, 6, 19) and found.precision == "day"
    unknown = when(nlp, "Israel struck Gaza.", "struck", published=None)
    assert unknown.from_article and unknown.date is None


@settings(max_examples=40, deadline=None)
@given(published_times, st.sampled_from(WEEKDAYS))
def test_event_dates_of_past_events_never_follow_publication(published: datetime, weekday: str) -> None:
    found = when(
        load_pipeline(), f"Israeli jets struck a depot on {weekday}, the army said.", "struck", published
    )
    assert found.date is not None and found.date <= published.date()
    assert found.date.weekday() == WEEKDAYS.index(weekday)


def test_publication_time_with_a_zone() -> None:
    published = datetime(2025, 6, 19, 10, 0, tzinfo=timezone(timedelta(hours=3)))
    later = parse_when("at 4 p.m.", published)
    assert later is not None and later.time == datetime(2025, 6, 18, 16, 0)
    hours = parse_when("5 hours ago", published)
    assert hours is not None and hours.precision == "hour" and hours.time == published - timedelta(hours=5)


def test_bad_time_words_file_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (Path(event_time.__file__).with_name("time.yaml")).read_text(encoding="utf-8")
    bad = tmp_path / "time.yaml"
    bad.write_text(text.replace("friday: 4", "friday: 9"), encoding="utf-8")
    monkeypatch.setattr(event_time, "TIME_FILE", bad)
    event_time._time_words.cache_clear()
    event_time._rules.cache_clear()
    try:
        with pytest.raises(DataFileError, match=r"time\.yaml: .*out of range"):
            parse_when("on Friday", PUB)
    finally:
        monkeypatch.undo()
        event_time._time_words.cache_clear()
        event_time._rules.cache_clear()
    assert parse_when("on Friday", PUB) is not None
