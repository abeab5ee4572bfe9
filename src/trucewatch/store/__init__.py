"""Storage: the schema, its migrations, and the queries over it."""

from trucewatch.store.database import (
    ActorSummary,
    ArticleFilter,
    ArticleInfo,
    ArticleRef,
    ArticleSummary,
    EventFilter,
    EventOrder,
    SaveOutcome,
    Store,
    open_store,
    statement_dyad,
)
from trucewatch.store.escalation import EscalationEvent
from trucewatch.store.reports import ReportInfo, ReportRow

__all__ = [
    "ActorSummary",
    "ArticleFilter",
    "ArticleInfo",
    "ArticleRef",
    "ArticleSummary",
    "EscalationEvent",
    "EventFilter",
    "EventOrder",
    "ReportInfo",
    "ReportRow",
    "SaveOutcome",
    "Store",
    "open_store",
    "statement_dyad",
]
