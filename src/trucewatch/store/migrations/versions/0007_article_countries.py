"""Articles keep the countries their text points to.

An ACLED row of an event without a place takes its country from the text; ``extract`` had
those countries, stored articles did not. Articles stored before this revision have none
(NULL) until they are ingested again with ``--replace``.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-16
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("countries", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("countries")
