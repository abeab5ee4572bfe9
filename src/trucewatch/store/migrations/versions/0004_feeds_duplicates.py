"""Feed state, the refresh queue, near-duplicate articles and event clusters.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("refresh_queue", sa.Column("article_id", sa.String(16), primary_key=True))
    op.create_table(
        "feeds",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("checked_at", sa.DateTime),
        sa.Column("status", sa.Text),
    )
    op.create_table(
        "feed_items",
        sa.Column("feed_id", sa.String(16), primary_key=True),
        sa.Column("item_key", sa.String(16), primary_key=True),
        sa.Column("link", sa.Text),
        sa.Column("article_id", sa.String(16)),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("seen_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "article_signatures",
        sa.Column("article_id", sa.String(16), primary_key=True),
        sa.Column("signature", sa.LargeBinary, nullable=False),
        sa.Column("group_id", sa.String(16), nullable=False),
    )
    op.create_index("ix_article_signatures_group", "article_signatures", ["group_id"])
    op.create_table(
        "article_bands",
        sa.Column("article_id", sa.String(16), primary_key=True),
        sa.Column("band", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(16), nullable=False),
    )
    op.create_index("ix_article_bands_key", "article_bands", ["key"])
    op.create_table(
        "event_reports",
        sa.Column("event_id", sa.String(16), primary_key=True),
        sa.Column("article_id", sa.String(16), nullable=False),
        sa.Column("dyad", sa.String(200), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("factual", sa.Boolean, nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("day", sa.Date),
        sa.Column("loose", sa.Boolean, nullable=False),
        sa.Column("anchor", sa.Date),
        sa.Column("cluster_id", sa.String(16), nullable=False),
    )
    op.create_index("ix_event_reports_key", "event_reports", ["category", "factual", "day"])
    op.create_index("ix_event_reports_cluster", "event_reports", ["cluster_id"])
    op.create_index("ix_event_reports_article", "event_reports", ["article_id"])
    op.create_table(
        "event_clusters",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("dyad", sa.String(200), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("day", sa.Date),
        sa.Column("reports", sa.Integer, nullable=False),
        sa.Column("articles", sa.Integer, nullable=False),
        sa.Column("outlets", sa.Integer, nullable=False),
        sa.Column("first_reported", sa.DateTime),
        sa.Column("record", sa.JSON, nullable=False),
    )
    op.create_index("ix_event_clusters_day", "event_clusters", ["day"])


def downgrade() -> None:
    for table in (
        "event_clusters",
        "event_reports",
        "article_bands",
        "article_signatures",
        "feed_items",
        "feeds",
        "refresh_queue",
    ):
        op.drop_table(table)
