"""Signed-in browser sessions: one row per sign-in, so a session can be ended on the server."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.enums import SessionEndReason
from ..extensions import db
from .types import Timestamp, str_enum, utcnow

USER_AGENT_LENGTH = 200


class UserSession(db.Model):
    """The signed cookie carries a random token; only its SHA-256 is stored here, so a copy of
    this table cannot be turned into working cookies. A row with `ended_at` set is over."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(Timestamp)
    end_reason: Mapped[SessionEndReason | None] = mapped_column(
        str_enum(SessionEndReason, "end_reason"))
    user_agent: Mapped[str] = mapped_column(sa.String(USER_AGENT_LENGTH), default="")

    user: Mapped[User] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"
