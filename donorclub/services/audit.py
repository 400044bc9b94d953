"""Recording audit events: every service that creates, changes or voids calls record()."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import AuditEvent, User

# Columns that must never be copied into the log.
_SECRET_COLUMNS = {"password_hash", "token_hash"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj) -> dict[str, Any]:
    """The object's column values as JSON-ready data, without secrets."""
    mapper = sa.inspect(obj).mapper
    return {
        column.key: _jsonable(getattr(obj, column.key))
        for column in mapper.column_attrs
        if column.key not in _SECRET_COLUMNS
    }


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose values differ, so an update's event says what changed."""
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    actor: User | None,
    action: str,
    entity,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    club_id: int | None = None,
) -> AuditEvent:
    """Add an audit event to the session; the calling service commits it with its change.

    `entity` is a model instance (flushed so it has an id) or a string naming the entity type
    for events about no row (a failed login).
    """
    if isinstance(entity, str):
        entity_type, entity_id = entity, None
    else:
        db.session.flush()
        entity_type, entity_id = entity.__tablename__, entity.id
        if club_id is None:
            club_id = getattr(entity, "club_id", None)
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=str(action),
        entity_type=entity_type,
        entity_id=entity_id,
        club_id=club_id,
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


def history(entity_type: str, entity_id: int) -> list[AuditEvent]:
    """Every event about one row, oldest first."""
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
    )
