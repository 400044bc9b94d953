"""The audit trail of personal data leaving as files: who took which file, in which format,
about how many people. (Certificates have their own: certificates.record_printing.)"""
from __future__ import annotations

import csv
import io
from datetime import date

from ..domain.enums import AuditAction
from ..extensions import db
from ..models import AuditEvent, Club, Drive, Member, User
from . import audit

# What a downloaded file holds; the audit page has a word for each (web/audit/presentation).
NOMINATIONS = "nominations"  # the national award nomination list of a cycle
ELIGIBLE = "eligible"  # who can donate a kind on a day
REFERRALS = "referrals"  # the marrow referral report
DRIVE_INVITATIONS = "drive_invitations"  # the people invited to a drive
CLUB_EXPORT = "club_export"  # one table, or every table, of a club for another system
MEMBER_DATA = "member_data"  # everything stored about one member (their own copy)
CALENDAR = "calendar"  # one member's donation calendar
MEMBER_CARD = "member_card"  # the printed card with a member's status link
FILES = (NOMINATIONS, ELIGIBLE, REFERRALS, DRIVE_INVITATIONS, CLUB_EXPORT, MEMBER_DATA,
         CALENDAR, MEMBER_CARD)

Detail = str | int | date | None


def record_download(actor: User | None, about: Club | Member | Drive, file: str, fmt: str, *,
                    rows: int | None = None, **details: Detail) -> AuditEvent:
    """Note that `actor` downloaded `file` (one of FILES) in `fmt` ("csv", "xlsx", "pdf",
    ...), about a club, a drive or one member, with its row count when known and the options
    that chose its content (`details`, None ones left out). A PDF is a DOWNLOAD, any other
    file a data EXPORT. Commits; raises ValueError for a file kind not in FILES."""
    if file not in FILES:
        raise ValueError(f"unknown kind of file {file!r}")
    after: dict = {"file": file, "format": fmt}
    if rows is not None:
        after["rows"] = rows
    after.update({key: value.isoformat() if isinstance(value, date) else value
                  for key, value in details.items() if value is not None})
    club_id = about.id if isinstance(about, Club) else about.club_id
    action = AuditAction.DOWNLOAD if fmt == "pdf" else AuditAction.EXPORT
    event = audit.record(actor, action, about, after=after, club_id=club_id)
    db.session.commit()
    return event


def csv_rows(data: bytes) -> int:
    """The rows of a CSV file below its header (quoted line breaks stay inside a row)."""
    return max(sum(1 for _row in csv.reader(io.StringIO(data.decode("utf-8-sig")))) - 1, 0)
