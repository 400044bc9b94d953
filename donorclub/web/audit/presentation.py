"""The audit log as people read it: words for actions and records, local times, changes."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from ...domain.enums import AuditAction, Role
from ...models import AuditEvent
from ...services import download_audit
from ..drives.forms import DRIVE_KIND_LABELS
from ..formatting import day, local_time
from ..labels import label
from ..messages.presentation import CHANNEL_LABELS as MESSAGE_CHANNEL_LABELS
from ..messages.presentation import KIND_LABELS as MESSAGE_KIND_LABELS
from ..messages.presentation import STATUS_LABELS as MESSAGE_STATUS_LABELS
from ..referrals.forms import PRODUCT_LABELS
from ..transfer.forms import TABLE_CHOICES

ACTIONS = {
    AuditAction.CREATE: _l("Created"),
    AuditAction.UPDATE: _l("Changed"),
    AuditAction.VOID: _l("Voided"),
    AuditAction.REVOKE: _l("Revoked"),
    AuditAction.PRINT: _l("Printed"),
    AuditAction.LOGIN: _l("Signed in"),
    AuditAction.LOGIN_FAILED: _l("Sign-in failed"),
    AuditAction.LOGIN_LOCKED: _l("Locked after failed sign-ins"),
    AuditAction.UNLOCK: _l("Unlocked"),
    AuditAction.LOGOUT: _l("Signed out"),
    AuditAction.PASSWORD_CHANGE: _l("Changed password"),
    AuditAction.TOKEN_ISSUE: _l("API token issued"),
    AuditAction.TOKEN_REVOKE: _l("API token revoked"),
    AuditAction.COORDINATOR_ADD: _l("Coordinator added"),
    AuditAction.COORDINATOR_REMOVE: _l("Coordinator removed"),
    AuditAction.INVITE: _l("Invitation link issued"),
    AuditAction.DEACTIVATE: _l("Account deactivated"),
    AuditAction.REACTIVATE: _l("Account reactivated"),
    AuditAction.INVITATION_ACCEPT: _l("Invitation accepted"),
    AuditAction.PASSWORD_RESET_REQUEST: _l("Password reset link sent"),
    AuditAction.PASSWORD_RESET: _l("Password reset"),
    AuditAction.SESSION_END: _l("Session ended"),
    AuditAction.SESSIONS_END: _l("Signed out everywhere else"),
    AuditAction.EXPORT: _l("Exported a file"),
    AuditAction.DOWNLOAD: _l("Downloaded a PDF"),
    AuditAction.UNSUBSCRIBE: _l("Unsubscribed from messages"),
}
ENTITIES = {
    "clubs": _l("Club"),
    "users": _l("Account"),
    "members": _l("Member"),
    "donations": _l("Donation"),
    "deferrals": _l("Deferral"),
    "api_tokens": _l("API token"),
    "certificates": _l("Certificate"),
    "referrals": _l("Marrow referral"),
    "referral_events": _l("Referral stage"),
    "drives": _l("Drive"),
    "volunteer_services": _l("Volunteer service"),
    "user_sessions": _l("Session"),
    "outbox_messages": _l("Message to a member"),
}

# The words for the keys of an event's before/after: the columns of the audited models
# (tests/web/test_audit_labels.py fails when a new column has none) and the few keys the
# services write themselves. One entry per name where it means the same in every table.
FIELDS = {
    "id": _l("ID"),
    "club_id": _l("Club"),
    "member_id": _l("Member"),
    "drive_id": _l("Drive"),
    "user_id": _l("Account"),
    "referral_id": _l("Referral"),
    "created_at": _l("Created at"),
    "created_by_id": _l("Created by"),
    "updated_at": _l("Updated at"),
    "recorded_at": _l("Recorded at"),
    "recorded_by_id": _l("Recorded by"),
    "voided_at": _l("Voided at"),
    "voided_by_id": _l("Voided by"),
    "void_reason": _l("Reason for voiding"),
    "revoked_at": _l("Revoked at"),
    "revoked_by_id": _l("Revoked by"),
    "note": _l("Note"),
    "notes": _l("Notes"),
    "status": _l("Status"),
    "kind": _l("Kind of donation"),
    "locale": _l("Language"),
    "name": _l("Name"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "role": _l("Role"),
    "label": _l("Label"),
    # members
    "member_no": _l("Member no."),
    "full_name": _l("Full name"),
    "sex": _l("Sex"),
    "date_of_birth": _l("Date of birth"),
    "blood_group": _l("Blood group"),
    "weight_kg": _l("Weight (kg)"),
    "joined_on": _l("Joined on"),
    "status_nonce": _l("Personal status link"),
    "calendar_nonce": _l("Calendar link"),
    "status_link": _l("Personal status link"),
    "calendar_link": _l("Calendar link"),
    "consent_contact": _l("May be contacted"),
    "consent_public_verification": _l("Allows public verification"),
    "consent_leaderboard": _l("Shown on the leaderboard"),
    # donations
    "donated_on": _l("Date of the donation"),
    "volume_ml": _l("Volume (ml)"),
    "therapeutic_units": _l("Therapeutic units"),
    "site": _l("Site"),
    "blood_centre_certificate_no": _l("Blood centre certificate number"),
    "override_reason": _l("Why it is recorded anyway"),
    "overridden_reasons": _l("Rules overridden"),
    # deferrals
    "reason_code": _l("Reason"),
    "starts_on": _l("First day of the deferral"),
    "ends_on": _l("First day they may donate again"),
    "kinds": _l("Kinds of donation it blocks"),
    # drives and their participants
    "held_on": _l("Drive date"),
    "place": _l("Place"),
    "capacity": _l("Capacity"),
    "invited_on": _l("Invited on"),
    "signed_up_on": _l("Signed up on"),
    "attended": _l("Attended"),
    # marrow referrals and their stages
    "referrer_id": _l("Referrer"),
    "candidate_name": _l("Candidate's name"),
    "candidate_date_of_birth": _l("Candidate's date of birth"),
    "candidate_sex": _l("Candidate's sex"),
    "candidate_phone": _l("Candidate's phone"),
    "candidate_email": _l("Candidate's email"),
    "candidate_member_id": _l("Candidate (club member)"),
    "registry_code": _l("Registry"),
    "registry_donor_id": _l("Registry donor ID"),
    "referred_on": _l("Referred on"),
    "occurred_on": _l("Date"),
    "product": _l("Donated product"),
    # certificates
    "serial": _l("Serial"),
    "serials": _l("Serial"),
    "award_code": _l("Award"),
    "title": _l("Certificate title"),
    "language": _l("Printed in"),
    "reached_on": _l("Milestone reached on"),
    "figures": _l("Figures"),
    "issued_on": _l("Issued on"),
    "issued_by_id": _l("Issuer"),
    "revoke_reason": _l("Reason for revoking"),
    "replaces_id": _l("Replaces"),
    "verification_count": _l("Checked on the verification page"),
    # volunteer service
    "activity": _l("Activity"),
    "served_on": _l("Day of the service"),
    "hours": _l("Hours"),
    # clubs
    "club": _l("Club"),
    "slug": _l("Slug"),
    "rule_set": _l("Rule set"),
    "timezone": _l("Time zone"),
    "signatory_name": _l("Signed by"),
    "signatory_title": _l("Signatory's title"),
    "logo": _l("Logo"),
    "logo_type": _l("Logo format"),
    "milestones": _l("Milestones"),
    "quiet_from": _l("Quiet hours from"),
    "quiet_until": _l("Quiet hours until"),
    # members
    "preferred_kind": _l("Preferred kind for reminders"),
    # messages to members (the outbox)
    "channel": _l("Channel"),
    "recipient": _l("Sent to"),
    "subject": _l("Subject"),
    "body": _l("Text"),
    "context": _l("About"),
    "dedupe_key": _l("Event key"),
    "attempts": _l("Attempts"),
    "next_attempt_at": _l("Next attempt"),
    "claim_token": _l("Claim"),
    "claimed_by": _l("Claimed by"),
    "claimed_at": _l("Claimed at"),
    "sent_at": _l("Sent at"),
    "last_error": _l("Last error"),
    "cancel_reason": _l("Why it was cancelled"),
    # accounts and API tokens
    "active": _l("Can sign in"),
    "last_login_at": _l("Last sign-in"),
    "failed_logins": _l("Failed sign-ins in a row"),
    "locked_until": _l("Locked until"),
    "locked": _l("Refused while locked"),
    "last_used_at": _l("Last used"),
    # signed-in sessions
    "last_seen_at": _l("Last active"),
    "ended_at": _l("Ended at"),
    "end_reason": _l("Why it ended"),
    "user_agent": _l("Device"),
    "sessions_ended": _l("Sessions ended"),
    # downloaded files (services/download_audit.py)
    "file": _l("File"),
    "format": _l("Format"),
    "rows": _l("Rows"),
    "cycle": _l("Award cycle"),
    "table": _l("Records"),
    "on": _l("Day"),
    "since": _l("From"),
    "until": _l("Until"),
}
# Where a name means something else in one table.
FIELD_OVERRIDES = {
    ("referrals", "status"): _l("Stage"),
    ("referral_events", "status"): _l("Stage"),
    ("drives", "kind"): _l("Kind of drive"),
    ("outbox_messages", "kind"): _l("Kind of message"),
    ("members", "locale"): _l("Preferred language"),
    ("clubs", "locale"): _l("Default language"),
    ("clubs", "name"): _l("Club name"),
}

# Stored codes shown as words: by the label filter for these keys, by the maps below for
# codes it does not know. Anything else is shown as it is.
_CODED_KEYS = {"kind", "kinds", "sex", "candidate_sex", "status", "registry_code"}
_LANGUAGES = {"zh_Hans": "中文", "en": "English"}  # each in its own language, as the switcher
_LINK_STATES = {"issued": _l("Created"), "reissued": _l("Replaced"), "revoked": _l("Revoked")}
_FILES = {
    download_audit.NOMINATIONS: _l("Nomination list"),
    download_audit.ELIGIBLE: _l("Who can donate"),
    download_audit.REFERRALS: _l("Marrow referral report"),
    download_audit.DRIVE_INVITATIONS: _l("Drive invitation list"),
    download_audit.CLUB_EXPORT: _l("Club data export"),
    download_audit.MEMBER_DATA: _l("The member's own data"),
    download_audit.CALENDAR: _l("Donation calendar"),
    download_audit.MEMBER_CARD: _l("Member card"),
}
_FORMATS = {"csv": "CSV", "xlsx": _l("Excel (.xlsx)"), "pdf": "PDF", "json": "JSON",
            "zip": _l("zip of CSV files"), "ics": _l("Calendar file (.ics)")}
_TABLES = {choice.value: choice.label for choice in TABLE_CHOICES} | {"all": _l("Everything")}
VALUE_OVERRIDES = {
    ("drives", "kind"): {str(code): text for code, text in DRIVE_KIND_LABELS.items()},
    ("referral_events", "product"): PRODUCT_LABELS,
    ("outbox_messages", "status"): {str(k): v for k, v in MESSAGE_STATUS_LABELS.items()},
    ("outbox_messages", "kind"): {str(k): v for k, v in MESSAGE_KIND_LABELS.items()},
    ("outbox_messages", "channel"): {str(k): v for k, v in MESSAGE_CHANNEL_LABELS.items()},
    ("users", "role"): {Role.ADMIN.value: _l("Administrator"),
                        Role.COORDINATOR.value: _l("Coordinator"),
                        Role.MEMBER.value: _l("Member")},
}
_VALUES_BY_KEY = {"locale": _LANGUAGES, "language": _LANGUAGES,
                  "status_link": _LINK_STATES, "calendar_link": _LINK_STATES,
                  "file": _FILES, "format": _FORMATS, "table": _TABLES}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code.replace("_", " ")))


def entity_label(code: str) -> str:
    return str(ENTITIES.get(code, code.replace("_", " ")))


def field_label(entity_type: str, key: str) -> str:
    """The word for a key of an event about `entity_type`; an unknown key is shown as it is."""
    text = FIELD_OVERRIDES.get((entity_type, key)) or FIELDS.get(key)
    return str(text) if text is not None else key


def _word(entity_type: str, key: str, value: str) -> str:
    words = VALUE_OVERRIDES.get((entity_type, key)) or _VALUES_BY_KEY.get(key)
    if words is not None:
        return str(words.get(value, value))
    if key in _CODED_KEYS:
        return label(value)
    if _ISO_DAY.fullmatch(value):
        try:
            return day(date.fromisoformat(value))
        except ValueError:
            return value
    return value


def field_value(entity_type: str, key: str, value: Any) -> str | None:
    """A value of an event as people read it: Yes/No, words for codes, local dates; None
    for no value. Numbers (ids too) and other text are shown as they are."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str):
        return _word(entity_type, key, value)
    if isinstance(value, list):
        return ", ".join(_word(entity_type, key, v) if isinstance(v, str) else str(v)
                         for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def action_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("Any"))] + [
        SelectChoice(str(code), str(text)) for code, text in ACTIONS.items()]


def entity_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("Any"))] + [
        SelectChoice(code, str(text)) for code, text in ENTITIES.items()]


@dataclass(frozen=True)
class Change:
    """One key of an event: its old value, its new one, or both (None = no such side)."""

    key: str
    old: str | None
    new: str | None
    has_old: bool
    has_new: bool


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    when: str
    action: str
    entity: str
    changes: list[Change]


def changes(before: dict | None, after: dict | None, entity_type: str = "") -> list[Change]:
    """Every key either side mentions, in the order the event wrote them, with readable values
    (the template names the key with field_label)."""
    before, after = before or {}, after or {}
    keys = list(after) + [k for k in before if k not in after]
    return [Change(k, field_value(entity_type, k, before.get(k)),
                   field_value(entity_type, k, after.get(k)), k in before, k in after)
            for k in keys]


def rows(events: list[AuditEvent], zone: tzinfo) -> list[EventRow]:
    return [EventRow(e, local_time(e.occurred_at, zone), action_label(e.action),
                     entity_label(e.entity_type), changes(e.before, e.after, e.entity_type))
            for e in events]


def day_bounds(since: date | None, until: date | None,
               zone: tzinfo) -> tuple[datetime | None, datetime | None]:
    """The filter's days as moments in the zone: from the start of `since` to the end of
    `until` (the start of the day after, which events_for leaves out)."""
    start = datetime.combine(since, time.min, zone) if since else None
    end = datetime.combine(until + timedelta(days=1), time.min, zone) if until else None
    return start, end
