"""Administration: clubs, their coordinators, member logins by invitation, (de)activation."""
from __future__ import annotations

import re
import zoneinfo
from datetime import time
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..domain.enums import AuditAction, Role, SessionEndReason
from ..extensions import db
from ..models import Club, Member, User
from ..models.search import contains_text
from . import audit, invitations, user_sessions
from .access import can_manage_club
from .accounts import find_user_by_email, normalize_email
from .errors import InvalidInput, NotFound, PermissionDenied
from .rules import rule_sets

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX = 60
NAME_MAX = 200
ACCOUNT_STATUSES = ("active", "pending", "deactivated")
# (from, until) in the club's time zone; (None, None): messages leave at any time.
QuietHours = tuple[time | None, time | None]
DEFAULT_QUIET_HOURS: QuietHours = (time(21, 0), time(8, 0))


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    """IANA zone names this system knows (read from disk once)."""
    return frozenset(zoneinfo.available_timezones())


def _require_admin(actor: User | None) -> None:
    if actor is None or not actor.is_admin:
        raise PermissionDenied(_("Only administrators may do that."))


def _settings_problems(name: str, rule_set: str, locale: str, timezone: str) -> dict[str, str]:
    problems = {}
    if not name:
        problems["name"] = _("Give the club a name.")
    elif len(name) > NAME_MAX:
        problems["name"] = _("Use at most %(n)d characters.", n=NAME_MAX)
    if rule_set not in rule_sets():
        problems["rule_set"] = _("Choose one of the rule sets offered.")
    if locale not in current_app.config["LANGUAGES"]:
        problems["locale"] = _("Choose English or Simplified Chinese.")
    if timezone not in time_zones():
        problems["timezone"] = _("Enter a time zone such as Asia/Shanghai or Europe/London.")
    return problems


def _quiet_hours_problems(quiet_hours: QuietHours) -> dict[str, str]:
    """Both times or neither; the span may cross midnight but cannot be empty."""
    start, end = quiet_hours
    if start is None and end is None:
        return {}
    if start is None:
        return {"quiet_from": _("Enter when the quiet hours begin, or leave both times empty.")}
    if end is None:
        return {"quiet_until": _("Enter when the quiet hours end, or leave both times empty.")}
    if start == end:
        return {"quiet_until": _("The quiet hours must end at another time than they begin.")}
    return {}


def _flush_or_field_error(field: str, message: str) -> None:
    """Write the new rows; a unique value another request took in the meantime (after our own
    check) becomes the same field error the check gives."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise InvalidInput(message, {field: message}) from exc


def create_club(actor: User | None, *, name: str, slug: str, rule_set: str, locale: str,
                timezone: str, quiet_hours: QuietHours = DEFAULT_QUIET_HOURS,
                as_system: bool = False) -> Club:
    """A new club. The slug is lowercase letters, digits and single hyphens, and unique; the
    rule set, language and time zone must be known; the quiet hours (local times when no
    message leaves) are both given or both None. Raises InvalidInput (with every field's
    problem at once) or PermissionDenied for non-admins; `as_system` (the command line, run
    by whoever operates the installation) creates it with no acting account."""
    if not (as_system and actor is None):  # the command line acts as the system
        _require_admin(actor)
    name, slug, timezone = name.strip(), slug.strip(), timezone.strip()
    problems = _settings_problems(name, rule_set, locale, timezone)
    problems |= _quiet_hours_problems(quiet_hours)
    taken = _("Another club already uses this slug.")
    if not SLUG_PATTERN.fullmatch(slug) or len(slug) > SLUG_MAX:
        problems["slug"] = _("Use lowercase letters, digits and hyphens (at most %(n)d).",
                             n=SLUG_MAX)
    elif db.session.scalar(sa.select(Club.id).where(Club.slug == slug)) is not None:
        problems["slug"] = taken
    if problems:
        raise InvalidInput(_("The club was not created."), problems)
    club = Club(name=name, slug=slug, rule_set=rule_set, locale=locale, timezone=timezone)
    db.session.add(club)
    _flush_or_field_error("slug", taken)
    # After the insert: the ORM leaves a None out of it, and the columns' defaults would win.
    club.quiet_from, club.quiet_until = quiet_hours
    audit.record(actor, AuditAction.CREATE, club, club_id=club.id, after=audit.snapshot(club))
    db.session.commit()
    return club


def update_club(actor: User, club: Club, *, name: str, rule_set: str, locale: str,
                timezone: str, quiet_hours: QuietHours | None = None) -> Club:
    """Change a club's name, rule set, language, time zone or quiet hours (None keeps them;
    the slug stays, so links do). Raises InvalidInput or PermissionDenied."""
    _require_admin(actor)
    name, timezone = name.strip(), timezone.strip()
    problems = _settings_problems(name, rule_set, locale, timezone)
    if quiet_hours is not None:
        problems |= _quiet_hours_problems(quiet_hours)
    if problems:
        raise InvalidInput(_("The club was not changed."), problems)
    before = audit.snapshot(club)
    club.name, club.rule_set, club.locale, club.timezone = name, rule_set, locale, timezone
    if quiet_hours is not None:
        club.quiet_from, club.quiet_until = quiet_hours
    old, new = audit.changed(before, audit.snapshot(club))
    if new:
        audit.record(actor, AuditAction.UPDATE, club, club_id=club.id, before=old, after=new)
        db.session.commit()
    return club


def _invite_new(actor: User, user: User, club_id: int) -> invitations.Invitation:
    db.session.add(user)
    _flush_or_field_error("email", _("An account with this email already exists."))
    invitation = invitations.issue(user)
    audit.record(actor, AuditAction.INVITE, user, club_id=club_id,
                 after=audit.snapshot(user))
    return invitation


def add_coordinator(actor: User, club: Club, *, email: str,
                    name: str = "") -> tuple[User, invitations.Invitation | None]:
    """Make the account with this email a coordinator of the club, creating it (with no
    password, and an invitation link to set one) when there is none yet. Raises InvalidInput
    (field `email`) for admins, member logins and existing coordinators of the club."""
    _require_admin(actor)
    email = normalize_email(email)
    user, invitation = find_user_by_email(email), None
    problem = None
    if user is None:
        user = User(email=email, role=Role.COORDINATOR, name=name.strip()[:120],
                    password_hash=None)
        db.session.add(user)
        user.clubs.append(club)
        invitation = _invite_new(actor, user, club.id)
    elif user.role == Role.ADMIN:
        problem = _("%(email)s is an administrator and already sees every club.", email=email)
    elif user.role == Role.MEMBER:
        problem = _("%(email)s is a member's login; use another address.", email=email)
    elif club in user.clubs:
        problem = _("%(email)s already coordinates this club.", email=email)
    else:
        user.clubs.append(club)
    if problem:
        raise InvalidInput(problem, {"email": problem})
    audit.record(actor, AuditAction.COORDINATOR_ADD, user, club_id=club.id,
                 after={"club": club.slug, "email": user.email})
    db.session.commit()
    return user, invitation


def remove_coordinator(actor: User, club: Club, user_id: int) -> User:
    """Take a coordinator off the club; the account stays. Raises NotFound if they are not
    one of its coordinators."""
    _require_admin(actor)
    user = db.session.get(User, user_id)
    if user is None or club not in user.clubs:
        raise NotFound(_("That person does not coordinate this club."))
    user.clubs.remove(club)
    audit.record(actor, AuditAction.COORDINATOR_REMOVE, user, club_id=club.id,
                 before={"club": club.slug, "email": user.email})
    db.session.commit()
    return user


def invite_member_login(actor: User, club: Club, *, member_no: str,
                        email: str = "") -> invitations.Invitation:
    """A login for the club's member with this number, with an invitation link to set its
    password. The email defaults to the member's recorded one. Raises InvalidInput (fields
    `member_no`, `email`) or NotFound when the actor does not manage the club."""
    if not can_manage_club(actor, club):
        raise NotFound(_("Club not found."))
    member = db.session.scalar(sa.select(Member).where(
        Member.club_id == club.id, Member.member_no == member_no.strip()))
    if member is None:
        message = _("No member of this club has that number.")
        raise InvalidInput(message, {"member_no": message})
    if member.user is not None:
        message = _("This member already has a login (%(email)s).", email=member.user.email)
        raise InvalidInput(message, {"member_no": message})
    if not (email or "").strip() and not member.email:
        message = _("The member has no email address on record; enter one.")
        raise InvalidInput(message, {"email": message})
    email = normalize_email(email.strip() or member.email)
    taken = _("An account with this email already exists.")
    if find_user_by_email(email) is not None:
        raise InvalidInput(taken, {"email": taken})
    user = User(email=email, role=Role.MEMBER, name=member.full_name, member=member,
                password_hash=None)
    invitation = _invite_new(actor, user, club.id)
    db.session.commit()
    return invitation


def get_account(actor: User, user_id: int) -> User:
    """An account the actor may manage: admins any, coordinators their clubs' member logins.
    NotFound otherwise, whether or not it exists."""
    user = db.session.get(User, user_id)
    if user is None or not (
        actor.is_admin
        or (user.member is not None and can_manage_club(actor, user.member.club))
    ):
        raise NotFound(_("Account not found."))
    return user


def renew_invitation(actor: User, user: User) -> invitations.Invitation:
    """A new link for an active account that has not set its password yet (earlier links keep
    working until one is used or they expire). Raises InvalidInput otherwise."""
    if not user.active or user.password_hash is not None:
        raise InvalidInput(_("Only active accounts still waiting for a password get a link."))
    invitation = invitations.issue(user)
    audit.record(actor, AuditAction.INVITE, user, club_id=invitations.home_club_id(user))
    db.session.commit()
    return invitation


def _set_active(actor: User, user: User, active: bool) -> None:
    _require_admin(actor)
    if user.id == actor.id:
        raise InvalidInput(_("You cannot deactivate your own account."))
    if user.active == active:
        return
    user.active = active
    if not active:
        user_sessions.end_all_sessions(user, SessionEndReason.DEACTIVATED)
    action = AuditAction.REACTIVATE if active else AuditAction.DEACTIVATE
    audit.record(actor, action, user, club_id=invitations.home_club_id(user),
                 before={"active": not active}, after={"active": active})
    db.session.commit()


def deactivate_user(actor: User, user: User) -> None:
    """Stop an account from signing in (its open sessions end at once and its API tokens stop
    working). Admins only, never their own account. Raises InvalidInput."""
    _set_active(actor, user, False)


def reactivate_user(actor: User, user: User) -> None:
    """Let a deactivated account sign in again. Admins only."""
    _set_active(actor, user, True)


def _with_status(query, status: str):
    if status == "active":
        return query.where(User.active.is_(True), User.password_hash.is_not(None))
    if status == "pending":
        return query.where(User.active.is_(True), User.password_hash.is_(None))
    if status == "deactivated":
        return query.where(User.active.is_(False))
    return query


def list_accounts(*, role: str = "", status: str = "", q: str = "", page: int = 1,
                  per_page: int = 50):
    """A page of every account by email, narrowed by role, status and part of email or name."""
    query = sa.select(User).options(selectinload(User.clubs),
                                    selectinload(User.member).selectinload(Member.club))
    if role in {r.value for r in Role}:
        query = query.where(User.role == role)
    if q := q.strip():
        query = query.where(sa.or_(contains_text(User.email, q), contains_text(User.name, q)))
    query = _with_status(query, status).order_by(User.email)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def member_logins(club: Club, *, page: int = 1, per_page: int = 50):
    """A page of the club's member logins by member number."""
    query = (sa.select(User).join(Member, User.member_id == Member.id)
             .where(Member.club_id == club.id).options(selectinload(User.member))
             .order_by(Member.member_no))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def staff_accounts(club: Club | None = None, *, including: int | None = None) -> list[User]:
    """Admins and coordinators (only the club's when a club is given), by email, plus the
    account with the id `including` if there is one (to filter the whole log by a member)."""
    staff = User.role.in_([Role.ADMIN, Role.COORDINATOR])
    if club is not None:
        staff = sa.or_(User.role == Role.ADMIN,
                       sa.and_(User.role == Role.COORDINATOR, User.clubs.any(Club.id == club.id)))
    if including is not None:
        staff = sa.or_(staff, User.id == including)
    return list(db.session.scalars(sa.select(User).where(staff).order_by(User.email)))
