"""Every file with personal data that someone downloads leaves exactly one audit event: who,
what, in which format, how many rows, which club; and the audit page says it in words."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from donorclub.domain.enums import AuditAction, DriveKind
from donorclub.domain.serials import new_serial
from donorclub.extensions import db
from donorclub.models import AuditEvent, Certificate, Drive, DriveParticipant
from donorclub.services.download_audit import csv_rows
from donorclub.services.member_links import issue_link

from .. import factories

TODAY = date.today()


@dataclass(frozen=True)
class Download:
    who: str  # an attribute of the world
    path: str  # formatted with member, drive, serial, certificate (its id)
    action: AuditAction
    entity: str  # the entity type of the event
    after: dict  # what the event's `after` must hold (rows are checked against the file)


DOWNLOADS = [
    Download("coordinator_a", "/clubs/club-a/nominations/nominations.csv", AuditAction.EXPORT,
             "clubs", {"file": "nominations", "format": "csv"}),
    Download("coordinator_a", "/clubs/club-a/nominations/nominations.xlsx", AuditAction.EXPORT,
             "clubs", {"file": "nominations", "format": "xlsx"}),
    Download("coordinator_a", "/clubs/club-a/nominations/nominations.pdf", AuditAction.DOWNLOAD,
             "clubs", {"file": "nominations", "format": "pdf"}),
    Download("coordinator_a", "/clubs/club-a/eligible?format=csv&kind=whole_blood",
             AuditAction.EXPORT, "clubs",
             {"file": "eligible", "format": "csv", "kind": "whole_blood",
              "on": TODAY.isoformat()}),
    Download("coordinator_a", "/clubs/club-a/referrals/export.csv", AuditAction.EXPORT, "clubs",
             {"file": "referrals", "format": "csv"}),
    Download("coordinator_a", "/clubs/club-a/drives/{drive}/invitations.csv",
             AuditAction.EXPORT, "drives", {"file": "drive_invitations", "format": "csv"}),
    Download("admin", "/clubs/club-a/export?table=members&format=csv&lang=en",
             AuditAction.EXPORT, "clubs",
             {"file": "club_export", "format": "csv", "table": "members"}),
    Download("coordinator_a", "/clubs/club-a/export?table=all&format=xlsx&lang=en"
             f"&date_from={TODAY.replace(day=1).isoformat()}", AuditAction.EXPORT, "clubs",
             {"file": "club_export", "format": "xlsx", "table": "all",
              "since": TODAY.replace(day=1).isoformat()}),
    Download("coordinator_a", "/clubs/club-a/members/{member}/card.pdf", AuditAction.DOWNLOAD,
             "members", {"file": "member_card", "format": "pdf"}),
    Download("member_user", "/me/data.json", AuditAction.EXPORT, "members",
             {"file": "member_data", "format": "json"}),
    Download("member_user", "/me/data.zip", AuditAction.EXPORT, "members",
             {"file": "member_data", "format": "zip"}),
    Download("member_user", "/me/calendar.ics", AuditAction.EXPORT, "members",
             {"file": "calendar", "format": "ics"}),
    # Certificates keep their own event, "printed", with the serials.
    Download("coordinator_a", "/clubs/club-a/certificates/{serial}/certificate.pdf",
             AuditAction.PRINT, "certificates", {"serials": ["{serial}"]}),
    Download("coordinator_a", "/clubs/club-a/certificates/print.pdf?id={certificate}",
             AuditAction.PRINT, "certificates", {"serials": ["{serial}"]}),
    Download("member_user", "/me/certificates/{serial}.pdf", AuditAction.PRINT, "certificates",
             {"serials": ["{serial}"]}),
]


def _setting(world) -> dict:
    """A drive with member_a invited, a certificate of theirs, their status link."""
    factories.make_donations(world.member_a, [TODAY - timedelta(days=400)])
    drive = Drive(club_id=world.club_a.id, held_on=TODAY + timedelta(days=7), place="Library",
                  kind=DriveKind.BLOOD)
    db.session.add(drive)
    db.session.flush()
    db.session.add(DriveParticipant(drive_id=drive.id, member_id=world.member_a.id,
                                    invited_on=TODAY))
    certificate = Certificate(serial=new_serial(), member_id=world.member_a.id,
                              award_code="donations-1", title="献血1次", language="zh_Hans",
                              reached_on=TODAY, figures={"count": 1, "total_ml": 400},
                              issued_on=TODAY)
    db.session.add(certificate)
    db.session.commit()
    issue_link(None, world.member_a, "status")
    return {"member": world.member_a.id, "drive": drive.id, "serial": certificate.serial,
            "certificate": certificate.id}


def _events() -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)))


def test_each_download_leaves_one_event_naming_who_what_and_the_club(signed_in, world):
    names = _setting(world)
    clients = {who: signed_in(who) for who in ("coordinator_a", "admin", "member_user")}
    actors = {"coordinator_a": world.coordinator_a.id, "admin": world.admin.id,
              "member_user": world.member_user.id}
    for download in DOWNLOADS:
        path = download.path.format(**names)
        before = len(_events())
        response = clients[download.who].get(path)
        assert response.status_code == 200, path
        assert "attachment" in response.headers["Content-Disposition"], path
        new = _events()[before:]
        assert len(new) == 1, f"{path}: {[(e.action, e.entity_type) for e in new]}"
        event = new[0]
        expected = {key: [v.format(**names) for v in value] if isinstance(value, list)
                    else value for key, value in download.after.items()}
        assert (event.action, event.actor_id, event.club_id, event.entity_type) == (
            download.action, actors[download.who], world.club_a.id, download.entity), path
        assert {key: event.after.get(key) for key in expected} == expected, path
        if download.after.get("format") == "csv":
            assert event.after["rows"] == csv_rows(response.data), path
        if "invitations" in path or "table=members" in path:
            assert event.after["rows"] == 1, path
        if download.entity == "members":
            assert event.entity_id == world.member_a.id, path

    # A refused request, a bad choice and the empty import template record nothing.
    client, before = clients["coordinator_a"], len(_events())
    assert client.get("/clubs/club-b/nominations/nominations.csv").status_code == 404
    assert client.get("/clubs/club-a/export?table=all&format=csv").status_code == 422
    assert client.get("/clubs/club-a/import/template?table=members&fmt=csv").status_code == 200
    assert len(_events()) == before

    # The audit page says it in words, and its filter finds them.
    page = client.get("/clubs/club-a/audit").get_data(as_text=True)
    for words in ("Downloaded a PDF", "Nomination list", "Exported a file", "Club data export",
                  "Member card", "The member's own data", "Donation calendar", "Printed",
                  "PDF", "CSV", "Rows", "Records", "Members", "Award cycle"):
        assert words in page.replace("&#39;", "'"), words
    assert "club_export" not in page and ">nominations<" not in page
    only = client.get("/clubs/club-a/audit?action=download").get_data(as_text=True)
    assert "Member card" in only and "Club data export" not in only
