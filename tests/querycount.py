"""Counting the SQL statements a piece of code sends, for the no-N+1 tests."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa


@dataclass
class Statements:
    """The statements sent while counting, in order; `len()` is how many."""

    sql: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.sql)

    def __str__(self) -> str:
        return "\n".join(f"{n:3d}. {s.splitlines()[0][:160]}"
                         for n, s in enumerate(self.sql, 1))


@contextmanager
def counting(engine: sa.Engine):
    """Every statement the engine sends inside the block, transaction control and the
    session store's included: nothing is ignored, so any extra round trip shows."""
    statements = Statements()

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.sql.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
