"""The words printed on certificates, in the two languages a certificate can be printed in.

Certificates are formal documents with their own wording (not the interface's): every phrase
is a translation catalogue message in the "certificate" context, so it can never change along
with a screen's text that happens to read the same. A certificate's language is fixed when it
is issued (the member's, else the club's) and kept, whatever language the person printing it
uses; every function here takes that language and renders in it (`force_locale`), not in the
request's. The wording of a language is whatever its catalogue says, so a reprint uses the
catalogue text of the running version; only the title is stored with the certificate.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import force_locale, npgettext, pgettext

from ..domain.awards import Milestone

LANGUAGES = ("zh_Hans", "en")


def heading(language: str) -> str:
    with force_locale(language):
        # Translators: the heading of a printed certificate.
        return pgettext("certificate", "Certificate of Recognition")


def labels(language: str) -> dict[str, str]:
    """The small print of a certificate: by its serial, by its QR code, by its date."""
    with force_locale(language):
        return {
            # Translators: printed before a certificate's serial number.
            "serial": pgettext("certificate", "No."),
            # Translators: printed by a certificate's QR code, above the address it opens.
            "verify": pgettext("certificate", "Scan to verify, or visit"),
            # Translators: printed before the date a certificate was issued.
            "issued": pgettext("certificate", "Issued on"),
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


def _plural_count(value: float | int) -> int:
    """The count that picks a plural form: the number itself when whole, else 2 (1.5 gallons
    are plural)."""
    return int(value) if float(value).is_integer() else 2


# The title of each kind of milestone; `n` is the milestone's threshold, formatted.
def _title_donations(n: str, count: int) -> str:
    # Translators: a certificate's title, also stored with the certificate when it is issued.
    return npgettext("certificate", "%(n)s donation", "%(n)s donations", count, n=n)


def _title_credits(n: str, count: int) -> str:
    return npgettext("certificate", "%(n)s donation credit", "%(n)s donation credits", count,
                     n=n)


def _title_gallons(n: str, count: int) -> str:
    # Translators: the title of a US gallon-pin certificate, e.g. "2-gallon donor".
    return pgettext("certificate", "%(n)s-gallon donor", n=n)


def _title_whole_blood_ml(n: str, count: int) -> str:
    return pgettext("certificate", "%(n)s ml of whole blood", n=n)


def _title_listed_referrals(n: str, count: int) -> str:
    # Translators: the title of a certificate for recruiting volunteers who joined the
    # bone-marrow (stem-cell donor) registry.
    return npgettext("certificate", "%(n)s registry recruit", "%(n)s registry recruits", count,
                     n=n)


def _title_marrow_donations(n: str, count: int) -> str:
    if count == 1:
        # Translators: the title of a certificate for one stem-cell donation (English names no
        # number here; a translation may say "1 stem-cell donation").
        return pgettext("certificate", "Stem-cell donor")
    return npgettext("certificate", "%(n)s stem-cell donation", "%(n)s stem-cell donations",
                     count, n=n)


def _title_volunteer_hours(n: str, count: int) -> str:
    return npgettext("certificate", "%(n)s hour of volunteer service",
                     "%(n)s hours of volunteer service", count, n=n)


# The citation under the member's name, per kind of milestone.
def _citation_donations(n: str, count: int) -> str:
    return npgettext("certificate",
                     "In grateful recognition of %(n)s blood donation, freely given so that "
                     "others may live.",
                     "In grateful recognition of %(n)s blood donations, freely given so that "
                     "others may live.", count, n=n)


def _citation_credits(n: str, count: int) -> str:
    return npgettext("certificate",
                     "In grateful recognition of %(n)s donation credit, freely given so that "
                     "others may live.",
                     "In grateful recognition of %(n)s donation credits, freely given so that "
                     "others may live.", count, n=n)


def _citation_gallons(n: str, count: int) -> str:
    return npgettext("certificate",
                     "In grateful recognition of %(n)s gallon of blood, freely given so that "
                     "others may live.",
                     "In grateful recognition of %(n)s gallons of blood, freely given so that "
                     "others may live.", count, n=n)


def _citation_whole_blood_ml(n: str, count: int) -> str:
    return pgettext("certificate",
                    "In grateful recognition of %(n)s ml of whole blood, freely given so that "
                    "others may live.", n=n)


def _citation_listed_referrals(n: str, count: int) -> str:
    return npgettext("certificate",
                     "In grateful recognition of persuading %(n)s volunteer to join the "
                     "bone-marrow registry, giving patients hope of a match.",
                     "In grateful recognition of persuading %(n)s volunteers to join the "
                     "bone-marrow registry, giving patients hope of a match.", count, n=n)


def _citation_marrow_donations(n: str, count: int) -> str:
    if count == 1:
        # Translators: the citation for one stem-cell donation (English names no number here;
        # a translation may say "donating once").
        return pgettext("certificate",
                        "In honour of donating blood stem cells to save the life of a patient.")
    return npgettext("certificate",
                     "In honour of donating blood stem cells %(n)s time to save the lives of "
                     "patients.",
                     "In honour of donating blood stem cells %(n)s times to save the lives of "
                     "patients.", count, n=n)


def _citation_volunteer_hours(n: str, count: int) -> str:
    return npgettext("certificate",
                     "In grateful recognition of %(n)s hour of volunteer service for blood "
                     "donation.",
                     "In grateful recognition of %(n)s hours of volunteer service for blood "
                     "donation.", count, n=n)


# Per category (or counting word, for donations): (title, citation).
_WORDING: dict[str, tuple[Callable[[str, int], str], Callable[[str, int], str]]] = {
    "donations": (_title_donations, _citation_donations),
    "credits": (_title_credits, _citation_credits),
    "gallons": (_title_gallons, _citation_gallons),
    "whole_blood_ml": (_title_whole_blood_ml, _citation_whole_blood_ml),
    "listed_referrals": (_title_listed_referrals, _citation_listed_referrals),
    "marrow_donations": (_title_marrow_donations, _citation_marrow_donations),
    "volunteer_hours": (_title_volunteer_hours, _citation_volunteer_hours),
}


def _wording(milestone: Milestone, language: str, word: str, gallon: int | None,
             part: int) -> str:
    shown = _shown_threshold(milestone, word, gallon)
    key = word if milestone.category == "donations" else milestone.category
    render = _WORDING[key][part]
    with force_locale(language):
        return render(number(shown, language), _plural_count(shown))


def title(milestone: Milestone, language: str, word: str = "donations",
          gallon: int | None = None) -> str:
    return _wording(milestone, language, word, gallon, 0)


def citation(milestone: Milestone, language: str, word: str = "donations",
             gallon: int | None = None) -> str:
    return _wording(milestone, language, word, gallon, 1)


# The figures line under the citation, per category: the figures it needs, and its text
# (each figure formatted as a number).
def _figures_count(f: dict[str, str], count: int) -> str:
    # Translators: the figures line printed under a certificate's citation.
    return npgettext("certificate", "%(count)s donation · %(total_ml)s ml in all",
                     "%(count)s donations · %(total_ml)s ml in all", count,
                     count=f["count"], total_ml=f["total_ml"])


def _figures_credits(f: dict[str, str], count: int) -> str:
    return pgettext("certificate", "%(count)s credits · %(donations)s donations",
                    count=f["count"], donations=f["donations"])


def _figures_whole_blood_ml(f: dict[str, str], count: int) -> str:
    return pgettext("certificate",
                    "%(whole_blood_ml)s ml of whole blood · %(donations)s donations",
                    whole_blood_ml=f["whole_blood_ml"], donations=f["donations"])


def _figures_listed_referrals(f: dict[str, str], count: int) -> str:
    return pgettext("certificate", "%(listed_referrals)s volunteers on the registry",
                    listed_referrals=f["listed_referrals"])


def _figures_marrow_donations(f: dict[str, str], count: int) -> str:
    return pgettext("certificate", "%(marrow_donations)s stem-cell donations",
                    marrow_donations=f["marrow_donations"])


def _figures_volunteer_hours(f: dict[str, str], count: int) -> str:
    return pgettext("certificate", "%(volunteer_hours)s hours of service",
                    volunteer_hours=f["volunteer_hours"])


_FIGURES: dict[str, tuple[tuple[str, ...], Callable[[dict[str, str], int], str]]] = {
    "count": (("count", "total_ml"), _figures_count),
    "credits": (("count", "donations"), _figures_credits),
    "whole_blood_ml": (("whole_blood_ml", "donations"), _figures_whole_blood_ml),
    "listed_referrals": (("listed_referrals",), _figures_listed_referrals),
    "marrow_donations": (("marrow_donations",), _figures_marrow_donations),
    "volunteer_hours": (("volunteer_hours",), _figures_volunteer_hours),
}


def figures_line(category: str, figures: dict, language: str, word: str = "donations") -> str:
    key = category
    if category == "donations":
        key = "credits" if word == "credits" else "count"
    if key not in _FIGURES:
        return ""
    needed, render = _FIGURES[key]
    shown = {k: number(v, language) for k, v in figures.items()
             if isinstance(v, int | float) and not isinstance(v, bool)}
    if any(k not in shown for k in needed):  # figures saved without a field this line needs
        return ""
    with force_locale(language):
        return render(shown, 1 if figures.get("count") == 1 else 2)
