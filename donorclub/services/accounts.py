"""Accounts: creating users, signing in, changing passwords, issuing API tokens."""
from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from ..domain.enums import AuditAction, Role, SessionEndReason
from ..extensions import db
from ..models import ApiToken, Club, Member, User
from ..models.types import as_utc, hash_token, utcnow
from . import audit, lockout, user_sessions
from .errors import Conflict, InvalidInput, NotFound
from .passwords import (
    account_password_problem,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)

TOKEN_PREFIX = "dc_"


def normalize_email(email: str) -> str:
    """Validate an address's syntax and return it in the form we store (lower case)."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(str(exc), {"email": _("Enter a valid email address.")}) from exc
    return result.normalized.lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def create_user(
    actor: User | None,
    *,
    email: str,
    role: Role | str,
    password: str | None,
    name: str = "",
    club_slugs: list[str] | tuple[str, ...] = (),
    member_no: str | None = None,
) -> User:
    """Create a login. Coordinators need at least one club; a member login needs the club and
    the member number of the donor it belongs to. Raises InvalidInput, NotFound or Conflict.
    """
    try:
        role = Role(role)
    except ValueError as exc:
        message = _("Choose admin, coordinator or member.")
        raise InvalidInput(message, {"role": message}) from exc
    email = normalize_email(email)
    if find_user_by_email(email) is not None:
        raise Conflict(_("An account with the email %(email)s already exists.", email=email))

    clubs = _clubs_by_slug(club_slugs)
    if role == Role.COORDINATOR and not clubs:
        raise InvalidInput(_("A coordinator needs a club."), {"club": _("Name a club.")})
    if role == Role.ADMIN and clubs:
        raise InvalidInput(_("Admins are not tied to a club."), {"club": _("Leave it empty.")})
    member = _member_for_login(clubs, member_no) if role == Role.MEMBER else None
    name = name.strip() or (member.full_name if member is not None else "")
    # Checked before the account exists, so a refused one leaves nothing in the session.
    if password is not None and (problem := password_problem(
            password, email=email, name=name,
            club_names=[part for club in clubs for part in (club.name, club.slug)])):
        raise InvalidInput(problem, {"password": problem})
    user = User(email=email, role=role, name=name, member=member,
                clubs=clubs if role == Role.COORDINATOR else [])
    user.password_hash = hash_password(password) if password is not None else None

    db.session.add(user)
    audit.record(actor, AuditAction.CREATE, user, after=audit.snapshot(user))
    db.session.commit()
    return user


def _clubs_by_slug(slugs) -> list[Club]:
    clubs = []
    for slug in slugs:
        club = db.session.scalar(sa.select(Club).where(Club.slug == slug))
        if club is None:
            raise NotFound(_("No club with the slug %(slug)s.", slug=slug))
        clubs.append(club)
    return clubs


def _member_for_login(clubs: list[Club], member_no: str | None) -> Member:
    if len(clubs) != 1 or not member_no:
        raise InvalidInput(
            _("A member login needs exactly one club and the member number."),
            {"member_no": _("Give the club and the member number.")},
        )
    member = db.session.scalar(
        sa.select(Member).where(Member.club_id == clubs[0].id, Member.member_no == member_no)
    )
    if member is None:
        raise NotFound(_("No member %(no)s in that club.", no=member_no))
    if member.user is not None:
        raise Conflict(_("Member %(no)s already has a login.", no=member_no))
    return member


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None; every outcome is audited.

    Raises lockout.AccountLocked while sign-in to the address is locked (the password is not
    even checked then), and on the failure that locks it: after LOGIN_LOCKOUT_ATTEMPTS
    failures in a row for an account, and as many for an address without one, so that the
    answers never tell whether an account exists.
    """
    address = email.strip().lower()[:254]
    user = find_user_by_email(email)
    now = utcnow()
    if user is not None:
        until, last_lock_ended = lockout.locked_until(user, now), None
    else:
        until, last_lock_ended = lockout.address_locked_until(address, now)
    if until is not None:
        audit.record(user, AuditAction.LOGIN_FAILED, "users",
                     after={"email": address, "locked": True})
        db.session.commit()
        raise lockout.AccountLocked(until, now)
    # Always one hash, so the time taken tells no unknown or deactivated account apart.
    matches = verify_password(user.password_hash if user is not None else None, password)
    if user is None or not user.active or not matches:
        audit.record(user, AuditAction.LOGIN_FAILED, "users", after={"email": address})
        if user is not None:
            until = lockout.record_failure(user, now)
        else:
            until = lockout.record_address_failure(address, now, last_lock_ended)
        db.session.commit()
        if until is not None:
            raise lockout.AccountLocked(until, now)
        return None
    lockout.record_success(user)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    audit.record(user, AuditAction.LOGIN, user)
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str, *,
                    keep_session: str | None = None) -> None:
    """Replace the password after checking the current one, and end every session of the user
    but the one whose token is `keep_session`. Raises InvalidInput."""
    if not verify_password(user.password_hash, current_password):
        raise InvalidInput(
            _("The current password is not right."),
            {"current_password": _("The current password is not right.")},
        )
    if problem := account_password_problem(user, new_password):
        raise InvalidInput(problem, {"new_password": problem})
    if verify_password(user.password_hash, new_password):
        message = _("Choose a password different from the current one.")
        raise InvalidInput(message, {"new_password": message})
    user.password_hash = hash_password(new_password)
    user_sessions.end_all_sessions(user, SessionEndReason.PASSWORD, keep_token=keep_session)
    audit.record(user, AuditAction.PASSWORD_CHANGE, user)
    db.session.commit()


def issue_api_token(actor: User | None, user: User, label: str = "") -> str:
    """Create a token for `user` and return it; only its hash is kept, so show it once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user=user, token_hash=hash_token(token), label=label.strip()[:120])
    db.session.add(row)
    audit.record(actor, AuditAction.TOKEN_ISSUE, row,
                 after={"user_id": user.id, "label": row.label})
    db.session.commit()
    return token


def user_for_token(token: str) -> User | None:
    """The active user a valid, unrevoked token belongs to."""
    row = db.session.scalar(
        sa.select(ApiToken).where(
            ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.user.active:
        return None
    # When a token was last used is worth a write only once a minute, not per request.
    now = utcnow()
    if row.last_used_at is None or now - as_utc(row.last_used_at) > timedelta(minutes=1):
        row.last_used_at = now
        db.session.commit()
    return row.user

