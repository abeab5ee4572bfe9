"""Keeping the derived tables (ceasefire records, claims, escalation) in step with the articles.

:func:`refresh` rebuilds only what some articles touch: the ceasefire records of the dyads their
statements name, their own claims, and the escalation rows of the (dyad, day) keys their events
fall on, each from all the stored data for that key. Because every derived row is a function of
the stored statements and events for its key alone, the tables equal a build from scratch
(:func:`rebuild`) whatever order the articles arrived in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from trucewatch.analysis.ceasefires import build_records
from trucewatch.analysis.claims import article_claims
from trucewatch.analysis.escalation import daily_row, keys_of
from trucewatch.events.grammar import grammar
from trucewatch.model import ParsedArticle
from trucewatch.store import Store, statement_dyad


def touched(parsed: Iterable[ParsedArticle]) -> tuple[set[str], set[str], set[tuple[str, dt.date]]]:
    """The dyads (ceasefires), articles (claims) and (dyad, day) keys (escalation) to rebuild."""
    dyads: set[str] = set()
    articles: set[str] = set()
    keys: set[tuple[str, dt.date]] = set()
    for p in parsed:
        articles.add(p.article.id)
        dyads |= {d for c in p.ceasefires if (d := statement_dyad(c))}
        keys |= keys_of(p.events)
    return dyads, articles, keys


def refresh(store: Store, dyads: set[str], article_ids: set[str], keys: set[tuple[str, dt.date]]) -> None:
    """Rebuild the derived rows for these dyads, articles and keys, in one transaction."""
    records = build_records(store.ceasefire_mentions(dyads)) if dyads else {}
    ceasefire_rows = {
        dyad: [
            {
                "id": r["id"],
                "dyad": dyad,
                "start_date": dt.date.fromisoformat(r["start_date"]) if r["start_date"] else None,
                "phase": r["current_phase"],
                "record": r,
            }
            for r in records.get(dyad, [])
        ]
        for dyad in dyads
    }
    present = set(store.article_ids()) & article_ids
    infos = store.article_infos(present)
    claim_rows: dict[str, list[dict[str, Any]]] = {a: [] for a in article_ids}
    events = store.events_of_articles(present)
    for article_id in present:
        own = [e for e in events if e.article_id == article_id]
        claim_rows[article_id] = article_claims(article_id, own, infos[article_id], grammar())
    day_events = store.events_on(day for _, day in keys)
    outlets = {a: info.outlet for a, info in store.article_infos(e.article_id for e in day_events).items()}
    escalation: dict[tuple[str, dt.date], dict[str, Any] | None] = {}
    for dyad, day in keys:
        row = daily_row(dyad, day, day_events, outlets)
        escalation[(dyad, day)] = row if row["events"] else None
    store.replace_derived(ceasefire_rows, claim_rows, escalation)


def rebuild(store: Store) -> None:
    """Recompute every derived table from the stored articles."""
    store.clear_derived()
    ids = store.article_ids()
    parsed = (store.article(i) for i in ids)
    dyads, articles, keys = touched(parsed)
    refresh(store, dyads, articles, keys)
