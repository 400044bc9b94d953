"""Nomination lists as files: CSV and .xlsx for the blood centre's forms, PDF for the notice
board. Headers and levels are in the interface's language."""
from __future__ import annotations

from datetime import date

from flask_babel import get_locale
from flask_babel import gettext as _

from ..domain.enums import Sex
from ..models import Club
from ..pdf.nominations import TableDocument, render_table_document
from . import certificate_text
from .certificate_printing import fonts
from .nominations import CycleNominations
from .spreadsheets import csv_bytes, xlsx_bytes


def level_name(level: str, number: int = 1) -> str:
    names = {
        "bronze": _("Bronze (铜奖)"),
        "silver": _("Silver (银奖)"),
        "gold": _("Gold (金奖)"),
        "lifetime": _("Lifetime honour (终身荣誉奖)"),
    }
    name = names.get(level, level)
    if level == "gold" and number > 1:
        name = _("%(level)s, %(n)d. time", level=name, n=number)
    return name


def cycle_label(result: CycleNominations) -> str:
    return f"{result.starts_on.year}–{result.ends_on.year}"


def _headers() -> list[str]:
    return [_("Member no."), _("Name"), _("Sex"), _("Date of birth"), _("Award level"),
            _("Count"), _("Reached on"), _("Counted from"), _("Donations counted")]


def _sex(sex: Sex) -> str:
    return {Sex.FEMALE: _("Female"), Sex.MALE: _("Male")}.get(sex, sex.value)


def _rows(result: CycleNominations) -> list[list]:
    return [[n.member.member_no, n.member.full_name, _sex(n.member.sex),
             n.member.date_of_birth, level_name(n.step.level, n.step.number),
             int(n.step.count) if float(n.step.count).is_integer() else n.step.count,
             n.step.reached_on, n.step.counted_from, n.step.donations_counted]
            for n in result.nominations]


def _filename(club: Club, result: CycleNominations, extension: str) -> str:
    return f"nominations-{club.slug}-{result.starts_on.year}-{result.ends_on.year}.{extension}"


def nominations_csv(club: Club, result: CycleNominations) -> tuple[str, bytes]:
    rows = ([v.isoformat() if isinstance(v, date) else v for v in row]
            for row in _rows(result))
    return _filename(club, result, "csv"), csv_bytes(_headers(), rows)


def nominations_xlsx(club: Club, result: CycleNominations) -> tuple[str, bytes]:
    sheet = (cycle_label(result), _headers(), _rows(result))
    return _filename(club, result, "xlsx"), xlsx_bytes([sheet])


def nominations_pdf(club: Club, result: CycleNominations, today: date) -> tuple[str, bytes]:
    locale = certificate_text.language_of(str(get_locale() or "en"), None)
    shown = [[certificate_text.long_date(v, locale) if isinstance(v, date) else str(v)
              for v in row] for row in _rows(result)]
    document = TableDocument(
        title=_("Unpaid Blood Donation Dedication Award: nominations"),
        subtitle=f"{club.name} · {cycle_label(result)}",
        generated_on=_("Prepared on %(day)s", day=certificate_text.long_date(today, locale)),
        headers=tuple(_headers()), rows=[tuple(r) for r in shown],
        notes=(_("Counting: 200 ml of whole blood counts 1, one therapeutic unit of platelets "
                 "counts 1 (4 before 2010). Bronze 20, silver 30, gold 40; a later gold counts "
                 "again from the donation after the previous gold's 40th; the lifetime honour "
                 "follows the third gold. Sources: %(sources)s.",
                 sources=", ".join(result.rules.sources)),
               ),
        footer=_("Page"))
    return _filename(club, result, "pdf"), render_table_document(document, fonts())
