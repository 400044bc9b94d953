"""A drive's invitation list as CSV that Excel opens correctly (UTF-8 with a BOM)."""
from __future__ import annotations

import csv
import io

from flask import Response
from flask_babel import gettext as _

from ...models import Drive
from ...services.drives import RosterRow
from ..dashboard.export import _cell  # the same formula-safe cells as the eligible list
from ..labels import label


def invitations_csv(drive: Drive, rows: list[RosterRow]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Member no."), _("Full name"), _("Phone"), _("Email"),
                     _("May be contacted"), _("Eligible for")])
    for row in rows:
        m = row.member
        writer.writerow([_cell(value) for value in (
            m.member_no, m.full_name, m.phone or "", m.email or "",
            _("yes") if m.consent_contact else _("no"),
            ", ".join(label(k) for k in row.eligible_kinds))])
    filename = f"invitations-{drive.club.slug}-{drive.held_on.isoformat()}.csv"
    return Response(("\ufeff" + buffer.getvalue()).encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "private, no-store"})
