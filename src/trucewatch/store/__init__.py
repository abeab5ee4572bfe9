"""Storage: the schema, its migrations, and the queries over it."""

from trucewatch.store.database import (
    ActorSummary,
    ArticleFilter,
    ArticleInfo,
    ArticleSummary,
    EventFilter,
    SaveOutcome,
    Store,
    open_store,
    statement_dyad,
)

__all__ = [
    "ActorSummary",
    "ArticleFilter",
    "ArticleInfo",
    "ArticleSummary",
    "EventFilter",
    "SaveOutcome",
    "Store",
    "open_store",
    "statement_dyad",
]
