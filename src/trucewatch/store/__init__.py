"""Storage: the schema, its migrations, and the queries over it."""

from trucewatch.store.database import (
    ActorSummary,
    ArticleFilter,
    ArticleSummary,
    EventFilter,
    SaveOutcome,
    Store,
    open_store,
)

__all__ = [
    "ActorSummary",
    "ArticleFilter",
    "ArticleSummary",
    "EventFilter",
    "SaveOutcome",
    "Store",
    "open_store",
]
