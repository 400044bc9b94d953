"""Words people read for the stored codes (kinds, sex, status), in one place for translation."""
from __future__ import annotations

from enum import Enum

from flask_babel import lazy_gettext as _l

from ..domain.enums import DonationKind, MemberStatus, Sex

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
}
_BY_VALUE = {(type(code), code.value): text for code, text in LABELS.items()}


def label(code: Enum | str | None) -> str:
    """The readable, translated word for a code; an unknown code is shown as it is."""
    if code is None:
        return ""
    if isinstance(code, Enum):
        return str(LABELS.get(code, code.value))
    for (_, value), text in _BY_VALUE.items():
        if value == code:
            return str(text)
    return code
