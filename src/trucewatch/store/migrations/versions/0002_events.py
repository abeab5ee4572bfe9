"""Events and their participants.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column(
            "article_id", sa.String(16), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("mode", sa.String(32)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("date", sa.Date),
        sa.Column("date_precision", sa.String(8), nullable=False),
        sa.Column("location_name", sa.String(200)),
        sa.Column("location_country", sa.String(3)),
        sa.Column("latitude", sa.Float),
        sa.Column("longitude", sa.Float),
        sa.Column("killed", sa.Integer),
        sa.Column("injured", sa.Integer),
        sa.Column("sentence_idx", sa.Integer, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("quad", sa.Integer, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
    )
    op.create_index("ix_events_article", "events", ["article_id"])
    op.create_index("ix_events_category_date", "events", ["category", "date"])
    op.create_index("ix_events_date", "events", ["date"])
    op.create_table(
        "event_actors",
        sa.Column(
            "event_id", sa.String(16), sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("role", sa.String(6), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("actor_key", sa.String(200), nullable=False),
        sa.Column("actor_name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(3)),
        sa.Column("sector", sa.String(3)),
    )
    op.create_index("ix_event_actors_key", "event_actors", ["actor_key"])
    op.create_index("ix_event_actors_country", "event_actors", ["country"])


def downgrade() -> None:
    op.drop_table("event_actors")
    op.drop_table("events")
