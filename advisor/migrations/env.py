"""Alembic's environment for the advisor: the engine comes from advisor.db, never a config file."""

from alembic import context
from sqlmodel import SQLModel

if "assessment" not in SQLModel.metadata.tables:
    # Registers the tables (unless `python -m advisor.db` already did, as __main__).
    import advisor.db  # noqa: F401

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:  # the alembic command line, outside advisor.db.migrate
        from advisor.db import default_engine

        engine = default_engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
