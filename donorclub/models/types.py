"""Column types shared by the models: enums stored as strings, UTC timestamps, token hashes."""
from __future__ import annotations

import hashlib
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


def as_utc(moment: datetime) -> datetime:
    """A Timestamp value read back, as an aware UTC time: SQLite returns the stored UTC
    wall time without its zone, PostgreSQL an aware one."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def hash_token(token: str) -> str:
    """What a `token_hash` column keeps of a secret token (API tokens, sessions): its
    SHA-256, so a copy of the table cannot be turned back into working tokens."""
    return hashlib.sha256(token.encode()).hexdigest()
