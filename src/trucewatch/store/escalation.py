"""The escalation part of the store: the counted events of each (dyad, day), read narrow.

``analysis/escalation.py`` decides which events count and what each weighs; this part stores
those rows with their article's derived rows and reads them back by (dyad, day), with the
outlet of each event's article, for the daily sums.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select

from trucewatch.groups import chunks
from trucewatch.store.base import StoreBase
from trucewatch.store.schema import articles, escalation_events


@dataclass(frozen=True, slots=True)
class EscalationEvent:
    """One event as a dyad's daily row counts it; ``outlet`` is its article's, when read back."""

    event_id: str
    article_id: str
    dyad: str
    day: dt.date
    score: float
    weight: float
    killed: int
    outlet: str | None = None


class EscalationStore(StoreBase):
    """The escalation part of the store."""

    def replace_escalation_events(self, article_ids: Iterable[str], rows: Iterable[EscalationEvent]) -> None:
        """In one transaction, swap the counted events of these articles for ``rows``."""
        with self._errors("update escalation"), self.engine.begin() as conn:
            for part in chunks(sorted(set(article_ids))):
                conn.execute(delete(escalation_events).where(escalation_events.c.article_id.in_(part)))
            columns = escalation_events.c.keys()  # every field but the outlet, which is read back
            for some in chunks(rows, 5000):
                conn.execute(insert(escalation_events), [{c: getattr(r, c) for c in columns} for r in some])

    def escalation_event_counts(self, days: Iterable[dt.date]) -> dict[dt.date, int]:
        """How many counted (event, dyad) rows each of ``days`` holds (days without any left out)."""
        query = select(escalation_events.c.day, func.count()).group_by(escalation_events.c.day)
        out: dict[dt.date, int] = {}
        with self._errors("read escalation"), self.engine.connect() as conn:
            for part in chunks(sorted(set(days))):
                out.update(
                    {day: n for day, n in conn.execute(query.where(escalation_events.c.day.in_(part)))}
                )
        return out

    def escalation_events(self, keys: Iterable[tuple[str, dt.date]]) -> list[EscalationEvent]:
        """The counted events of these (dyad, day) keys, each with its article's outlet."""
        dyads_on: dict[dt.date, set[str]] = defaultdict(set)
        for dyad, day in keys:
            dyads_on[day].add(dyad)
        query = select(escalation_events, articles.c.outlet).join(
            articles, articles.c.id == escalation_events.c.article_id
        )
        out: list[EscalationEvent] = []
        with self._errors("read escalation"), self.engine.connect() as conn:
            for part in chunks(sorted(dyads_on), 100):
                dyads = sorted(set().union(*(dyads_on[day] for day in part)))
                found = conn.execute(
                    query.where(escalation_events.c.day.in_(part) & escalation_events.c.dyad.in_(dyads))
                )
                out += [EscalationEvent(**r._mapping) for r in found if r.dyad in dyads_on[r.day]]
        return out
