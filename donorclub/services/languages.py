"""The language a person reads donorclub in: the choice they make with the switcher."""
from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from ..domain.enums import AuditAction
from ..extensions import db
from ..models import User
from . import audit
from .errors import InvalidInput

# Each language named in itself, so anyone can find their own.
NATIVE_NAMES = {"zh_Hans": "中文", "en": "English"}


def supported() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def check_language(locale: str) -> str:
    """The locale if donorclub speaks it. Raises InvalidInput otherwise."""
    if locale not in supported():
        raise InvalidInput(_("Choose a language."), {"locale": _("Choose a language.")})
    return locale


def choose_language(user: User | None, locale: str) -> str:
    """Remember a signed-in person's language: a member's on their member record (their
    certificates and messages follow it too), staff on their account. Audited when it
    changes. Visitors' choice lives only in their session, which the caller keeps."""
    check_language(locale)
    if user is None or not user.is_authenticated:
        return locale
    target = _holder(user)
    if target.locale != locale:
        before = {"locale": target.locale}
        target.locale = locale
        audit.record(user, AuditAction.UPDATE, target, before=before, after={"locale": locale})
        db.session.commit()
    return locale


def chosen_language(user: User | None) -> str | None:
    """The language this person chose themselves, if they did."""
    if user is None or not user.is_authenticated:
        return None
    locale = _holder(user).locale
    return locale if locale in supported() else None


def _holder(user: User):
    """Where a person's choice is kept: a member's record, or a staff account."""
    return user.member if user.is_member and user.member is not None else user


def preferred_language(user: User | None) -> str | None:
    """A signed-in person's remembered choice, else their club's language, else None."""
    if user is None or not user.is_authenticated:
        return None
    if chosen := chosen_language(user):
        return chosen
    club = None
    if user.is_member and user.member is not None:
        club = user.member.club
    elif user.is_coordinator and user.clubs:
        club = user.clubs[0]
    return club.locale if club is not None and club.locale in supported() else None


def mail_language(user: User) -> str:
    """The language of a mail to `user`: their own choice, else the page's they asked from."""
    return chosen_language(user) or str(get_locale())
