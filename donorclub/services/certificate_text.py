"""The words printed on certificates, in the two languages a certificate can be printed in.

Certificates are formal documents with their own fixed wording (not the interface's), so the
wording lives here as reviewed text per language rather than in the interface catalogues.
"""
from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

from ..domain.awards import Milestone

LANGUAGES = ("zh_Hans", "en")

HEADING = {"zh_Hans": "荣誉证书", "en": "Certificate of Recognition"}
LABELS = {
    "zh_Hans": {"serial": "证书编号", "verify": "扫码或访问以下网址验证", "issued": "颁发日期"},
    "en": {"serial": "No.", "verify": "Scan to verify, or visit", "issued": "Issued on"},
}
_CLOSING_ZH = "特发此证，以资表彰。"

# Per category: (title, citation) templates; {n} is the milestone's threshold.
_WORDING = {
    "zh_Hans": {
        "donations": ("献血{n}次", "在无偿献血事业中奉献爱心，累计献血达到{n}次。" + _CLOSING_ZH),
        "credits": ("献血积分{n}分", "在无偿献血事业中奉献爱心，献血积分达到{n}分。" + _CLOSING_ZH),
        "gallons": ("献血{n}加仑", "在无偿献血事业中奉献爱心，累计献血达到{n}加仑。" + _CLOSING_ZH),
        "whole_blood_ml": ("献全血{n}毫升",
                           "累计无偿捐献全血{n}毫升，以热血温暖生命。" + _CLOSING_ZH),
        "listed_referrals": ("动员{n}人加入骨髓库",
                             "动员{n}名志愿者加入造血干细胞捐献者资料库，为患者点燃生的希望。"
                             + _CLOSING_ZH),
        "marrow_donations": ("捐献造血干细胞{n}次",
                             "无私捐献造血干细胞{n}次，挽救患者生命。" + _CLOSING_ZH),
        "volunteer_hours": ("志愿服务{n}小时",
                            "累计参加无偿献血志愿服务{n}小时。" + _CLOSING_ZH),
    },
    "en": {
        "donations": ("{n} donation{s}", "In grateful recognition of {n} blood donation{s}, "
                      "freely given so that others may live."),
        "credits": ("{n} donation credit{s}", "In grateful recognition of {n} donation credit{s}, "
                    "freely given so that others may live."),
        "gallons": ("{n}-gallon donor", "In grateful recognition of {n} gallon{s} of blood, "
                    "freely given so that others may live."),
        "whole_blood_ml": ("{n} ml of whole blood", "In grateful recognition of {n} ml of "
                           "whole blood, freely given so that others may live."),
        "listed_referrals": ("{n} registry recruit{s}", "In grateful recognition of persuading "
                             "{n} volunteer{s} to join the bone-marrow registry, giving patients "
                             "hope of a match."),
        "marrow_donations": ("{n} stem-cell donation{s}", "In honour of donating blood stem "
                             "cells {n} time{s} to save the lives of patients."),
        "marrow_donations_1": ("Stem-cell donor", "In honour of donating blood stem cells to "
                               "save the life of a patient."),
        "volunteer_hours": ("{n} hour{s} of volunteer service", "In grateful recognition of "
                            "{n} hour{s} of volunteer service for blood donation."),
    },
}

# The figures line under the citation, per category.
_FIGURES = {
    "zh_Hans": {
        "count": "累计献血{count}次 · 共{total_ml}毫升",
        "credits": "献血积分{count}分 · 献血{donations}次",
        "whole_blood_ml": "全血{whole_blood_ml}毫升 · 献血{donations}次",
        "listed_referrals": "已入库{listed_referrals}人",
        "marrow_donations": "捐献造血干细胞{marrow_donations}次",
        "volunteer_hours": "志愿服务{volunteer_hours}小时",
    },
    "en": {
        "count": "{count} donation{s} · {total_ml} ml in all",
        "credits": "{count} credits · {donations} donations",
        "whole_blood_ml": "{whole_blood_ml} ml of whole blood · {donations} donations",
        "listed_referrals": "{listed_referrals} volunteers on the registry",
        "marrow_donations": "{marrow_donations} stem-cell donations",
        "volunteer_hours": "{volunteer_hours} hours of service",
    },
}


def language_of(preferred: str | None, club_locale: str | None) -> str:
    """The member's language when they chose one the certificates speak, else the club's,
    else Chinese (the product's first audience)."""
    for choice in (preferred, club_locale):
        if choice:
            for language in LANGUAGES:
                if choice == language or choice.split("_")[0] == language.split("_")[0]:
                    return language
    return LANGUAGES[0]


def number(value: float | int, language: str) -> str:
    """40 -> "40", 40.5 -> "40.5", 12400 -> "12,400"."""
    if float(value).is_integer():
        value = int(value)
    return format_decimal(value, format="#,##0.##", locale=language)


def long_date(day: date, language: str) -> str:
    return format_date(day, "long" if language == "zh_Hans" else "d MMMM y", locale=language)


def counting_word(rule_set_code: str, gallon: int | None) -> str:
    """How a rule set's donations milestone is said: gallons (US pins), credits (NHSBT) or
    donations."""
    if gallon:
        return "gallons"
    return "credits" if rule_set_code.split("-")[0] == "uk" else "donations"


def _shown_threshold(milestone: Milestone, word: str, gallon: int | None) -> float:
    if milestone.category == "donations" and word == "gallons" and gallon:
        return milestone.threshold / gallon
    return milestone.threshold


def _wording(milestone: Milestone, language: str, word: str, gallon: int | None,
             part: int) -> str:
    shown = _shown_threshold(milestone, word, gallon)
    key = word if milestone.category == "donations" else milestone.category
    if shown == 1 and f"{key}_1" in _WORDING[language]:
        key = f"{key}_1"
    template = _WORDING[language][key][part]
    return template.format(n=number(shown, language), s="" if shown == 1 else "s")


def title(milestone: Milestone, language: str, word: str = "donations",
          gallon: int | None = None) -> str:
    return _wording(milestone, language, word, gallon, 0)


def citation(milestone: Milestone, language: str, word: str = "donations",
             gallon: int | None = None) -> str:
    return _wording(milestone, language, word, gallon, 1)


def figures_line(category: str, figures: dict, language: str, word: str = "donations") -> str:
    key = category
    if category == "donations":
        key = "credits" if word == "credits" else "count"
    shown = {k: number(v, language) for k, v in figures.items()
             if isinstance(v, int | float) and not isinstance(v, bool)}
    try:
        return _FIGURES[language][key].format(**shown, s="" if figures.get("count") == 1 else "s")
    except KeyError:  # figures saved without a field this line needs
        return ""
