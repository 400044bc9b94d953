"""Volunteer service: hours members give at drives and other club activities."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import Timestamp, utcnow


class VolunteerService(db.Model):
    """One stretch of volunteering; voided with a reason, never deleted."""

    __tablename__ = "volunteer_services"
    __table_args__ = (
        sa.CheckConstraint("hours > 0 AND hours <= 24", name="hours_in_a_day"),
        sa.CheckConstraint("(voided_at IS NULL) = (void_reason IS NULL)", name="void_has_reason"),
        sa.Index("ix_volunteer_services_member_id_served_on", "member_id", "served_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id", ondelete="RESTRICT"))
    drive_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("drives.id", ondelete="RESTRICT"), index=True)
    activity: Mapped[str] = mapped_column(sa.String(200), default="")  # when not at a drive
    served_on: Mapped[date]
    hours: Mapped[float]
    role: Mapped[str] = mapped_column(sa.String(120), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(Timestamp)
    voided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    void_reason: Mapped[str | None] = mapped_column(sa.Text)

    member: Mapped[Member] = relationship()  # noqa: F821
    drive: Mapped[Drive | None] = relationship()  # noqa: F821
