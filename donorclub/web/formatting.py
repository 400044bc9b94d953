"""Dates, numbers and rule reasons as people read them, in the request's language."""
from __future__ import annotations

from datetime import date, datetime, tzinfo

from babel import dates
from flask_babel import format_date, format_decimal, get_locale, ngettext
from flask_babel import gettext as _

from ..domain.dates import Duration
from ..domain.eligibility import Reason
from ..domain.rulesets import RuleSet
from ..models.types import as_utc
from .labels import label, request_memo

_WINDOWS = {
    "rolling_12_months": lambda: _("any 12 months"),
    "rolling_1_month": lambda: _("any month"),
    "calendar_year": lambda: _("a calendar year"),
}


def day(value: date | None) -> str:
    """10 July 2026, or 2026年7月10日."""
    if value is None:
        return ""
    locale = get_locale()
    pattern = "long" if str(locale).startswith("zh") else "d MMMM y"
    if type(value) is not date or locale is None:
        return format_date(value, pattern)  # a datetime is shifted to the user's zone first
    memo = request_memo("_donorclub_days")
    text = memo.get((locale, value))
    if text is None:
        # What Flask-Babel's format_date does for a plain date (no zone, no configured
        # "date.long"), without its second lookup of the locale and the app's formats.
        text = memo[locale, value] = dates.format_date(value, pattern, locale=locale)
    return text


def local_time(moment: datetime, zone: tzinfo) -> str:
    """A stored time as YYYY-MM-DD HH:MM in the zone (a club's, for staff pages)."""
    return as_utc(moment).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def number(value) -> str:
    return format_decimal(value)


def ml(value) -> str:
    """12,400 ml, or 12,400毫升; a string (a list of volumes) is shown as it is."""
    return _("%(ml)s ml", ml=value if isinstance(value, str) else number(value))


def kg(value) -> str:
    """50 kg, or 50公斤."""
    return _("%(kg)s kg", kg=number(value))


def duration(value: Duration) -> str:
    n = value.amount
    return {
        "years": lambda: ngettext("%(num)d year", "%(num)d years", n),
        "months": lambda: ngettext("%(num)d month", "%(num)d months", n),
        "weeks": lambda: ngettext("%(num)d week", "%(num)d weeks", n),
        "days": lambda: ngettext("%(num)d day", "%(num)d days", n),
    }[value.unit]()


def window(code: str) -> str:
    return _WINDOWS.get(code, lambda: code)()


def rules_name(rule_set: RuleSet) -> str:
    """The rule set's name in the request's language."""
    return rule_set.name_zh if str(get_locale()).startswith("zh") else rule_set.name


def in_language(english: str, chinese: str) -> str:
    """A rule set's text (summary, unconfirmed note) in the request's language: the Chinese
    where there is one and the reader reads Chinese, else the English."""
    return chinese if chinese and str(get_locale()).startswith("zh") else english


def deferral_label(rule_set: RuleSet | None, code: str) -> str:
    reason = rule_set.deferral_reasons.get(code) if rule_set else None
    if reason is None:
        return code.replace("_", " ")
    return reason.label_zh if str(get_locale()).startswith("zh") else reason.label


def describe_reason(reason: Reason, rule_set: RuleSet | None = None) -> str:
    """One plain sentence for a reason code, with its numbers and dates."""
    d = reason.detail
    code = reason.code
    if code == "interval":
        return _("%(wait)s after the %(kind)s donation on %(date)s.",
                 wait=duration(d["interval"]), kind=label(d["from_kind"]).lower(),
                 date=day(d["last_on"]))
    if code == "annual_cap":
        return _("At most %(limit)s donations in %(window)s; a place frees up on %(date)s.",
                 limit=d["limit"], window=window(d["window"]), date=day(reason.clears_on))
    if code == "volume_cap":
        return _("At most %(limit)s ml in %(window)s; there is room again on %(date)s.",
                 limit=number(d["limit"]), window=window(d["window"]), date=day(reason.clears_on))
    if code == "deferral":
        return _("Deferred (%(why)s) until %(date)s.",
                 why=deferral_label(rule_set, d["reason_code"]), date=day(reason.clears_on))
    if code == "permanent_deferral":
        return _("Deferred (%(why)s) with no end date.",
                 why=deferral_label(rule_set, d["reason_code"]))
    if code == "age_min":
        return _("Reaches the minimum age of %(age)s on %(date)s.", age=d["min_age"],
                 date=day(reason.clears_on))
    if code == "age_max":
        if d["repeat_donor"]:
            return _("Over the age limit of %(age)s for repeat donors.", age=d["max_age"])
        return _("Over the age limit of %(age)s for first-time donors.", age=d["max_age"])
    if code == "weight":
        return _("Weighs %(weight)s kg; the minimum is %(min)s kg.",
                 weight=number(d["weight_kg"]), min=number(d["min_kg"]))
    if code == "weight_unknown":
        return _("Weight not recorded: check it is at least %(min)s kg.", min=number(d["min_kg"]))
    if code == "kind_not_allowed":
        return _("The club's rule set does not include %(kind)s.", kind=label(d["kind"]).lower())
    if code == "volume_not_allowed":
        if "allowed" in d and len(d["allowed"]) == 1:
            return _("The volume must be %(volume)s ml.", volume=d["allowed"][0])
        if "allowed" in d:
            return _("The volume must be one of %(volumes)s ml.",
                     volumes=", ".join(str(v) for v in d["allowed"]))
        return _("The volume must be between %(min)s and %(max)s ml.", min=d["min"], max=d["max"])
    if code == "units_not_allowed":
        return _("Therapeutic units must be one of %(units)s.",
                 units=", ".join(str(u) for u in d["allowed"]))
    if code == "interval_later":
        return _("Too close before the %(kind)s donation on %(date)s (%(wait)s needed).",
                 kind=label(d["later_kind"]).lower(), date=day(d["later_on"]),
                 wait=duration(d["interval"]))
    return code
