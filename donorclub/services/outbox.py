"""The outbox: messages are queued in the transaction of the event that causes them and sent
later, once each, by `flask reminders send` (docs/reminders.md).

Queueing is idempotent: a message's `dedupe_key` names the event (this donation, this drive and
member, this eligibility period), and a second message with the same key is never written,
however many runs or requests try at once.

Sending is safe from several processes and machines at once: each run claims a batch of due
rows in one UPDATE (rows another run has locked are skipped on PostgreSQL; SQLite lets one
writer at a time), commits the claim, and sends only the rows carrying its own claim token.
"""
from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from ..domain.dates import zone_named
from ..domain.enums import MessageChannel, MessageKind, MessageStatus
from ..extensions import db
from ..models import Club, Member, OutboxMessage, User
from ..models.outbox import MAX_SUBJECT
from ..models.types import as_utc, utcnow
from . import channels as delivery

# A retry waits REMINDER_RETRY_MINUTES, doubled after each failed attempt, up to this.
MAX_RETRY_DELAY = timedelta(hours=6)


@dataclass(frozen=True)
class Address:
    channel: MessageChannel
    recipient: str


@dataclass(frozen=True)
class Draft:
    """A message ready to queue: its text in the member's language and what it is about."""

    kind: MessageKind
    dedupe_key: str
    subject: str
    body: str
    locale: str
    context: dict[str, Any] = field(default_factory=dict)


def channels() -> list[MessageChannel]:
    """The configured channels in order of preference (REMINDER_CHANNELS); the webhook only
    when REMINDER_WEBHOOK_URL is set. Email always works: without MAIL_SERVER it is written
    to instance/outbox/."""
    wanted = [c.strip() for c in current_app.config["REMINDER_CHANNELS"].split(",")]
    found = []
    for name in wanted:
        if name == MessageChannel.EMAIL:
            found.append(MessageChannel.EMAIL)
        elif name == MessageChannel.WEBHOOK and current_app.config["REMINDER_WEBHOOK_URL"]:
            found.append(MessageChannel.WEBHOOK)
    return found


def address_of(member: Member) -> Address | None:
    """Where a message to the member goes: the first configured channel they can be reached on
    (email needs an email address, the webhook a phone number); None when there is none.
    Any object with the member's `email` and `phone` will do (a row of those columns)."""
    for channel in channels():
        if channel == MessageChannel.EMAIL and member.email:
            return Address(channel, member.email.strip())
        if channel == MessageChannel.WEBHOOK and member.phone:
            return Address(channel, member.phone.strip())
    return None


def may_contact(member: Member) -> bool:
    """Contact consent given, and an address on a configured channel."""
    return bool(member.consent_contact) and address_of(member) is not None


def enqueue(member: Member, draft: Draft, *, actor: User | None = None) -> bool:
    """Add the message to the session's transaction (the caller commits it with its event);
    True when queued, False when the member may not be contacted or a message with the same
    `dedupe_key` already exists (this never raises on such a duplicate, even when two
    transactions race: the database keeps one)."""
    address = address_of(member) if member.consent_contact else None
    if address is None:
        return False
    now = utcnow()
    values = dict(
        club_id=member.club_id, member_id=member.id, kind=draft.kind.value,
        channel=address.channel.value, recipient=address.recipient, locale=draft.locale,
        subject=draft.subject[:MAX_SUBJECT], body=draft.body, context=draft.context,
        dedupe_key=draft.dedupe_key, status=MessageStatus.QUEUED.value, attempts=0,
        next_attempt_at=now, last_error="", cancel_reason="", created_at=now,
        created_by_id=actor.id if actor is not None else None, updated_at=now)
    table = OutboxMessage.__table__
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    # The new row's id comes back only when it was written; rowcount cannot tell (psycopg
    # reports -1 for an INSERT ... RETURNING, which SQLAlchemy adds for the primary key).
    inserted = db.session.execute(
        insert.values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(table.c.id)).scalar()
    return inserted is not None


def cancel_queued(reason: str, *, member_id: int, kinds: list[MessageKind] | None = None,
                  context: dict[str, Any] | None = None) -> int:
    """Cancel the member's queued messages of some kinds (all kinds when None), optionally
    only those whose context holds all of `context`'s items; returns how many. Part of the
    caller's transaction. A message already claimed by a run is not touched here: the sender
    checks consent (and, for eligibility reminders, eligibility) again just before it sends."""
    query = sa.select(OutboxMessage).where(
        OutboxMessage.member_id == member_id,
        OutboxMessage.status == MessageStatus.QUEUED)
    if kinds:
        query = query.where(OutboxMessage.kind.in_(kinds))
    count = 0
    for message in db.session.scalars(query):
        if context and any(message.context.get(k) != v for k, v in context.items()):
            continue
        message.status = MessageStatus.CANCELLED
        message.cancel_reason = reason[:200]
        count += 1
    return count


@dataclass
class SendReport:
    """What one `send_due` run did: messages sent, put back for a retry, given up on, cancelled
    before sending; and due messages left queued because their club is in quiet hours."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    held_quiet: int = 0


def send_due(*, now: datetime | None = None, worker: str | None = None,
             limit: int | None = None) -> SendReport:
    """Send every due queued message (or until `limit` are sent), batch by batch, committing
    after each message so a crash never forgets one that went out.

    First takes back claims older than REMINDER_CLAIM_MINUTES (a run that died). Messages of a
    club in quiet hours are not claimed. Each claimed message is checked again just before
    sending (reminders.reason_not_to_send: consent, the member's status, ...) and cancelled
    with the reason when it must not go. A temporary failure puts it back with back-off
    (retry_delay); a permanent one, or REMINDER_MAX_ATTEMPTS attempts, marks it failed with
    the error. One bad message never stops the run: only a database that cannot be reached
    raises (sqlalchemy's OperationalError or InterfaceError). `now` fixes the clock (tests).
    """
    clock: Callable[[], datetime] = (lambda: now.astimezone(UTC)) if now else utcnow
    worker = (worker or f"{socket.gethostname()}:{os.getpid()}")[:100]
    batch_size = current_app.config["REMINDER_BATCH_SIZE"]
    report = SendReport()
    take_back_stale_claims(now=clock())
    report.held_quiet = _count_due(clock(), quiet_club_ids(clock()))
    while limit is None or report.sent < limit:
        batch = batch_size if limit is None else min(batch_size, limit - report.sent)
        token, claimed = _claim(clock(), worker, batch)
        if not claimed:
            break
        for message_id in claimed:
            outcome = _send_claimed(message_id, token, clock)
            if outcome is not None:
                setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def retry_delay(attempts: int) -> timedelta:
    """How long a message waits after its `attempts`-th failed attempt: REMINDER_RETRY_MINUTES,
    doubled each time (5, 10, 20, 40 ... minutes), never more than six hours."""
    minutes = current_app.config["REMINDER_RETRY_MINUTES"] * 2 ** min(max(attempts - 1, 0), 16)
    return min(timedelta(minutes=minutes), MAX_RETRY_DELAY)


def in_quiet_hours(local: time, quiet_from: time | None, quiet_until: time | None) -> bool:
    """Whether a local wall-clock time falls in [quiet_from, quiet_until); the span may cross
    midnight (21:00-08:00). Either bound None, or both equal: no quiet hours."""
    if quiet_from is None or quiet_until is None or quiet_from == quiet_until:
        return False
    if quiet_from < quiet_until:
        return quiet_from <= local < quiet_until
    return local >= quiet_from or local < quiet_until


def quiet_club_ids(now: datetime) -> list[int]:
    """The clubs with queued messages that are in their quiet hours at `now`, each in its own
    time zone (a zone Python does not know counts as UTC, logged)."""
    waiting = sa.select(OutboxMessage.club_id).where(
        OutboxMessage.status == MessageStatus.QUEUED).distinct()
    rows = db.session.execute(sa.select(Club.id, Club.slug, Club.timezone, Club.quiet_from,
                                        Club.quiet_until).where(Club.id.in_(waiting))).all()
    quiet = []
    for row in rows:
        zone = zone_named(row.timezone)
        if zone is None:
            current_app.logger.warning("Club %s: unknown time zone %r, quiet hours read in UTC",
                                       row.slug, row.timezone)
            zone = UTC
        if in_quiet_hours(now.astimezone(zone).time(), row.quiet_from, row.quiet_until):
            quiet.append(row.id)
    return quiet


def take_back_stale_claims(*, now: datetime) -> int:
    """Put messages claimed longer than REMINDER_CLAIM_MINUTES ago back in the queue (the run
    that claimed them died), counting the attempt: a message that kills every run that tries
    it ends failed after REMINDER_MAX_ATTEMPTS. Returns how many; commits."""
    cutoff = now - timedelta(minutes=current_app.config["REMINDER_CLAIM_MINUTES"])
    stale = db.session.execute(sa.select(
        OutboxMessage.id, OutboxMessage.claim_token, OutboxMessage.claimed_by,
        OutboxMessage.claimed_at, OutboxMessage.attempts).where(
        OutboxMessage.status == MessageStatus.SENDING, OutboxMessage.claimed_at < cutoff)).all()
    taken = 0
    for row in stale:
        attempts = row.attempts + 1
        given_up = attempts >= current_app.config["REMINDER_MAX_ATTEMPTS"]
        error = (f"claimed by {row.claimed_by} at {as_utc(row.claimed_at):%Y-%m-%d %H:%M} UTC "
                 "and not finished within the claim's lease (the run died?)")
        # Only if nobody took it back meanwhile: the claim token is the row's version.
        result = db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == row.id, OutboxMessage.claim_token == row.claim_token,
                   OutboxMessage.status == MessageStatus.SENDING)
            .values(status=MessageStatus.FAILED if given_up else MessageStatus.QUEUED,
                    attempts=attempts, last_error=error, next_attempt_at=now,
                    claim_token=None, updated_at=now)
            .execution_options(synchronize_session=False))
        taken += result.rowcount
    db.session.commit()
    return taken


def _count_due(now: datetime, club_ids: list[int]) -> int:
    if not club_ids:
        return 0
    return db.session.scalar(sa.select(sa.func.count()).where(
        OutboxMessage.status == MessageStatus.QUEUED, OutboxMessage.next_attempt_at <= now,
        OutboxMessage.club_id.in_(club_ids)))


def _claim(now: datetime, worker: str, batch: int) -> tuple[str, list[int]]:
    """Mark up to `batch` due messages as this run's and commit; returns the claim token and
    the claimed ids in sending order."""
    token = uuid.uuid4().hex
    due = sa.select(OutboxMessage.id).where(
        OutboxMessage.status == MessageStatus.QUEUED, OutboxMessage.next_attempt_at <= now)
    quiet = quiet_club_ids(now)
    if quiet:
        due = due.where(OutboxMessage.club_id.not_in(quiet))
    due = due.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(batch)
    if db.session.get_bind().dialect.name == "postgresql":
        # Lock the batch first, skipping rows another run holds (never waiting for them),
        # then mark it: the locks last until the commit. Not one UPDATE ... WHERE id IN
        # (SELECT ... LIMIT): PostgreSQL may run that subquery again for every row it
        # updates, so one run would claim far more than a batch.
        chosen = db.session.scalars(due.with_for_update(skip_locked=True)).all()
        mine = OutboxMessage.id.in_(chosen)
    else:
        # SQLite has no row locks: the UPDATE takes the database's write lock, so claims run
        # one at a time and each sees the ones before it.
        mine = OutboxMessage.id.in_(due.scalar_subquery())
    db.session.execute(
        sa.update(OutboxMessage)
        .where(mine, OutboxMessage.status == MessageStatus.QUEUED)
        .values(status=MessageStatus.SENDING, claim_token=token, claimed_by=worker,
                claimed_at=now, updated_at=now)
        .execution_options(synchronize_session=False))
    db.session.commit()
    claimed = db.session.scalars(sa.select(OutboxMessage.id).where(
        OutboxMessage.claim_token == token).order_by(
        OutboxMessage.next_attempt_at, OutboxMessage.id)).all()
    db.session.rollback()  # end the read, hold nothing while sending
    return token, list(claimed)


def _send_claimed(message_id: int, token: str, clock: Callable[[], datetime]) -> str | None:
    """Check, deliver and record one claimed message, committed; returns the SendReport field
    to count it in, or None when the claim was lost (taken back after the lease)."""
    from . import reminders  # it queues through this module: imported once both are loaded

    try:
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        if (message is None or message.claim_token != token
                or message.status != MessageStatus.SENDING):
            db.session.rollback()
            return None
        now = clock()
        reason = reminders.reason_not_to_send(message, now)
        if reason:
            message.status, message.cancel_reason = MessageStatus.CANCELLED, reason[:200]
            outcome = "cancelled"
        else:
            try:
                delivery.deliver(message)
            except delivery.DeliveryFailed as failure:
                outcome = _record_failure(message, failure.reason, failure.temporary, clock())
            else:
                message.status, message.sent_at = MessageStatus.SENT, clock()
                outcome = "sent"
        message.updated_at = clock()
        db.session.commit()
        return outcome
    except (sa.exc.OperationalError, sa.exc.InterfaceError):
        db.session.rollback()
        raise
    except Exception as error:  # noqa: BLE001 - a bug for one message must not stop the run
        db.session.rollback()
        current_app.logger.exception("Outbox message %s could not be processed", message_id)
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        if message is None:
            return None
        outcome = _record_failure(message, f"internal error: {type(error).__name__}: {error}",
                                  True, clock())
        message.updated_at = clock()
        db.session.commit()
        return outcome


def _record_failure(message: OutboxMessage, reason: str, temporary: bool,
                    now: datetime) -> str:
    message.attempts += 1
    message.last_error = reason
    if temporary and message.attempts < current_app.config["REMINDER_MAX_ATTEMPTS"]:
        message.status, message.claim_token = MessageStatus.QUEUED, None
        message.next_attempt_at = now + retry_delay(message.attempts)
        return "retrying"
    message.status = MessageStatus.FAILED
    current_app.logger.warning("Outbox message %s failed after %d attempt(s): %s",
                               message.id, message.attempts, reason)
    return "failed"

