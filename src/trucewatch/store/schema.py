"""The database tables, one schema for SQLite and PostgreSQL.

Alembic migrations in ``migrations/`` create and change these tables; this module is the
description the queries are written against, and the migrations must keep to it (a test
compares the two).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("title", Text),
    Column("url", Text),
    Column("outlet", String(200)),
    Column("published", DateTime),
    Column("language", String(8), nullable=False),
    Column("source", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("ingested_at", DateTime, nullable=False),
    Index("ix_articles_published", "published"),
    Index("ix_articles_outlet", "outlet"),
)

sentences = Table(
    "sentences",
    metadata,
    Column("article_id", String(16), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
)

mentions = Table(
    "mentions",
    metadata,
    Column("article_id", String(16), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("start", Integer, primary_key=True),
    Column("end", Integer, primary_key=True),
    Column("sentence_idx", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("actor_key", String(200), nullable=False),
    Column("actor_name", String(200), nullable=False),
    Column("country", String(3)),
    Column("sector", String(3)),
    Column("kind", String(32), nullable=False),
    Column("office", String(200)),
    Column("how", String(32), nullable=False),
    Column("as_place", Boolean, nullable=False),
    Index("ix_mentions_actor", "actor_key"),
    Index("ix_mentions_country", "country"),
)
