"""Recognition certificates; the PDF is rendered on demand from the row."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import Timestamp, utcnow


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (
        sa.CheckConstraint(
            "(revoked_at IS NULL) = (revoke_reason IS NULL)", name="revoke_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(sa.String(24), unique=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", ondelete="RESTRICT"), index=True
    )
    award_code: Mapped[str] = mapped_column(sa.String(60))
    title: Mapped[str] = mapped_column(sa.String(200))
    issued_on: Mapped[date]
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(sa.Text)

    member: Mapped[Member] = relationship()  # noqa: F821
