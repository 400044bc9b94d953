"""Donations (voided, never deleted) and deferrals."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.enums import DonationKind
from ..extensions import db
from .types import Timestamp, str_enum, utcnow

REASON_CODE_LENGTH = 80


class Donation(db.Model):
    __tablename__ = "donations"
    __table_args__ = (
        sa.CheckConstraint("volume_ml > 0", name="volume_positive"),
        sa.CheckConstraint(
            "therapeutic_units IS NULL OR therapeutic_units > 0", name="units_positive"
        ),
        # A void always says why; an unvoided donation carries no reason.
        sa.CheckConstraint(
            "(voided_at IS NULL) = (void_reason IS NULL)", name="void_has_reason"
        ),
        sa.Index("ix_donations_member_id_donated_on", "member_id", "donated_on"),
        # The same member, kind and day cannot be recorded twice (voided rows do not count).
        sa.Index("uq_donations_member_kind_day", "member_id", "kind", "donated_on", unique=True,
                 sqlite_where=sa.text("voided_at IS NULL"),
                 postgresql_where=sa.text("voided_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id", ondelete="RESTRICT"))
    donated_on: Mapped[date]
    kind: Mapped[DonationKind] = mapped_column(str_enum(DonationKind, "donation_kind"))
    volume_ml: Mapped[int]
    therapeutic_units: Mapped[int | None]
    site: Mapped[str] = mapped_column(sa.String(200), default="")
    drive_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("drives.id", ondelete="RESTRICT"), index=True
    )
    blood_centre_certificate_no: Mapped[str | None] = mapped_column(sa.String(60))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(Timestamp)
    voided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    void_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Set when a coordinator recorded a donation the rules refused; the reasons are audited.
    override_reason: Mapped[str | None] = mapped_column(sa.Text)

    member: Mapped[Member] = relationship(back_populates="donations")  # noqa: F821
    drive: Mapped[Drive | None] = relationship()  # noqa: F821

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class Deferral(db.Model):
    """A period in which a member may not donate; no end date means indefinite."""

    __tablename__ = "deferrals"
    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", ondelete="RESTRICT"), index=True
    )
    # A code of the rule set's deferral catalogue (the longest is 45 characters) or "other".
    reason_code: Mapped[str] = mapped_column(sa.String(REASON_CODE_LENGTH))
    starts_on: Mapped[date]
    # The first day the member may donate again (DOMAIN.md); None = indefinite.
    ends_on: Mapped[date | None]
    # The donation kinds it blocks (aspirin blocks only platelets); None = every kind.
    kinds: Mapped[list[str] | None] = mapped_column(sa.JSON)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    member: Mapped[Member] = relationship(back_populates="deferrals")  # noqa: F821

    @property
    def is_indefinite(self) -> bool:
        return self.ends_on is None
