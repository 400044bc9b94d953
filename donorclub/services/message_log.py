"""What was sent to whom: a club's outbox as its coordinators read it, and the two things they
may do about one message (send a failed one again, or stop a queued one)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..domain.enums import AuditAction, MessageChannel, MessageKind, MessageStatus
from ..extensions import db
from ..models import AuditEvent, Club, Member, OutboxMessage, User
from ..models.search import contains_text
from ..models.types import utcnow
from . import audit
from .errors import Conflict, InvalidInput, NotFound

MAX_CANCEL_REASON = 200
# Messages shown per page of the log, and on a member's page.
PER_PAGE = 50
RECENT_FOR_MEMBER = 5
FAILED_WITHIN_DAYS = 7


@dataclass(frozen=True)
class MessageFilters:
    """What the log can be narrowed by; empty values narrow nothing. `member` is a member
    number (exactly) or part of a name; the days are the club's local days and include
    `until`."""

    status: str = ""
    kind: str = ""
    channel: str = ""
    member: str = ""
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class MessageCounts:
    queued: int  # waiting for a first or next attempt, or being sent now
    sent_today: int  # since midnight in the club's time zone
    failed_recently: int  # given up on in the last FAILED_WITHIN_DAYS days


def list_messages(club: Club, filters: MessageFilters | None = None, *, page: int = 1,
                  per_page: int = PER_PAGE):
    """A page of the club's messages, newest first, each with its member and the account that
    queued it loaded in the same round trip (the list runs no query per row)."""
    filters = filters or MessageFilters()
    query = (sa.select(OutboxMessage)
             .options(selectinload(OutboxMessage.member), selectinload(OutboxMessage.created_by))
             .where(OutboxMessage.club_id == club.id, *_conditions(club, filters))
             .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()))
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)


def _conditions(club: Club, filters: MessageFilters) -> list:
    conditions = []
    for column, value, enum_cls in ((OutboxMessage.status, filters.status, MessageStatus),
                                    (OutboxMessage.kind, filters.kind, MessageKind),
                                    (OutboxMessage.channel, filters.channel, MessageChannel)):
        if value:
            conditions.append(column == enum_cls(value))
    if who := " ".join(filters.member.split()):
        conditions.append(OutboxMessage.member_id.in_(
            sa.select(Member.id).where(Member.club_id == club.id, sa.or_(
                Member.member_no == who, contains_text(Member.full_name, who)))))
    zone = ZoneInfo(club.timezone)
    if filters.since is not None:
        conditions.append(OutboxMessage.created_at >= _local_midnight(filters.since, zone))
    if filters.until is not None:
        conditions.append(OutboxMessage.created_at
                          < _local_midnight(filters.until + timedelta(days=1), zone))
    return conditions


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The start of a local day, in UTC: SQLite keeps a timestamp's UTC wall time without its
    offset, so bounds are compared in UTC."""
    return datetime.combine(day, time.min, zone).astimezone(UTC)


def counts(club: Club, *, now: datetime | None = None) -> MessageCounts:
    """The log's headline numbers, in one query. A failed message's last change is when it
    was given up on, so `updated_at` dates the failure."""
    now = (now or utcnow()).astimezone(UTC)
    zone = ZoneInfo(club.timezone)
    midnight = _local_midnight(now.astimezone(zone).date(), zone)
    since = now - timedelta(days=FAILED_WITHIN_DAYS)
    status = OutboxMessage.status

    def count_if(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    row = db.session.execute(
        sa.select(
            count_if(status.in_([MessageStatus.QUEUED, MessageStatus.SENDING])),
            count_if(sa.and_(status == MessageStatus.SENT, OutboxMessage.sent_at >= midnight)),
            count_if(sa.and_(status == MessageStatus.FAILED, OutboxMessage.updated_at >= since)),
        ).where(OutboxMessage.club_id == club.id)).one()
    return MessageCounts(int(row[0]), int(row[1]), int(row[2]))


def get_message(club: Club, message_id: int) -> OutboxMessage:
    """One message of the club; NotFound for any other, whether or not it exists (the caller
    has already checked that the user may see the club)."""
    message = db.session.get(OutboxMessage, message_id,
                             options=[selectinload(OutboxMessage.member),
                                      selectinload(OutboxMessage.created_by)])
    if message is None or message.club_id != club.id:
        raise NotFound(_("Message not found."))
    return message


def history(message: OutboxMessage) -> list[AuditEvent]:
    """Who sent the message again or stopped it, oldest first."""
    return list(db.session.scalars(
        sa.select(AuditEvent).options(selectinload(AuditEvent.actor))
        .where(AuditEvent.entity_type == OutboxMessage.__tablename__,
               AuditEvent.entity_id == message.id)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)))


def recent_for_member(member: Member, limit: int = RECENT_FOR_MEMBER) -> list[OutboxMessage]:
    """The member's last few messages, newest first (for the member page)."""
    return list(db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.member_id == member.id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)))


def retry_message(actor: User, message: OutboxMessage, *, now: datetime | None = None
                  ) -> OutboxMessage:
    """Put a failed message back in the queue, to be tried at the next run with a fresh set
    of attempts (the failed ones stay in the audit event, the last error on the message).
    Raises Conflict unless the message is failed; the change is made only if it still is,
    so two coordinators clicking at once retry it once."""
    now = now or utcnow()
    before = {"status": message.status.value, "attempts": message.attempts}
    _change_if(message, MessageStatus.FAILED, _("Only a failed message can be sent again."),
               status=MessageStatus.QUEUED, attempts=0, next_attempt_at=now, claim_token=None,
               claimed_by=None, claimed_at=None, updated_at=now)
    audit.record(actor, AuditAction.UPDATE, message, before=before,
                 after={"status": MessageStatus.QUEUED.value, "attempts": 0})
    db.session.commit()
    return message


def cancel_message(actor: User, message: OutboxMessage, reason: str, *,
                   now: datetime | None = None) -> OutboxMessage:
    """Stop a queued message from being sent, saying why. Raises InvalidInput (field
    `reason`) without a reason, and Conflict unless the message is still queued: one that a
    run has claimed is being sent at this moment."""
    reason = " ".join((reason or "").split())
    if not reason:
        message_text = _("Say why the message is not to be sent.")
        raise InvalidInput(message_text, {"reason": message_text})
    if len(reason) > MAX_CANCEL_REASON:
        message_text = _("Use at most %(n)d characters.", n=MAX_CANCEL_REASON)
        raise InvalidInput(message_text, {"reason": message_text})
    _change_if(message, MessageStatus.QUEUED,
               _("Only a message still waiting in the queue can be stopped."),
               status=MessageStatus.CANCELLED, cancel_reason=reason, updated_at=now or utcnow())
    audit.record(actor, AuditAction.UPDATE, message,
                 before={"status": MessageStatus.QUEUED.value},
                 after={"status": MessageStatus.CANCELLED.value, "cancel_reason": reason})
    db.session.commit()
    return message


def _change_if(message: OutboxMessage, expected: MessageStatus, refusal: str, **values) -> None:
    """Update the row only while it has the expected status (one statement, so a run that
    claims it at the same moment and this change cannot both win); Conflict otherwise."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.status == expected)
        .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(refusal)
    db.session.refresh(message)
