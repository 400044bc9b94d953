"""The "who can donate" list as CSV that Excel opens correctly (UTF-8 with a BOM)."""
from __future__ import annotations

import csv
import io
from datetime import date

from flask import Response
from flask_babel import gettext as _

from ...models import Club
from ...services.dashboard import EligibleMember

# Excel reads a cell starting with these as a formula; a leading apostrophe keeps it text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def eligible_csv(club: Club, kind: str, on: date, rows: list[EligibleMember]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Member no."), _("Full name"), _("Blood group"), _("Phone"), _("Email"),
                     _("May be contacted"), _("Last donation")])
    for row in rows:
        m = row.member
        writer.writerow([_cell(value) for value in (
            m.member_no, m.full_name, m.blood_group.value if m.blood_group else "",
            m.phone or "", m.email or "", _("yes") if m.consent_contact else _("no"),
            row.last_donated_on.isoformat() if row.last_donated_on else "")])
    filename = f"eligible-{club.slug}-{kind}-{on.isoformat()}.csv"
    return Response(("\ufeff" + buffer.getvalue()).encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "private, no-store"})


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
