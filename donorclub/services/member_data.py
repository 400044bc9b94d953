"""Everything the club holds about one member, for the member to download (PIPL art. 45,
GDPR art. 15 and 20): JSON, or a zip of CSV files with one file per table."""
from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, datetime
from enum import Enum
from numbers import Number

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..domain.masking import given_name
from ..extensions import db
from ..models import (
    AuditEvent,
    Certificate,
    DriveParticipant,
    Member,
    OutboxMessage,
    Referral,
    VolunteerService,
)
from .certificate_text import language_of
from .referrals import effective_status
from .rules import rule_set_for
from .spreadsheets import csv_bytes

FORMAT = "donorclub-member-data/1"
# Chinese surnames of two characters; any other Chinese name has a one-character surname.
COLUMNS = {
    "profile": (
        "club", "club_slug", "member_no", "full_name", "sex", "date_of_birth", "blood_group",
        "weight_kg", "phone", "email", "joined_on", "language", "status", "consent_contact",
        "consent_public_verification", "consent_leaderboard", "preferred_kind", "notes",
        "status_link",
        "calendar_link", "login_email", "login_created_at", "login_last_signed_in_at",
        "created_at", "updated_at"),
    "donations": (
        "id", "donated_on", "kind", "volume_ml", "therapeutic_units", "site", "drive_on",
        "drive_place", "blood_centre_certificate_no", "recorded_at", "voided", "voided_at",
        "void_reason", "override_reason"),
    "deferrals": ("id", "reason_code", "reason", "starts_on", "ends_on", "kinds", "note",
                  "created_at"),
    "certificates": ("serial", "award_code", "title", "language", "reached_on", "issued_on",
                     "revoked", "revoked_at", "revoke_reason"),
    "volunteer_service": ("id", "served_on", "hours", "activity", "drive_on", "drive_place",
                          "role", "note", "voided", "voided_at", "void_reason"),
    "drives": ("drive_on", "drive_place", "drive_kind", "invited_on", "signed_up_on",
               "attended", "note"),
    "referrals_made": ("id", "candidate_first_name", "registry", "status", "referred_on"),
    "referral_as_candidate": (
        "id", "candidate_name", "candidate_date_of_birth", "candidate_sex", "candidate_phone",
        "candidate_email", "registry", "registry_donor_id", "status", "referred_on",
        "consent_contact"),
    "referral_stages": ("referral_id", "status", "occurred_on", "product"),
    "messages": ("queued_at", "kind", "channel", "recipient", "language", "subject", "body",
                 "status", "sent_at", "cancel_reason"),
    "audit_events": ("occurred_at", "action", "fields"),
}


def export_filename(member: Member, today: date, extension: str) -> str:
    """my-data-<club slug>-<member no>-<YYYY-MM-DD>.<extension>, safe in a header."""
    number = re.sub(r"[^A-Za-z0-9._-]+", "-", member.member_no).strip("-") or "member"
    return f"my-data-{member.club.slug}-{number}-{today.isoformat()}.{extension}"


def member_data(member: Member, today: date) -> dict:
    """The member's data as one JSON-ready document: profile, donations (voided ones with why),
    deferrals, certificates, volunteer service, drives, the referrals they made (candidates
    by first name only), the referral where they are the candidate, the messages sent (or
    queued) to them, and the audit events about their member record (without who made
    them). Nothing about any other member."""
    referrals_made = _referrals(Referral.referrer_id == member.id)
    as_candidate = _referrals(Referral.candidate_member_id == member.id)
    return {
        "format": FORMAT,
        "exported_on": today.isoformat(),
        "profile": _profile(member),
        "donations": [_row("donations", _donation(d)) for d in
                      sorted(member.donations, key=lambda d: (d.donated_on, d.id))],
        "deferrals": _deferrals(member),
        "certificates": [_row("certificates", _certificate(c)) for c in _certificates(member)],
        "volunteer_service": [_row("volunteer_service", _service(s))
                              for s in _services(member)],
        "drives": [_row("drives", _participation(p)) for p in _participations(member)],
        "referrals_made": [
            {**_row("referrals_made", (r.id, given_name(r.candidate_name),
                                       r.registry_code, effective_status(r, today),
                                       r.referred_on)),
             "stages": _stages(r)} for r in referrals_made],
        "referral_as_candidate": [
            {**_row("referral_as_candidate", _candidate(r)), "stages": _stages(r)}
            for r in as_candidate],
        "messages": [_row("messages", (m.created_at, m.kind, m.channel, m.recipient, m.locale,
                                       m.subject, m.body, m.status, m.sent_at,
                                       m.cancel_reason)) for m in _messages(member)],
        "audit_events": [_row("audit_events", (e.occurred_at, e.action, _fields(e)))
                         for e in _audit_events(member)],
    }


def json_bytes(member: Member, today: date) -> bytes:
    return json.dumps(member_data(member, today), ensure_ascii=False, indent=2).encode("utf-8")


def zip_bytes(member: Member, today: date) -> bytes:
    """A zip with one CSV per table (UTF-8 with a byte-order mark, formula-safe cells); the
    stages of every referral are in referral_stages.csv."""
    document = member_data(member, today)
    tables = {name: document[name] for name in COLUMNS if name in document}
    tables["profile"] = [document["profile"]]
    tables["referral_stages"] = [
        {"referral_id": referral["id"], **stage}
        for name in ("referrals_made", "referral_as_candidate")
        for referral in document[name] for stage in referral["stages"]]
    buffer = io.BytesIO()
    stamp = (today.year, today.month, today.day, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            header = COLUMNS[name]
            data = csv_bytes(header, ([_cell(row.get(key)) for key in header] for row in rows))
            archive.writestr(zipfile.ZipInfo(f"{name}.csv", stamp), data,
                             zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _cell(value) -> object:
    """A value for csv_bytes: text, or a number left a number (only text is made formula-safe)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, Number):
        return value
    return "" if value is None else str(value)


def _row(table: str, values: tuple) -> dict:
    return {key: _plain(value) for key, value in zip(COLUMNS[table], values, strict=True)}


def _profile(member: Member) -> dict:
    login = member.user
    return _row("profile", (
        member.club.name, member.club.slug, member.member_no, member.full_name, member.sex,
        member.date_of_birth, member.blood_group, member.weight_kg, member.phone, member.email,
        member.joined_on, member.locale, member.status, member.consent_contact,
        member.consent_public_verification, member.consent_leaderboard, member.preferred_kind,
        member.notes,
        member.status_nonce is not None, member.calendar_nonce is not None,
        login.email if login else None, login.created_at if login else None,
        login.last_login_at if login else None, member.created_at, member.updated_at))


def _donation(d) -> tuple:
    drive = d.drive
    return (d.id, d.donated_on, d.kind, d.volume_ml, d.therapeutic_units, d.site,
            drive.held_on if drive else None, drive.place if drive else None,
            d.blood_centre_certificate_no, d.recorded_at, d.voided_at is not None, d.voided_at,
            d.void_reason, d.override_reason)


def _deferrals(member: Member) -> list[dict]:
    rule_set = rule_set_for(member.club)
    chinese = language_of(member.locale, member.club.locale) == "zh_Hans"
    rows = []
    for d in sorted(member.deferrals, key=lambda d: (d.starts_on, d.id)):
        known = rule_set.deferral_reasons.get(d.reason_code)
        label = (known.label_zh if chinese else known.label) if known else d.reason_code
        rows.append(_row("deferrals", (d.id, d.reason_code, label, d.starts_on, d.ends_on,
                                       sorted(d.kinds) if d.kinds else [], d.note,
                                       d.created_at)))
    return rows


def _messages(member: Member) -> list[OutboxMessage]:
    return list(db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.member_id == member.id)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)))


def _certificates(member: Member) -> list[Certificate]:
    return list(db.session.scalars(
        sa.select(Certificate).where(Certificate.member_id == member.id)
        .order_by(Certificate.issued_on, Certificate.id)))


def _certificate(c: Certificate) -> tuple:
    return (c.serial, c.award_code, c.title, c.language, c.reached_on, c.issued_on,
            c.revoked_at is not None, c.revoked_at, c.revoke_reason)


def _services(member: Member) -> list[VolunteerService]:
    return list(db.session.scalars(
        sa.select(VolunteerService).options(selectinload(VolunteerService.drive))
        .where(VolunteerService.member_id == member.id)
        .order_by(VolunteerService.served_on, VolunteerService.id)))


def _service(s: VolunteerService) -> tuple:
    drive = s.drive
    return (s.id, s.served_on, s.hours, s.activity, drive.held_on if drive else None,
            drive.place if drive else None, s.role, s.note, s.voided_at is not None,
            s.voided_at, s.void_reason)


def _participations(member: Member) -> list[DriveParticipant]:
    return list(db.session.scalars(
        sa.select(DriveParticipant).options(selectinload(DriveParticipant.drive))
        .where(DriveParticipant.member_id == member.id).order_by(DriveParticipant.id)))


def _participation(p: DriveParticipant) -> tuple:
    return (p.drive.held_on, p.drive.place, p.drive.kind, p.invited_on, p.signed_up_on,
            p.attended, p.note)


def _referrals(condition) -> list[Referral]:
    return list(db.session.scalars(
        sa.select(Referral).options(selectinload(Referral.events)).where(condition)
        .order_by(Referral.referred_on, Referral.id)))


def _candidate(r: Referral) -> tuple:
    """Their own record as a candidate; who referred them is another member's business."""
    return (r.id, r.candidate_name, r.candidate_date_of_birth, r.candidate_sex,
            r.candidate_phone, r.candidate_email, r.registry_code, r.registry_donor_id,
            r.status, r.referred_on, r.consent_contact)


def _stages(r: Referral) -> list[dict]:
    # The stage notes are left out: they are written about the candidate by staff.
    return [{"status": _plain(e.status), "occurred_on": _plain(e.occurred_on),
             "product": e.product} for e in r.events]


def _audit_events(member: Member) -> list[AuditEvent]:
    return list(db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity_type == Member.__tablename__,
                                    AuditEvent.entity_id == member.id)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)))


def _fields(event: AuditEvent) -> list[str]:
    return sorted(set(event.before or {}) | set(event.after or {}))
