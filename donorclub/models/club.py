"""Clubs and the coordinators who run them."""
from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import Timestamp, utcnow

club_coordinators = sa.Table(
    "club_coordinators",
    db.metadata,
    sa.Column("club_id", sa.ForeignKey("clubs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Club(db.Model):
    __tablename__ = "clubs"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    rule_set: Mapped[str] = mapped_column(sa.String(20), default="cn")
    locale: Mapped[str] = mapped_column(sa.String(10), default="zh_Hans")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Asia/Shanghai")
    # Printed on certificates: who signs them, and the club's logo (PNG or JPEG bytes).
    signatory_name: Mapped[str | None] = mapped_column(sa.String(120))
    signatory_title: Mapped[str | None] = mapped_column(sa.String(120))
    logo: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    logo_type: Mapped[str | None] = mapped_column(sa.String(20))
    # The club's own milestone thresholds; None uses the rule set's defaults.
    milestones: Mapped[dict | None] = mapped_column(sa.JSON)
    # No reminder leaves between these two local times (in `timezone`); both None: any time.
    # From 21:00 to 08:00 by default: the quiet span may cross midnight.
    quiet_from: Mapped[time | None] = mapped_column(sa.Time, default=time(21, 0))
    quiet_until: Mapped[time | None] = mapped_column(sa.Time, default=time(8, 0))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    coordinators: Mapped[list[User]] = relationship(  # noqa: F821
        secondary=club_coordinators, back_populates="clubs"
    )

    def __repr__(self) -> str:
        return f"<Club {self.slug}>"
