"""Password reset by email: a signed, time-limited link, spent once the password changes."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from ..domain.enums import AuditAction, SessionEndReason
from ..extensions import db
from ..models import User
from . import audit, lockout, mail, user_sessions
from .accounts import find_user_by_email
from .errors import InvalidInput, ServiceError
from .invitations import home_club_id
from .languages import mail_language
from .passwords import account_password_problem, hash_password

RESET_PATH = "/auth/reset/"
_SALT = "donorclub.password-reset"


class ResetLinkNotUsable(ServiceError):
    """The link is tampered with, expired or already used; `status` is the HTTP answer
    (400 for a link that was never valid, 410 for one that no longer is)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def valid_for() -> timedelta:
    return timedelta(minutes=current_app.config["PASSWORD_RESET_VALID_MINUTES"])


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)



def reset_link(user: User) -> str:
    """The public address of a fresh reset link for `user` (from BASE_URL)."""
    token = _serializer().dumps([user.id, user.password_fingerprint])
    return current_app.config["BASE_URL"].rstrip("/") + RESET_PATH + token


def request_reset(email: str) -> None:
    """Email a reset link, valid PASSWORD_RESET_VALID_MINUTES, to the active account with this
    address (case-insensitive), and audit it.

    An unknown or deactivated address gets no mail and no error, so the answer never tells
    whether an account exists. Raises mail.MailNotSent when the mail server fails.
    """
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    minutes = current_app.config["PASSWORD_RESET_VALID_MINUTES"]
    with force_locale(mail_language(user)):
        body = _(
            "Hello %(name)s,\n\n"
            "Someone, probably you, asked to reset the password of the donorclub account "
            "%(email)s. To choose a new password, open this link within %(minutes)d minutes:\n\n"
            "%(link)s\n\n"
            "The link works once. If you did not ask for it, ignore this email: your password "
            "stays as it is.\n",
            name=user.name or user.email, email=user.email, minutes=minutes,
            link=reset_link(user),
        )
        subject = _("Reset your donorclub password")
    mail.send_email(user.email, subject, body)
    # The request is anonymous: whoever typed the address is not known to be the user.
    audit.record(None, AuditAction.PASSWORD_RESET_REQUEST, user, club_id=home_club_id(user))
    db.session.commit()


def read_reset_link(token: str) -> User:
    """The account a reset link is for. Raises ResetLinkNotUsable (tampered or unknown: 400;
    expired, used or deactivated: 410)."""
    return _load(token, lock=False)


def reset_password(token: str, password: str) -> User:
    """Set a new password from a valid reset link, which is spent by doing so; every session
    of the account ends and a sign-in lock (services/lockout.py) is lifted.

    Raises ResetLinkNotUsable, or InvalidInput (field `password`) for a password the policy
    refuses.
    """
    user = _load(token, lock=True)
    if problem := account_password_problem(user, password):
        db.session.rollback()  # release the row lock taken above
        raise InvalidInput(problem, {"password": problem})
    user.password_hash = hash_password(password)
    lockout.clear(user)  # whoever holds the link may sign in at once
    user_sessions.end_all_sessions(user, SessionEndReason.PASSWORD)
    audit.record(user, AuditAction.PASSWORD_RESET, user, club_id=home_club_id(user))
    db.session.commit()
    return user


def _load(token: str, *, lock: bool) -> User:
    invalid = _("This password reset link is not valid. Check that it was copied completely, "
                "or ask for a new one.")
    try:
        user_id, fingerprint = _serializer().loads(
            token, max_age=int(valid_for().total_seconds())
        )
    except SignatureExpired:
        raise ResetLinkNotUsable(
            _("This password reset link has expired. Ask for a new one."), 410
        ) from None
    except (BadData, TypeError, ValueError):
        raise ResetLinkNotUsable(invalid, 400) from None
    user = None
    if isinstance(user_id, int):
        user = db.session.get(User, user_id, with_for_update=lock)
    if user is None:
        raise ResetLinkNotUsable(invalid, 400)
    if fingerprint != user.password_fingerprint:
        raise ResetLinkNotUsable(
            _("This password reset link has already been used. Sign in with your password, "
              "or ask for a new link."), 410
        )
    if not user.active:
        raise ResetLinkNotUsable(_("This account has been deactivated."), 410)
    return user
