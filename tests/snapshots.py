"""Every row of every table a database holds, to check it is exactly as it was (or as another)."""
from __future__ import annotations

import sqlalchemy as sa


def table_rows(connection: sa.Connection) -> dict[str, list[tuple]]:
    """Table name -> all its rows in primary-key order, tables as reflected from the database
    (so alembic_version and tables no model knows are included)."""
    metadata = sa.MetaData()
    metadata.reflect(connection)
    rows = {}
    for table in metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows[table.name] = [tuple(row) for row in connection.execute(
            sa.select(table).order_by(*order))]
    return rows


def rows_at(url: str) -> dict[str, list[tuple]]:
    """table_rows of the database at `url`, through a connection of its own."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return table_rows(connection)
    finally:
        engine.dispose()
