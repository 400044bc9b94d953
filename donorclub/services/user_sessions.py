"""Signed-in sessions: one per sign-in, checked on every request, ended on the server, pruned."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..domain.enums import AuditAction, SessionEndReason
from ..extensions import db
from ..models import User, UserSession
from ..models.types import as_utc, hash_token, utcnow
from ..models.user_session import USER_AGENT_LENGTH
from . import audit
from .errors import InvalidInput, NotFound

# Moving last_seen_at on every request would turn every page view into a write.
TOUCH_EVERY = timedelta(minutes=1)
# Rows of ended sessions stay this long (the sessions page and support questions), then go.
KEEP_FOR = timedelta(days=30)


@dataclass(frozen=True)
class SessionCheck:
    """What a request's session token is worth.

    `usable` sessions have an open `row`. Otherwise `reason` says why not: the row's own end
    reason when it had already ended, the reason found now (idle, expired, password) when it
    is still open and `note_request` must end it, or None when no row matches the token.
    """

    row: UserSession | None
    usable: bool
    reason: SessionEndReason | None = None


@dataclass(frozen=True)
class OpenSession:
    row: UserSession
    current: bool  # the session the asking request belongs to


def idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def lifetime() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_MAX_HOURS"])


def _row_for(token: str | None) -> UserSession | None:
    if not token or not isinstance(token, str):
        return None
    return db.session.scalar(sa.select(UserSession).where(
        UserSession.token_hash == hash_token(token)))


def _over(row: UserSession, now: datetime) -> SessionEndReason | None:
    """Why an open row no longer works at `now` (whichever limit it passed first), or None."""
    idle_end = as_utc(row.last_seen_at) + idle_limit()
    lifetime_end = as_utc(row.created_at) + lifetime()
    if now < idle_end and now < lifetime_end:
        return None
    return SessionEndReason.IDLE if idle_end <= lifetime_end else SessionEndReason.EXPIRED


def _end(row: UserSession, reason: SessionEndReason, now: datetime | None = None) -> None:
    row.ended_at = now or utcnow()
    row.end_reason = reason


def start_session(user: User, user_agent: str = "") -> str:
    """Open a session for a user who has just proved who they are, and return its token for
    the signed cookie (only the token's hash is stored). The user's rows that have been over
    for longer than KEEP_FOR are deleted on the way, so the table does not grow forever."""
    token = secrets.token_urlsafe(32)
    # Printable characters only: PostgreSQL refuses NUL bytes, and nobody needs the rest.
    device = "".join(ch for ch in (user_agent or "") if ch.isprintable())
    db.session.add(UserSession(user_id=user.id, token_hash=hash_token(token),
                               user_agent=device[:USER_AGENT_LENGTH]))
    db.session.execute(_stale_rows(KEEP_FOR, utcnow()).where(UserSession.user_id == user.id),
                       execution_options={"synchronize_session": False})
    db.session.commit()
    return token


def check_session(token: str | None, user: User, *, same_password: bool = True,
                  now: datetime | None = None) -> SessionCheck:
    """Whether `token` names an open session of `user`, used within SESSION_IDLE_MINUTES,
    begun within SESSION_MAX_HOURS and (`same_password`) under the password the user has now.
    Only reads: note_request writes what the check found."""
    row = _row_for(token)
    if row is None or row.user_id != user.id:
        return SessionCheck(None, False)
    if row.ended_at is not None:
        return SessionCheck(row, False, row.end_reason)
    reason = SessionEndReason.PASSWORD if not same_password else _over(row, now or utcnow())
    return SessionCheck(row, reason is None, reason)


def note_request(check: SessionCheck, now: datetime | None = None) -> None:
    """Record a checked request: a usable session was seen now (written at most once per
    TOUCH_EVERY), an open one found over is ended with its reason. Commits only if it wrote."""
    row = check.row
    if row is None or row.ended_at is not None:
        return
    now = now or utcnow()
    if check.usable:
        if now - as_utc(row.last_seen_at) < TOUCH_EVERY:
            return
        row.last_seen_at = now
    else:
        _end(row, check.reason, now)
    db.session.commit()


def sign_out(user: User, token: str | None) -> None:
    """End the session `token` names, so a copy of its cookie stops working too, and audit
    the sign-out."""
    row = _row_for(token)
    if row is not None and row.user_id == user.id and row.ended_at is None:
        _end(row, SessionEndReason.LOGOUT)
    audit.record(user, AuditAction.LOGOUT, user)
    db.session.commit()


def end_all_sessions(user: User, reason: SessionEndReason, *,
                     keep_token: str | None = None) -> int:
    """End every open session of `user` but the one `keep_token` names, and return how many
    ended. The caller audits and commits with the change that calls for it (a new password,
    a deactivation)."""
    keep = hash_token(keep_token) if keep_token else None
    rows = db.session.scalars(sa.select(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)))
    now = utcnow()
    ended = 0
    for row in rows:
        if row.token_hash != keep:
            _end(row, reason, now)
            ended += 1
    return ended


def end_other_sessions(actor: User, current_token: str | None) -> int:
    """"Sign out everywhere else": end every session of the actor but this one, audited with
    how many ended. Returns that number."""
    ended = end_all_sessions(actor, SessionEndReason.EVERYWHERE, keep_token=current_token)
    audit.record(actor, AuditAction.SESSIONS_END, actor, after={"sessions_ended": ended})
    db.session.commit()
    return ended


def end_session(actor: User, session_id: int, current_token: str | None) -> UserSession:
    """End one of the actor's other sessions. Ending an ended one changes nothing. Raises
    NotFound for an unknown id or another user's session (so nobody learns which exist) and
    InvalidInput for the session the request comes from (signing out ends that)."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != actor.id:
        raise NotFound(_("No such session."))
    if current_token and row.token_hash == hash_token(current_token):
        raise InvalidInput(_("This is the session you are using now: sign out to end it."))
    if row.ended_at is None:
        _end(row, SessionEndReason.REVOKED)
        audit.record(actor, AuditAction.SESSION_END, row,
                     after={"user_id": actor.id, "user_agent": row.user_agent})
        db.session.commit()
    return row


def open_sessions(user: User, current_token: str | None,
                  now: datetime | None = None) -> list[OpenSession]:
    """The user's sessions that still work, most recently used first, this one marked."""
    now = now or utcnow()
    current = hash_token(current_token) if current_token else None
    rows = db.session.scalars(
        sa.select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc()))
    return [OpenSession(row, row.token_hash == current) for row in rows
            if _over(row, now) is None]


def _stale_rows(older_than: timedelta, now: datetime):
    """Rows over for longer than `older_than`: ended ones by when they ended, unended ones
    (never signed out, so over when they went idle) by when they were last used."""
    unended_before = now - max(older_than, idle_limit())
    return sa.delete(UserSession).where(sa.or_(
        UserSession.ended_at < now - older_than,
        sa.and_(UserSession.ended_at.is_(None), UserSession.last_seen_at < unended_before)))


def prune_sessions(older_than: timedelta = KEEP_FOR, now: datetime | None = None) -> int:
    """Delete every user's session rows that have been over for longer than `older_than`;
    a session that still works is never deleted. Returns how many went. Raises InvalidInput
    for a negative age."""
    if older_than < timedelta(0):
        raise InvalidInput(_("The age must not be negative."))
    result = db.session.execute(_stale_rows(older_than, now or utcnow()),
                                execution_options={"synchronize_session": False})
    db.session.commit()
    return result.rowcount or 0
