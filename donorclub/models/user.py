"""Login accounts (admin, coordinator, member) and their API tokens."""
from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.enums import Role
from ..extensions import db
from .club import club_coordinators
from .types import Timestamp, str_enum, utcnow


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # A member login always points at the donor it belongs to.
        sa.CheckConstraint("role != 'member' OR member_id IS NOT NULL", name="member_linked"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    # The language chosen with the switcher (staff); a member's choice lives on the Member.
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    active: Mapped[bool] = mapped_column(default=True)
    member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("members.id", ondelete="RESTRICT"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # Failed sign-ins in a row, and until when sign-in stays refused after too many of them
    # (services/lockout.py).
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(Timestamp)

    clubs: Mapped[list[Club]] = relationship(  # noqa: F821
        secondary=club_coordinators, back_populates="coordinators", order_by="Club.name"
    )
    member: Mapped[Member | None] = relationship(back_populates="user")  # noqa: F821
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_member(self) -> bool:
        return self.role == Role.MEMBER

    @property
    def password_fingerprint(self) -> str:
        """Changes whenever the password does: sessions, invitation and reset links carry it,
        so a new password ends every earlier session and spends every earlier link."""
        return hashlib.sha256((self.password_hash or "").encode()).hexdigest()[:16]

    def get_id(self) -> str:
        """What the session (and a remember-me cookie) keeps: the id and the password's
        fingerprint, so changing or resetting the password signs out every other session."""
        return f"{self.id}.{self.password_fingerprint}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(db.Model):
    """A bearer token for the API; only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    label: Mapped[str] = mapped_column(sa.String(120), default="")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(Timestamp)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)

    user: Mapped[User] = relationship(back_populates="tokens")
