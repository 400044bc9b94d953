"""What `flask reminders status` shows: the outbox's counts, and what is failing and why."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..domain.enums import MessageKind, MessageStatus
from ..extensions import db
from ..models import OutboxMessage
from ..models.types import as_utc, utcnow


@dataclass(frozen=True)
class OutboxStatus:
    """What `reminders status` shows an operator."""

    counts: list[tuple[MessageStatus, MessageKind, int]]
    oldest_queued_at: datetime | None
    retrying: list[OutboxMessage]  # queued again after an error, latest first
    failed: list[OutboxMessage]  # failed recently, latest first


def read_status(*, now: datetime | None = None, failed_within: timedelta = timedelta(days=7),
                  limit: int = 20) -> OutboxStatus:
    """Counts by status and kind, the oldest queued message, and the messages retrying or
    failed (within `failed_within`) with their errors, at most `limit` of each."""
    now = now or utcnow()
    counts = db.session.execute(
        sa.select(OutboxMessage.status, OutboxMessage.kind, sa.func.count())
        .group_by(OutboxMessage.status, OutboxMessage.kind)
        .order_by(OutboxMessage.status, OutboxMessage.kind)).all()
    oldest = db.session.scalar(sa.select(sa.func.min(OutboxMessage.created_at)).where(
        OutboxMessage.status == MessageStatus.QUEUED))
    with_names = (selectinload(OutboxMessage.club), selectinload(OutboxMessage.member))
    retrying = db.session.scalars(
        sa.select(OutboxMessage).options(*with_names).where(
            OutboxMessage.status == MessageStatus.QUEUED, OutboxMessage.attempts > 0)
        .order_by(OutboxMessage.updated_at.desc(), OutboxMessage.id.desc()).limit(limit)).all()
    failed = db.session.scalars(
        sa.select(OutboxMessage).options(*with_names).where(
            OutboxMessage.status == MessageStatus.FAILED,
            OutboxMessage.updated_at >= now - failed_within)
        .order_by(OutboxMessage.updated_at.desc(), OutboxMessage.id.desc()).limit(limit)).all()
    return OutboxStatus(counts=[(MessageStatus(s), MessageKind(k), n) for s, k, n in counts],
                        oldest_queued_at=as_utc(oldest) if oldest else None,
                        retrying=list(retrying), failed=list(failed))
