"""The "who can donate" list as CSV that Excel opens correctly, noted in the audit log."""
from __future__ import annotations

from datetime import date

from flask import Response
from flask_babel import gettext as _
from flask_login import current_user

from ...models import Club
from ...services import download_audit
from ...services.dashboard import EligibleMember
from ...services.spreadsheets import csv_bytes
from ..downloads import download


def eligible_csv(club: Club, kind: str, on: date, rows: list[EligibleMember]) -> Response:
    header = [_("Member no."), _("Full name"), _("Blood group"), _("Phone"), _("Email"),
              _("May be contacted"), _("Last donation")]
    lines = ([row.member.member_no, row.member.full_name,
              row.member.blood_group.value if row.member.blood_group else "",
              row.member.phone, row.member.email,
              _("yes") if row.member.consent_contact else _("no"),
              row.last_donated_on.isoformat() if row.last_donated_on else ""]
             for row in rows)
    response = download(f"eligible-{club.slug}-{kind}-{on.isoformat()}.csv",
                        csv_bytes(header, lines))
    download_audit.record_download(current_user._get_current_object(), club,
                                   download_audit.ELIGIBLE, "csv", rows=len(rows), kind=kind,
                                   on=on)
    return response
