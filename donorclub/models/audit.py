"""The audit log: who changed what, when, with the values before and after."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import Timestamp, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
    # None when the system acted (demo data, scheduled jobs).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    entity_type: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[int | None]
    club_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clubs.id"), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    actor: Mapped[User | None] = relationship()  # noqa: F821
