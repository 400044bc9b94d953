"""Invitation links: signed, time-limited tokens to set a first password, usable once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from ..domain.enums import AuditAction
from ..extensions import db
from ..models import User
from ..models.types import utcnow
from . import audit
from .errors import InvalidInput, ServiceError
from .passwords import account_password_problem, hash_password

VALID_FOR = timedelta(days=7)
_SALT = "donorclub.invitation"


class InvitationNotUsable(ServiceError):
    """The link is tampered with, expired or already used; `status` is the HTTP answer
    (400 for a link that was never valid, 410 for one that no longer is)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Invitation:
    """A freshly issued link's token for `user`; the token is not stored, so show it once."""

    user: User
    token: str
    expires_at: datetime


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def home_club_id(user: User) -> int | None:
    """The club an account's events belong to: a member's club, a one-club coordinator's."""
    if user.member is not None:
        return user.member.club_id
    if len(user.clubs) == 1:
        return user.clubs[0].id
    return None



def issue(user: User) -> Invitation:
    """A link token for `user`, valid for VALID_FOR and until the user's password changes.

    The caller records the audit event with the change that made the account.
    """
    db.session.flush()
    token = _serializer().dumps([user.id, user.password_fingerprint])
    return Invitation(user=user, token=token, expires_at=utcnow() + VALID_FOR)


def read_invitation(token: str) -> User:
    """The account a link is for. Raises InvitationNotUsable (tampered or unknown: 400;
    expired, used or deactivated: 410)."""
    return _load(token, lock=False)


def _load(token: str, *, lock: bool) -> User:
    try:
        user_id, fingerprint = _serializer().loads(
            token, max_age=int(VALID_FOR.total_seconds())
        )
    except SignatureExpired:
        raise InvitationNotUsable(
            _("This invitation link has expired. Ask your club's coordinator for a new one."),
            410,
        ) from None
    except (BadData, TypeError, ValueError):
        raise InvitationNotUsable(
            _("This invitation link is not valid. Check that it was copied completely."), 400
        ) from None
    user = None
    if isinstance(user_id, int):
        user = db.session.get(User, user_id, with_for_update=lock)
    if user is None:
        raise InvitationNotUsable(
            _("This invitation link is not valid. Check that it was copied completely."), 400
        )
    if fingerprint != user.password_fingerprint:
        raise InvitationNotUsable(
            _("This invitation link has already been used. Sign in with your password."), 410
        )
    if not user.active:
        raise InvitationNotUsable(_("This account has been deactivated."), 410)
    return user


def accept_invitation(token: str, password: str) -> User:
    """Set the account's password from a valid link; the link is spent by doing so.

    Raises InvitationNotUsable, or InvalidInput (field `password`) for a weak password.
    """
    user = _load(token, lock=True)
    if problem := account_password_problem(user, password):
        db.session.rollback()  # release the row lock taken above
        raise InvalidInput(problem, {"password": problem})
    user.password_hash = hash_password(password)
    # Failures while the account had no password end with it (services/lockout.py).
    user.failed_logins, user.locked_until = 0, None
    user.last_login_at = utcnow()
    audit.record(user, AuditAction.INVITATION_ACCEPT, user, club_id=home_club_id(user))
    audit.record(user, AuditAction.LOGIN, user)
    db.session.commit()
    return user
