"""Recording audit events: every service that creates, changes or voids calls record()."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import AuditEvent, User

# Columns that must never be copied into the log, and those derived from others (noise).
_SECRET_COLUMNS = {"password_hash", "token_hash"}
_DERIVED_COLUMNS = {"name_sort_key"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):  # time: a club's quiet hours
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj) -> dict[str, Any]:
    """The object's column values as JSON-ready data, without secrets. A new object is
    flushed first, so its id and defaults are in the snapshot."""
    state = sa.inspect(obj)
    if state.pending:
        db.session.flush()
    mapper = state.mapper
    return {
        column.key: _jsonable(getattr(obj, column.key))
        for column in mapper.column_attrs
        if column.key not in _SECRET_COLUMNS and column.key not in _DERIVED_COLUMNS
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


def _utc(moment: date | datetime, *, end: bool = False) -> datetime:
    """A bound as a UTC datetime: a date is the start of that UTC day (of the next one for an
    end bound, so the whole day counts); a naive datetime is taken as UTC."""
    if not isinstance(moment, datetime):
        day = moment + timedelta(days=1) if end else moment
        return datetime.combine(day, time.min, UTC)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    # SQLite keeps the wall time without its offset, and the log is written in UTC.
    return moment.astimezone(UTC)


def events_for(
    club_id: int | None = None,
    action: str | None = None,
    entity_type: str | None = None,
    actor_id: int | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    *,
    page: int = 1,
    per_page: int = 50,
):
    """A page of events, newest first, narrowed by every argument that is given.

    `since` is inclusive. `until` as a date includes that whole (UTC) day; as a datetime it
    is the first moment left out. The actor of each event is loaded with it.
    """
    query = sa.select(AuditEvent).options(selectinload(AuditEvent.actor))
    if club_id is not None:
        query = query.where(AuditEvent.club_id == club_id)
    if action:
        query = query.where(AuditEvent.action == str(action))
    if entity_type:
        query = query.where(AuditEvent.entity_type == entity_type)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if since is not None:
        query = query.where(AuditEvent.occurred_at >= _utc(since))
    if until is not None:
        query = query.where(AuditEvent.occurred_at < _utc(until, end=True))
    query = query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
