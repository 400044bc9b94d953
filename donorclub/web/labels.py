"""Words people read for the stored codes (kinds, sex, status), in one place for translation."""
from __future__ import annotations

from enum import Enum

from flask import g, has_app_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ..domain.enums import (
    DonationKind,
    MemberStatus,
    ReferralStatus,
    Registry,
    Sex,
)

LABELS = {
    DonationKind.WHOLE_BLOOD: _l("Whole blood"),
    DonationKind.PLATELETS: _l("Platelets"),
    DonationKind.PLASMA: _l("Plasma"),
    DonationKind.DOUBLE_RED: _l("Double red cells"),
    Sex.FEMALE: _l("Female"),
    Sex.MALE: _l("Male"),
    MemberStatus.ACTIVE: _l("Active"),
    MemberStatus.INACTIVE: _l("Inactive"),
    MemberStatus.LEFT: _l("Left the club"),
    MemberStatus.DECEASED: _l("Deceased"),
    Registry.CMDP: _l("China Marrow Donor Program"),
    Registry.NMDP: _l("NMDP"),
    Registry.DKMS: _l("DKMS"),
    Registry.ANTHONY_NOLAN: _l("Anthony Nolan"),
    Registry.OTHER: _l("Other registry"),
    ReferralStatus.REFERRED: _l("Referred"),
    ReferralStatus.CONSENTED: _l("Consented"),
    ReferralStatus.SAMPLED: _l("Sample taken"),
    ReferralStatus.TYPED: _l("Typed"),
    ReferralStatus.LISTED: _l("Listed"),
    ReferralStatus.PRELIMINARY_MATCH: _l("Preliminary match"),
    ReferralStatus.CONFIRMATORY_TYPING: _l("Confirmatory typing"),
    ReferralStatus.WORKUP: _l("Work-up"),
    ReferralStatus.DONATED: _l("Donated"),
    ReferralStatus.FOLLOW_UP: _l("Follow-up"),
    ReferralStatus.WITHDRAWN: _l("Withdrawn"),
    ReferralStatus.MEDICALLY_DEFERRED: _l("Medically deferred"),
    ReferralStatus.LOST_CONTACT: _l("Lost contact"),
    ReferralStatus.AGED_OUT: _l("Aged out"),
}
_BY_VALUE = {(type(code), code.value): text for code, text in LABELS.items()}


def request_memo(name: str) -> dict:
    """A dict that lives as long as the app context (one per request): pages format the same
    few codes and days hundreds of times, and each lookup of the locale and catalogue through
    Flask-Babel costs more than the formatting. Keys must include the locale, which
    force_locale can change within a request. Outside an app context it remembers nothing."""
    return g.setdefault(name, {}) if has_app_context() else {}


def label(code: Enum | str | None) -> str:
    """The readable, translated word for a code; an unknown code is shown as it is."""
    if code is None:
        return ""
    key = (get_locale(), type(code), code)
    memo = request_memo("_donorclub_labels")
    text = memo.get(key)
    if text is None:
        text = memo[key] = _translated(code)
    return text


def _translated(code: Enum | str) -> str:
    if isinstance(code, Enum):
        return str(LABELS.get(code, code.value))
    for (_, value), text in _BY_VALUE.items():
        if value == code:
            return str(text)
    return code

