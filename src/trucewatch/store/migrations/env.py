"""Alembic environment: runs migrations on the connection trucewatch hands it.

trucewatch calls Alembic from code (``trucewatch.store.migrate``), passing an open connection
in ``config.attributes["connection"]``; there is no alembic.ini to keep in step.
"""

from alembic import context

from trucewatch.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
