"""Event clusters keep the counts their summary is made from.

A cluster that only gains reports is then summed from its stored row and the new reports,
not from all its reports again. Clusters stored before this revision have no tally (NULL)
and are summed from all their reports the next time they change.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event_clusters") as batch:
        batch.add_column(sa.Column("tally", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("event_clusters") as batch:
        batch.drop_column("tally")
