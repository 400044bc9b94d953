"""Column types shared by the models: enums stored as strings and UTC timestamps."""
from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa


def str_enum(enum_cls: type[StrEnum], name: str) -> sa.Enum:
    """A string column holding an enum's values, backed by a named CHECK constraint."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
    )


def utcnow() -> datetime:
    """Called per row (never at import), so every row gets its own time."""
    return datetime.now(UTC)


Timestamp = sa.DateTime(timezone=True)
