"""Account lockout: after LOGIN_LOCKOUT_ATTEMPTS failed sign-ins in a row an account refuses
every sign-in, even with the right password, for LOGIN_LOCKOUT_MINUTES.

An email address without an account is answered exactly alike, so the lock does not tell
who has an account: its failures are counted from the audit log, which records each of them
with the address. A successful sign-in ends the run of failures; a password set through a
reset or invitation link, or an admin, lifts a lock.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from ..domain.enums import AuditAction
from ..extensions import db
from ..models import AuditEvent, User
from ..models.types import as_utc, utcnow
from . import audit
from .errors import InvalidInput, PermissionDenied, ServiceError
from .invitations import home_club_id


class AccountLocked(ServiceError):
    """Sign-in is refused for this address until `until` (aware UTC)."""

    def __init__(self, until: datetime, now: datetime):
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        super().__init__(ngettext(
            "Too many failed sign-ins for this account. Try again in %(num)d minute, or set a "
            "new password with “Forgot your password?”.",
            "Too many failed sign-ins for this account. Try again in %(num)d minutes, or set a "
            "new password with “Forgot your password?”.",
            minutes,
        ))
        self.until = until


def _attempts() -> int:
    return current_app.config["LOGIN_LOCKOUT_ATTEMPTS"]


def _duration() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])


def locked_until(user: User, now: datetime) -> datetime | None:
    """When the account's lock ends, or None when it is not locked at `now`."""
    until = as_utc(user.locked_until) if user.locked_until is not None else None
    return until if until is not None and until > now else None


def locked_ids(users: Iterable[User]) -> set[int]:
    """The ids of those of these accounts that are locked now."""
    now = utcnow()
    return {user.id for user in users if locked_until(user, now) is not None}


def record_failure(user: User, now: datetime) -> datetime | None:
    """Count a failed sign-in of the account (one atomic UPDATE, so concurrent failures all
    count) and lock it when the run reaches LOGIN_LOCKOUT_ATTEMPTS; return when that lock
    ends, or None. The caller commits."""
    count = db.session.execute(
        sa.update(User).where(User.id == user.id)
        .values(failed_logins=User.failed_logins + 1).returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    db.session.expire(user, ["failed_logins", "locked_until"])
    if count < _attempts():
        return None
    until = now + _duration()
    # Only the request that finds the run still long enough locks and audits it; one that
    # raced it finds the count already back at zero.
    locked = db.session.execute(
        sa.update(User).where(User.id == user.id, User.failed_logins >= _attempts())
        .values(failed_logins=0, locked_until=until)
        .execution_options(synchronize_session=False)
    ).rowcount
    if locked:
        audit.record(None, AuditAction.LOGIN_LOCKED, user, club_id=home_club_id(user),
                     after={"until": until.isoformat(), "failed_logins": count})
    return until


def record_success(user: User) -> None:
    """A successful sign-in ends the run of failures. The caller commits."""
    if user.failed_logins or user.locked_until is not None:
        user.failed_logins, user.locked_until = 0, None


def clear(user: User) -> None:
    """Lift any lock and forget the failures (a new password was set). The caller commits."""
    user.failed_logins, user.locked_until = 0, None


def _unknown_address(email: str):
    """Audit events about sign-ins to an address that has no account."""
    return (AuditEvent.entity_type == "users", AuditEvent.entity_id.is_(None),
            AuditEvent.actor_id.is_(None), AuditEvent.after["email"].as_string() == email)


def address_locked_until(email: str, now: datetime) -> tuple[datetime | None, datetime | None]:
    """For an address without an account: when its lock ends (None when not locked at `now`),
    and when its last lock ended (None if it never had one)."""
    last_lock = db.session.scalar(
        sa.select(sa.func.max(AuditEvent.occurred_at))
        .where(AuditEvent.action == AuditAction.LOGIN_LOCKED, *_unknown_address(email))
    )
    if last_lock is None:
        return None, None
    ends = as_utc(last_lock) + _duration()
    return (ends, ends) if ends > now else (None, ends)


def record_address_failure(email: str, now: datetime, last_lock_ended: datetime | None
                           ) -> datetime | None:
    """Count a failed sign-in to an address without an account, whose LOGIN_FAILED event the
    caller has added, and lock it as an account would be; return when that lock ends, or
    None. The caller commits."""
    db.session.flush()
    failures = sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == AuditAction.LOGIN_FAILED, *_unknown_address(email))
    if last_lock_ended is not None:
        failures = failures.where(AuditEvent.occurred_at >= last_lock_ended)
    if db.session.scalar(failures) < _attempts():
        return None
    until = now + _duration()
    audit.record(None, AuditAction.LOGIN_LOCKED, "users",
                 after={"email": email, "until": until.isoformat()})
    return until


def unlock(actor: User, user: User) -> None:
    """Lift an account's lock before it ends. Admins only (PermissionDenied); InvalidInput
    when the account is not locked."""
    if actor is None or not actor.is_admin:
        raise PermissionDenied(_("Only administrators may do that."))
    until = locked_until(user, utcnow())
    if until is None:
        raise InvalidInput(_("%(email)s is not locked.", email=user.email))
    clear(user)
    audit.record(actor, AuditAction.UNLOCK, user, club_id=home_club_id(user),
                 before={"locked_until": until.isoformat()}, after={"locked_until": None})
    db.session.commit()
