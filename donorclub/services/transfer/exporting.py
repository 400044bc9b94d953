"""Exporting a club's records as CSV (UTF-8 with BOM, for Excel) or .xlsx, in import format."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import Club, Deferral, Donation, Member, Referral
from ...models import VolunteerService as Service
from ..errors import InvalidInput
from ..spreadsheets import FORMULA_STARTS, xlsx_bytes
from .columns import TABLES, headers_for

FORMATS = ("csv", "xlsx")
MIMETYPES = {"csv": "text/csv",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _value(value):
    if value is None:
        return ""
    if hasattr(value, "value"):  # an enum
        return value.value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value  # never a formula in Excel; the importer takes the apostrophe off
    return value


def _between(column, date_from: date | None, date_to: date | None):
    conditions = []
    if date_from:
        conditions.append(column >= date_from)
    if date_to:
        conditions.append(column <= date_to)
    return sa.and_(sa.true(), *conditions)


def _rows(club: Club, table: str, date_from, date_to) -> Iterable[list]:
    """Rows of the table in its column order (members: all; the others by their date)."""
    no = Member.member_no
    if table == "members":
        for m in db.session.scalars(sa.select(Member).where(Member.club_id == club.id)
                                    .order_by(Member.member_no)):
            yield [m.member_no, m.full_name, m.sex, m.date_of_birth, m.blood_group, m.weight_kg,
                   m.phone, m.email, m.joined_on, m.status, m.notes, m.consent_contact,
                   m.consent_public_verification]
    elif table == "donations":
        query = (sa.select(no, Donation).join(Member, Donation.member_id == Member.id)
                 .where(Member.club_id == club.id,
                        _between(Donation.donated_on, date_from, date_to))
                 .order_by(Donation.donated_on, no, Donation.id))
        for member_no, d in db.session.execute(query):
            yield [member_no, d.donated_on, d.kind, d.volume_ml, d.therapeutic_units, d.site,
                   d.blood_centre_certificate_no, d.void_reason]
    elif table == "deferrals":
        query = (sa.select(no, Deferral).join(Member, Deferral.member_id == Member.id)
                 .where(Member.club_id == club.id,
                        _between(Deferral.starts_on, date_from, date_to))
                 .order_by(Deferral.starts_on, no, Deferral.id))
        for member_no, d in db.session.execute(query):
            yield [member_no, d.reason_code, d.starts_on, d.ends_on, ",".join(d.kinds or []),
                   d.note]
    elif table == "referrals":
        query = (sa.select(no, Referral).join(Member, Referral.referrer_id == Member.id)
                 .where(Referral.club_id == club.id,
                        _between(Referral.referred_on, date_from, date_to))
                 .order_by(Referral.referred_on, no, Referral.id))
        for member_no, r in db.session.execute(query):
            yield [member_no, r.candidate_name, r.candidate_date_of_birth, r.candidate_sex,
                   r.candidate_phone, r.candidate_email, r.registry_code, r.status,
                   r.registry_donor_id, "yes" if r.consent_contact else "no", r.referred_on,
                   r.notes]
    else:
        query = (sa.select(no, Service).join(Member, Service.member_id == Member.id)
                 .where(Member.club_id == club.id,
                        _between(Service.served_on, date_from, date_to))
                 .order_by(Service.served_on, no, Service.id))
        for member_no, s in db.session.execute(query):
            yield [member_no, s.served_on, s.hours, s.activity, s.role, s.note, s.void_reason]


def _csv(header: list[str], rows: Iterable[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([v.isoformat() if isinstance(v, date) else v
                         for v in map(_value, row)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(sheets: list[tuple[str, list[str], Iterable[list]]]) -> bytes:
    return xlsx_bytes((title, header, ([_value(v) for v in row] for row in rows))
                      for title, header, rows in sheets)


def export_club(club: Club, table: str, fmt: str, date_from: date | None = None,
                date_to: date | None = None, lang: str = "en") -> tuple[str, str, bytes]:
    """(filename, mimetype, content) of one table, or of every table ("all", .xlsx only, one
    sheet each) with headers the importer reads back. Raises InvalidInput for a bad choice."""
    if table not in (*TABLES, "all"):
        raise InvalidInput(_("Unknown table."), {"table": _("Choose what to export.")})
    if fmt not in FORMATS or (table == "all" and fmt != "xlsx"):
        raise InvalidInput(_("Every table at once comes as .xlsx only."),
                           {"format": _("Choose .xlsx to export every table.")})
    if date_from and date_to and date_from > date_to:
        raise InvalidInput(_("The range ends before it starts."),
                           {"date_to": _("Choose an end on or after the start.")})
    tables = list(TABLES) if table == "all" else [table]
    span = "-".join(d.isoformat() for d in (date_from, date_to) if d)
    filename = f"{club.slug}-{table}{'-' + span if span else ''}.{fmt}"
    if fmt == "csv":
        content = _csv(headers_for(table, lang), _rows(club, table, date_from, date_to))
    else:
        content = _xlsx([(name, headers_for(name, lang), _rows(club, name, date_from, date_to))
                         for name in tables])
    return filename, MIMETYPES[fmt], content


def template_file(table: str, fmt: str, lang: str = "en") -> tuple[str, str, bytes]:
    """An empty file with just the header row, in English or Chinese."""
    if table not in TABLES or fmt not in FORMATS:
        raise InvalidInput(_("Unknown template."))
    lang = "zh" if lang == "zh" else "en"
    header = headers_for(table, lang)
    content = _csv(header, []) if fmt == "csv" else _xlsx([(table, header, [])])
    return f"{table}-template-{lang}.{fmt}", MIMETYPES[fmt], content
