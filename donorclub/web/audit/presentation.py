"""The audit log as people read it: words for actions and records, local times, changes."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from ...domain.enums import AuditAction
from ...models import AuditEvent

ACTIONS = {
    AuditAction.CREATE: _l("Created"),
    AuditAction.UPDATE: _l("Changed"),
    AuditAction.VOID: _l("Voided"),
    AuditAction.REVOKE: _l("Revoked"),
    AuditAction.PRINT: _l("Printed"),
    AuditAction.LOGIN: _l("Signed in"),
    AuditAction.LOGIN_FAILED: _l("Sign-in failed"),
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
}


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code.replace("_", " ")))


def entity_label(code: str) -> str:
    return str(ENTITIES.get(code, code.replace("_", " ")))


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


def _readable(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def changes(before: dict | None, after: dict | None) -> list[Change]:
    """Every key either side mentions, in the order the event wrote them."""
    before, after = before or {}, after or {}
    keys = list(after) + [k for k in before if k not in after]
    return [Change(k, _readable(before.get(k)), _readable(after.get(k)), k in before,
                   k in after) for k in keys]


def local_time(moment: datetime, zone: tzinfo) -> str:
    """YYYY-MM-DD HH:MM in the zone; SQLite hands back UTC times without their offset."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def rows(events: list[AuditEvent], zone: tzinfo) -> list[EventRow]:
    return [EventRow(e, local_time(e.occurred_at, zone), action_label(e.action),
                     entity_label(e.entity_type), changes(e.before, e.after)) for e in events]


def day_bounds(since: date | None, until: date | None,
               zone: tzinfo) -> tuple[datetime | None, datetime | None]:
    """The filter's days as moments in the zone: from the start of `since` to the end of
    `until` (the start of the day after, which events_for leaves out)."""
    start = datetime.combine(since, time.min, zone) if since else None
    end = datetime.combine(until + timedelta(days=1), time.min, zone) if until else None
    return start, end
