"""Members: the donors a club keeps records for."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..domain.enums import BloodGroup, DonationKind, MemberStatus, Sex
from ..extensions import db
from .name_order import SORT_KEY_LENGTH, name_sort_key
from .types import Timestamp, str_enum, utcnow


class Member(db.Model):
    __tablename__ = "members"
    __table_args__ = (
        sa.UniqueConstraint("club_id", "member_no", name="uq_members_club_id_member_no"),
        sa.CheckConstraint("weight_kg IS NULL OR weight_kg > 0", name="weight_positive"),
        sa.Index("ix_members_club_id_full_name", "club_id", "full_name"),
        sa.Index("ix_members_club_id_name_sort_key", "club_id", "name_sort_key"),
        sa.Index("ix_members_club_id_status", "club_id", "status"),
        sa.Index("ix_members_club_id_blood_group", "club_id", "blood_group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(sa.ForeignKey("clubs.id", ondelete="RESTRICT"))
    member_no: Mapped[str] = mapped_column(sa.String(20))
    # One full-name field: Chinese names do not split into first and last.
    full_name: Mapped[str] = mapped_column(sa.String(120))
    # Derived from full_name whenever it is set: pinyin for Chinese names (see name_order).
    name_sort_key: Mapped[str] = mapped_column(sa.String(SORT_KEY_LENGTH), default="")
    sex: Mapped[Sex] = mapped_column(str_enum(Sex, "sex"))
    date_of_birth: Mapped[date]
    blood_group: Mapped[BloodGroup | None] = mapped_column(str_enum(BloodGroup, "blood_group"))
    weight_kg: Mapped[float | None]
    phone: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    joined_on: Mapped[date]
    # Preferred language for certificates and the portal; None follows the club.
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    # Random values behind the member's personal links (read-only status page, calendar
    # feed): the links are signed from them, so replacing one revokes its link. None: no link.
    status_nonce: Mapped[str | None] = mapped_column(sa.String(32))
    calendar_nonce: Mapped[str | None] = mapped_column(sa.String(32))
    status: Mapped[MemberStatus] = mapped_column(
        str_enum(MemberStatus, "member_status"), default=MemberStatus.ACTIVE
    )
    consent_contact: Mapped[bool] = mapped_column(default=False)
    # The kind "you can donate again" reminders are about; None: the kind of their last
    # donation, or whole blood before their first.
    preferred_kind: Mapped[DonationKind | None] = mapped_column(
        str_enum(DonationKind, "preferred_kind"))
    consent_public_verification: Mapped[bool] = mapped_column(default=False)
    # Appear by name on the club's marrow-referral leaderboard.
    consent_leaderboard: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)

    club: Mapped[Club] = relationship()  # noqa: F821
    user: Mapped[User | None] = relationship(back_populates="member")  # noqa: F821
    donations: Mapped[list[Donation]] = relationship(  # noqa: F821
        back_populates="member", order_by="Donation.donated_on.desc()"
    )
    deferrals: Mapped[list[Deferral]] = relationship(  # noqa: F821
        back_populates="member", order_by="Deferral.starts_on.desc()"
    )

    def __repr__(self) -> str:
        return f"<Member {self.club_id}/{self.member_no}>"

    @validates("full_name")
    def _keep_sort_key(self, _key: str, value: str) -> str:
        self.name_sort_key = name_sort_key(value or "")
        return value
