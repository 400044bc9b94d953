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
        sa.CheckConstraint("verification_count >= 0", name="verification_count_not_negative"),
        # One valid certificate per member and award; a revoked one may be issued again.
        sa.Index("uq_certificates_member_award_valid", "member_id", "award_code", unique=True,
                 sqlite_where=sa.text("revoked_at IS NULL"),
                 postgresql_where=sa.text("revoked_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(sa.String(24), unique=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", ondelete="RESTRICT"), index=True
    )
    award_code: Mapped[str] = mapped_column(sa.String(60))
    title: Mapped[str] = mapped_column(sa.String(200))
    # The language it is printed in, fixed at issue so every reprint is the same document.
    language: Mapped[str] = mapped_column(sa.String(10), default="zh_Hans")
    # The day the milestone was reached and the member's figures then (count, ml, ...), so
    # the certificate keeps saying what it said when later records change.
    reached_on: Mapped[date | None]
    figures: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    issued_on: Mapped[date]
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(sa.Text)
    # The certificate this one replaces when re-issued (the old one is revoked).
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificates.id"))
    # How often the public verification page was asked about it; no visitor data is kept.
    verification_count: Mapped[int] = mapped_column(default=0, server_default="0")

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    member: Mapped[Member] = relationship()  # noqa: F821
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])  # noqa: F821
