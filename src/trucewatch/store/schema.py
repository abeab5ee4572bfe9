"""The database tables, one schema for SQLite and PostgreSQL.

Alembic migrations in ``migrations/`` create and change these tables; this module is the
description the queries are written against, and the migrations must keep to it (a test
compares the two). An event keeps its whole record as JSON (``record``) beside the columns
that queries filter and sort on, and its participants in ``event_actors`` so that events can
be found by actor and country.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
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
    # the countries the text points to (model.TextCountries): what an ACLED row of an event
    # without a place falls back on
    Column("countries", JSON),
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

events = Table(
    "events",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("article_id", String(16), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("category", String(16), nullable=False),
    Column("mode", String(32)),
    Column("status", String(16), nullable=False),
    Column("date", Date),
    Column("date_precision", String(8), nullable=False),
    Column("location_name", String(200)),
    Column("location_country", String(3)),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("killed", Integer),
    Column("injured", Integer),
    Column("sentence_idx", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("score", Float, nullable=False),
    Column("quad", Integer, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("record", JSON, nullable=False),
    Index("ix_events_article", "article_id"),
    Index("ix_events_category_date", "category", "date"),
    Index("ix_events_date", "date"),
)

event_actors = Table(
    "event_actors",
    metadata,
    Column("event_id", String(16), ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(6), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("actor_key", String(200), nullable=False),
    Column("actor_name", String(200), nullable=False),
    Column("country", String(3)),
    Column("sector", String(3)),
    Index("ix_event_actors_key", "actor_key"),
    Index("ix_event_actors_country", "country"),
)

# A ceasefire statement of an article (events/ceasefire.py); ``dyad`` is its two sides' codes,
# sorted and joined by "|", the key by which ceasefire records are rebuilt.
ceasefire_mentions = Table(
    "ceasefire_mentions",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("article_id", String(16), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("phase", String(20), nullable=False),
    Column("dyad", String(40)),
    Column("date", Date),
    Column("record", JSON, nullable=False),
    Index("ix_ceasefire_mentions_dyad_date", "dyad", "date"),
    Index("ix_ceasefire_mentions_article", "article_id"),
)

# Derived tables, rebuilt per dyad (or dyad and day) whenever an article touching them arrives,
# so that they always equal a build from scratch (analysis/update.py). A ceasefire record's
# first and last days are columns so that a refresh finds the records new statements can
# change without reading them all.
ceasefires = Table(
    "ceasefires",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("dyad", String(40), nullable=False),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("phase", String(20), nullable=False),
    Column("record", JSON, nullable=False),
    Index("ix_ceasefires_dyad", "dyad"),
)

claims = Table(
    "claims",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("article_id", String(16), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("dyad", String(40)),
    Column("date", Date),
    Column("stance", String(12), nullable=False),
    Column("record", JSON, nullable=False),
    Index("ix_claims_dyad", "dyad"),
    Index("ix_claims_article", "article_id"),
)

escalation_daily = Table(
    "escalation_daily",
    metadata,
    Column("dyad", String(40), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("score", Float, nullable=False),
    Column("conflict", Float, nullable=False),
    Column("cooperation", Float, nullable=False),
    Column("intensity", Float, nullable=False),
    Column("events", Integer, nullable=False),
    Column("killed", Integer, nullable=False),
    Column("outlets", JSON, nullable=False),
    Column("event_ids", JSON, nullable=False),
)

# Each event that counts toward escalation, once per dyad it sets against each other, with what
# a daily row sums: rebuilt with its article's derived rows, so that a (dyad, day) row is summed
# from a narrow indexed read instead of decoding every event of that day.
escalation_events = Table(
    "escalation_events",
    metadata,
    Column("event_id", String(16), primary_key=True),
    Column("dyad", String(40), primary_key=True),
    Column("article_id", String(16), nullable=False),
    Column("day", Date, nullable=False),
    Column("score", Float, nullable=False),
    Column("weight", Float, nullable=False),
    Column("killed", Integer, nullable=False),
    Index("ix_escalation_events_key", "dyad", "day"),
    Index("ix_escalation_events_day", "day"),
    Index("ix_escalation_events_article", "article_id"),
)

# Articles stored but whose derived rows are not yet rebuilt: written in the article's own
# transaction and removed by the rebuild, so that a run killed in between is finished by the next.
refresh_queue = Table(
    "refresh_queue",
    metadata,
    Column("article_id", String(16), primary_key=True),
)

# Feeds being watched (ingest/watch.py): the validators of the last complete poll, for
# conditional GETs, and what that poll found.
feeds = Table(
    "feeds",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("url", Text, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("checked_at", DateTime),
    Column("status", Text),
)

# Items of a feed already handled, written in the same transaction as the item's article.
feed_items = Table(
    "feed_items",
    metadata,
    Column("feed_id", String(16), primary_key=True),
    Column("item_key", String(16), primary_key=True),
    Column("link", Text),
    Column("article_id", String(16)),
    Column("outcome", String(16), nullable=False),
    Column("seen_at", DateTime, nullable=False),
)

# Near-duplicate articles (analysis/duplicates.py): each article's MinHash, its LSH band keys,
# and its group, the smallest article id of its near-duplicate component. Derived, so no
# foreign keys: the rebuild removes the rows of a deleted article itself.
article_signatures = Table(
    "article_signatures",
    metadata,
    Column("article_id", String(16), primary_key=True),
    Column("signature", LargeBinary, nullable=False),
    Column("group_id", String(16), nullable=False),
    Index("ix_article_signatures_group", "group_id"),
)

article_bands = Table(
    "article_bands",
    metadata,
    Column("article_id", String(16), primary_key=True),
    Column("band", Integer, primary_key=True),
    Column("key", String(16), nullable=False),
    Index("ix_article_bands_key", "key"),
)

# One event, many reports: each event (a report) with its clustering key and the cluster it
# belongs to, and each cluster (a happening) summarised; rebuilt per key and days.
event_reports = Table(
    "event_reports",
    metadata,
    Column("event_id", String(16), primary_key=True),
    Column("article_id", String(16), nullable=False),
    Column("dyad", String(200), nullable=False),
    Column("category", String(16), nullable=False),
    Column("factual", Boolean, nullable=False),
    Column("place", String(200), nullable=False),
    Column("day", Date),
    Column("loose", Boolean, nullable=False),
    Column("anchor", Date),
    Column("cluster_id", String(16), nullable=False),
    Index("ix_event_reports_key", "category", "factual", "day"),
    Index("ix_event_reports_cluster", "cluster_id"),
    Index("ix_event_reports_article", "article_id"),
)

event_clusters = Table(
    "event_clusters",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("dyad", String(200), nullable=False),
    Column("category", String(16), nullable=False),
    Column("place", String(200), nullable=False),
    Column("day", Date),
    Column("reports", Integer, nullable=False),
    Column("articles", Integer, nullable=False),
    Column("outlets", Integer, nullable=False),
    Column("first_reported", DateTime),
    Column("record", JSON, nullable=False),
    # What the record leaves out but a later report needs added to it: how many reports name
    # each place and country (see analysis/duplicates.py, Tally). NULL in clusters stored
    # before migration 0008, which are summed from their reports when they next change.
    Column("tally", JSON),
    Index("ix_event_clusters_day", "day"),
)
