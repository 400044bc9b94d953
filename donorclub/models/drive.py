"""Drives: group donation days and marrow-registry recruitment days."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.enums import DriveKind
from ..extensions import db
from .types import Timestamp, str_enum, utcnow


class Drive(db.Model):
    __tablename__ = "drives"
    __table_args__ = (
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(
        sa.ForeignKey("clubs.id", ondelete="RESTRICT"), index=True
    )
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[DriveKind] = mapped_column(str_enum(DriveKind, "drive_kind"))
    capacity: Mapped[int | None]
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    club: Mapped[Club] = relationship()  # noqa: F821
    participants: Mapped[list[DriveParticipant]] = relationship(back_populates="drive")


class DriveParticipant(db.Model):
    """A member's part in a drive: invited, signed up, attended (each with its day)."""

    __tablename__ = "drive_participants"
    __table_args__ = (
        sa.UniqueConstraint("drive_id", "member_id", name="uq_drive_participants_drive_member"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    drive_id: Mapped[int] = mapped_column(sa.ForeignKey("drives.id", ondelete="RESTRICT"))
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", ondelete="RESTRICT"), index=True)
    invited_on: Mapped[date | None]
    signed_up_on: Mapped[date | None]
    attended: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)

    drive: Mapped[Drive] = relationship(back_populates="participants")
    member: Mapped[Member] = relationship()  # noqa: F821
