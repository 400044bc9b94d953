"""Marrow-registry referrals and the timeline of their stages (stages only, never HLA data)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.enums import ReferralStatus, Registry, Sex
from ..extensions import db
from .types import Timestamp, str_enum, utcnow


class Referral(db.Model):
    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(
        sa.ForeignKey("clubs.id", ondelete="RESTRICT"), index=True
    )
    referrer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", ondelete="RESTRICT"), index=True
    )
    candidate_name: Mapped[str] = mapped_column(sa.String(120))
    candidate_date_of_birth: Mapped[date | None]
    candidate_sex: Mapped[Sex | None] = mapped_column(str_enum(Sex, "candidate_sex"))
    candidate_phone: Mapped[str | None] = mapped_column(sa.String(32))
    candidate_email: Mapped[str | None] = mapped_column(sa.String(254))
    # "registry" is reserved by SQLAlchemy's declarative base, so the attribute differs
    # from the column name.
    registry_code: Mapped[Registry] = mapped_column("registry", str_enum(Registry, "registry"))
    status: Mapped[ReferralStatus] = mapped_column(
        str_enum(ReferralStatus, "referral_status"), default=ReferralStatus.REFERRED
    )
    registry_donor_id: Mapped[str | None] = mapped_column(sa.String(60))
    # Set when the candidate is (or becomes) a member of the club, so a stem-cell or marrow
    # donation shows on their own member page too.
    candidate_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("members.id", ondelete="RESTRICT"), index=True)
    consent_contact: Mapped[bool] = mapped_column(default=False)
    drive_id: Mapped[int | None] = mapped_column(sa.ForeignKey("drives.id", ondelete="RESTRICT"))
    referred_on: Mapped[date]
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)

    club: Mapped[Club] = relationship()  # noqa: F821
    referrer: Mapped[Member] = relationship(foreign_keys=[referrer_id])  # noqa: F821
    candidate_member: Mapped[Member | None] = relationship(  # noqa: F821
        foreign_keys=[candidate_member_id])
    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral", order_by="ReferralEvent.occurred_on"
    )


class ReferralEvent(db.Model):
    """One stage a referral reached; rows are only ever added."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        sa.ForeignKey("referrals.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[ReferralStatus] = mapped_column(str_enum(ReferralStatus, "event_status"))
    occurred_on: Mapped[date]
    # For a donation: "pbsc" (peripheral blood stem cells) or "marrow"; never medical detail.
    product: Mapped[str | None] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    referral: Mapped[Referral] = relationship(back_populates="events")
