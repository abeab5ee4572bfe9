"""Escalation reads narrow rows: each counted event once per dyad, with its score and weight.

A refresh used to decode every event of each day it rebuilt a dyad's row for. The new table is
derived like the others; a database from before this revision has none of its rows, so every
article goes on the refresh queue, and the next ingest (or ``trucewatch rebuild``) fills it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-15
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "escalation_events",
        sa.Column("event_id", sa.String(16), primary_key=True),
        sa.Column("dyad", sa.String(40), primary_key=True),
        sa.Column("article_id", sa.String(16), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("killed", sa.Integer, nullable=False),
    )
    op.create_index("ix_escalation_events_key", "escalation_events", ["dyad", "day"])
    op.create_index("ix_escalation_events_day", "escalation_events", ["day"])
    op.create_index("ix_escalation_events_article", "escalation_events", ["article_id"])
    op.execute(
        "INSERT INTO refresh_queue (article_id) SELECT id FROM articles "
        "WHERE id NOT IN (SELECT article_id FROM refresh_queue)"
    )


def downgrade() -> None:
    op.drop_table("escalation_events")
