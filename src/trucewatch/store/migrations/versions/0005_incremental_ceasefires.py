"""Ceasefire records keep their last day as a column, and statements are indexed by dyad and date.

A refresh rebuilds a dyad's ceasefire records only from the first one that new statements can
change (analysis/ceasefires.py): it finds that record from each record's first and last days
and reads only the statements dated from its start, which the (dyad, date) index serves (and
lookups by dyad alone, which the old index served).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ceasefires") as batch:
        batch.add_column(sa.Column("end_date", sa.Date))
    records = sa.table(
        "ceasefires", sa.column("id", sa.String), sa.column("record", sa.JSON), sa.column("end_date", sa.Date)
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(records.c.id, records.c.record)).all()
    for row in rows:
        end = row.record.get("end_date")
        if end:
            connection.execute(
                records.update().where(records.c.id == row.id).values(end_date=dt.date.fromisoformat(end))
            )
    op.drop_index("ix_ceasefire_mentions_dyad", "ceasefire_mentions")
    op.create_index("ix_ceasefire_mentions_dyad_date", "ceasefire_mentions", ["dyad", "date"])


def downgrade() -> None:
    op.drop_index("ix_ceasefire_mentions_dyad_date", "ceasefire_mentions")
    op.create_index("ix_ceasefire_mentions_dyad", "ceasefire_mentions", ["dyad"])
    with op.batch_alter_table("ceasefires") as batch:
        batch.drop_column("end_date")
