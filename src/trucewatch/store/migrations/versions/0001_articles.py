"""Articles, their sentences and actor mentions.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("title", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("outlet", sa.String(200)),
        sa.Column("published", sa.DateTime),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("ingested_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_articles_published", "articles", ["published"])
    op.create_index("ix_articles_outlet", "articles", ["outlet"])
    op.create_table(
        "sentences",
        sa.Column(
            "article_id", sa.String(16), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("idx", sa.Integer, primary_key=True),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_table(
        "mentions",
        sa.Column(
            "article_id", sa.String(16), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("start", sa.Integer, primary_key=True),
        sa.Column("end", sa.Integer, primary_key=True),
        sa.Column("sentence_idx", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("actor_key", sa.String(200), nullable=False),
        sa.Column("actor_name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(3)),
        sa.Column("sector", sa.String(3)),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("office", sa.String(200)),
        sa.Column("how", sa.String(32), nullable=False),
        sa.Column("as_place", sa.Boolean, nullable=False),
    )
    op.create_index("ix_mentions_actor", "mentions", ["actor_key"])
    op.create_index("ix_mentions_country", "mentions", ["country"])


def downgrade() -> None:
    op.drop_table("mentions")
    op.drop_table("sentences")
    op.drop_table("articles")
