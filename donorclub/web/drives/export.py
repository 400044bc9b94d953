"""A drive's invitation list as CSV that Excel opens correctly, noted in the audit log."""
from __future__ import annotations

from flask import Response
from flask_babel import gettext as _
from flask_login import current_user

from ...models import Drive
from ...services import download_audit
from ...services.drives import RosterRow
from ...services.spreadsheets import csv_bytes
from ..downloads import download
from ..labels import label


def invitations_csv(drive: Drive, rows: list[RosterRow]) -> Response:
    header = [_("Member no."), _("Full name"), _("Phone"), _("Email"), _("May be contacted"),
              _("Eligible for")]
    lines = ([row.member.member_no, row.member.full_name, row.member.phone, row.member.email,
              _("yes") if row.member.consent_contact else _("no"),
              ", ".join(label(k) for k in row.eligible_kinds)]
             for row in rows)
    response = download(f"invitations-{drive.club.slug}-{drive.held_on.isoformat()}.csv",
                        csv_bytes(header, lines))
    download_audit.record_download(current_user._get_current_object(), drive,
                                   download_audit.DRIVE_INVITATIONS, "csv", rows=len(rows))
    return response
