"""The outbox: every message to a member, from queued to sent (or failed, or cancelled)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.enums import MessageChannel, MessageKind, MessageStatus
from ..extensions import db
from .types import Timestamp, str_enum, utcnow

MAX_SUBJECT, MAX_RECIPIENT, MAX_DEDUPE_KEY = 300, 254, 200


class OutboxMessage(db.Model):
    """One message to one member through one channel, written in the same transaction as the
    event that causes it (a donation, a certificate, an invitation) and sent later by
    `flask reminders send`. The text is rendered when queued, so the row is exactly what the
    member receives. `dedupe_key` is unique: the same event never queues a second message."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
        sa.Index("ix_outbox_messages_club_id_created_at", "club_id", "created_at"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(sa.ForeignKey("clubs.id", ondelete="RESTRICT"))
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[MessageKind] = mapped_column(str_enum(MessageKind, "message_kind"))
    channel: Mapped[MessageChannel] = mapped_column(str_enum(MessageChannel, "message_channel"))
    # The email address or phone number it goes to, as it was when queued.
    recipient: Mapped[str] = mapped_column(sa.String(MAX_RECIPIENT))
    locale: Mapped[str] = mapped_column(sa.String(10))
    subject: Mapped[str] = mapped_column(sa.String(MAX_SUBJECT))
    body: Mapped[str] = mapped_column(sa.Text)
    # What the message is about, for re-checks before sending and for the webhook's JSON
    # (for example the donation kind and the date it became possible, or a drive's id).
    context: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    dedupe_key: Mapped[str] = mapped_column(sa.String(MAX_DEDUPE_KEY), unique=True)
    status: Mapped[MessageStatus] = mapped_column(
        str_enum(MessageStatus, "message_status"), default=MessageStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    # Not to be tried before this moment (now when queued; later after an error: back-off).
    next_attempt_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    # Set by the run that claimed the row; a claim older than the lease is taken back.
    claim_token: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(100))
    claimed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    sent_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # The last error from the server or gateway (kept after a later success, for the record).
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    cancel_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    # The coordinator whose action queued it; None for the scheduled run.
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)

    club: Mapped[Club] = relationship()  # noqa: F821
    member: Mapped[Member] = relationship()  # noqa: F821
    created_by: Mapped[User | None] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind.value} {self.status.value}>"
