"""Ceasefire statements, and the derived ceasefire, claim and escalation tables.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _article_fk() -> sa.Column:
    return sa.Column(
        "article_id", sa.String(16), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "ceasefire_mentions",
        sa.Column("id", sa.String(16), primary_key=True),
        _article_fk(),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("dyad", sa.String(40)),
        sa.Column("date", sa.Date),
        sa.Column("record", sa.JSON, nullable=False),
    )
    op.create_index("ix_ceasefire_mentions_dyad", "ceasefire_mentions", ["dyad"])
    op.create_index("ix_ceasefire_mentions_article", "ceasefire_mentions", ["article_id"])
    op.create_table(
        "ceasefires",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("dyad", sa.String(40), nullable=False),
        sa.Column("start_date", sa.Date),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
    )
    op.create_index("ix_ceasefires_dyad", "ceasefires", ["dyad"])
    op.create_table(
        "claims",
        sa.Column("id", sa.String(16), primary_key=True),
        _article_fk(),
        sa.Column("dyad", sa.String(40)),
        sa.Column("date", sa.Date),
        sa.Column("stance", sa.String(12), nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
    )
    op.create_index("ix_claims_dyad", "claims", ["dyad"])
    op.create_index("ix_claims_article", "claims", ["article_id"])
    op.create_table(
        "escalation_daily",
        sa.Column("dyad", sa.String(40), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("conflict", sa.Float, nullable=False),
        sa.Column("cooperation", sa.Float, nullable=False),
        sa.Column("intensity", sa.Float, nullable=False),
        sa.Column("events", sa.Integer, nullable=False),
        sa.Column("killed", sa.Integer, nullable=False),
        sa.Column("outlets", sa.JSON, nullable=False),
        sa.Column("event_ids", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for table in ("escalation_daily", "claims", "ceasefires", "ceasefire_mentions"):
        op.drop_table(table)
