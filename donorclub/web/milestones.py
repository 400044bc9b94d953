"""Milestones and progress toward them in the interface's words."""
from __future__ import annotations

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from ..domain.awards import Milestone, Progress
from ..domain.national_awards import NextLevel
from ..services.nomination_exports import level_name


def _n(value: float) -> str:
    return format_decimal(int(value) if float(value).is_integer() else value)


def _plural_count(value) -> int:
    """The whole number that picks the plural form: 1.5 donations are "donations", as 2 are
    (gettext's plural rules take integers only)."""
    return int(value) if float(value).is_integer() else 2


def milestone(value: Milestone) -> str:
    """"40 donations", "10,000 ml of whole blood", "10 referrals listed" ..."""
    n, shown = _plural_count(value.threshold), _n(value.threshold)
    return {
        "donations": lambda: ngettext("%(shown)s donation", "%(shown)s donations", n, shown=shown),
        "whole_blood_ml": lambda: ngettext("%(shown)s ml of whole blood",
                                           "%(shown)s ml of whole blood", n, shown=shown),
        "listed_referrals": lambda: ngettext("%(shown)s referral listed on the registry",
                                             "%(shown)s referrals listed on the registry", n,
                                             shown=shown),
        "marrow_donations": lambda: ngettext("%(shown)s marrow or stem-cell donation",
                                             "%(shown)s marrow or stem-cell donations", n,
                                             shown=shown),
        "volunteer_hours": lambda: ngettext("%(shown)s volunteer hour",
                                            "%(shown)s volunteer hours", n, shown=shown),
    }.get(value.category, lambda: f"{value.category} {shown}")()


def remaining(value: Progress) -> str:
    """"3 more donations", "1,200 ml more" ... to the next milestone."""
    if value.remaining is None:
        return ""
    r, shown = _plural_count(value.remaining), _n(round(value.remaining, 2))
    return {
        "donations": lambda: ngettext("%(shown)s more donation", "%(shown)s more donations", r,
                                      shown=shown),
        "whole_blood_ml": lambda: ngettext("%(shown)s ml more", "%(shown)s ml more", r,
                                           shown=shown),
        "listed_referrals": lambda: ngettext("%(shown)s more referral listed",
                                             "%(shown)s more referrals listed", r,
                                             shown=shown),
        "marrow_donations": lambda: ngettext("%(shown)s more donation", "%(shown)s more donations",
                                             r, shown=shown),
        "volunteer_hours": lambda: ngettext("%(shown)s more hour", "%(shown)s more hours", r,
                                            shown=shown),
    }.get(value.category, lambda: shown)()


def national_label(level: NextLevel) -> str:
    """"Dedication Award, Bronze (铜奖)": the national level a member is heading for."""
    return _("Dedication Award, %(level)s", level=level_name(level.level, level.number))
