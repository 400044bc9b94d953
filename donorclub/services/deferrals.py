"""Deferrals: recorded from the club's catalogue of reasons or in free text, and ended early."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ..domain.dates import add_months
from ..domain.enums import AuditAction
from ..domain.rulesets import RuleSet
from ..extensions import db
from ..models import Deferral, Member, User
from . import audit, message_events
from .errors import InvalidInput, NotFound
from .member_locks import lock_members
from .rules import rule_set_for

OTHER = "other"
MIN_FREE_TEXT, MAX_NOTE = 3, 500
# Dates outside these bounds are typing mistakes (a wrong year), not real deferrals.
MAX_YEARS_BACK = 10
MAX_MONTHS_AHEAD = 12
MAX_YEARS_LONG = 10  # longer than this: record it as indefinite


def record_deferral(actor: User, member: Member, reason_code: str | None, free_text: str,
                    starts_on: date, ends_on: date | None, indefinite: bool,
                    kinds: list[str] | None, *, today: date | None = None) -> Deferral:
    """Record a period in which the member may not donate.

    A catalogue reason (`rule_set.deferral_reasons`) gives the default end, counted from
    `starts_on`, when `ends_on` is None and `indefinite` is false, and the kinds it blocks when
    `kinds` is None; `free_text` is then an optional note. Without a catalogue reason (None or
    "other") `free_text` is the reason and is required, and so is an end date unless the
    deferral is indefinite. `kinds` covering every kind of the rule set is stored as None.
    Queued "you can donate again" messages of the member are cancelled with it. Raises
    InvalidInput with field messages.
    """
    today = today or date.today()
    rule_set = rule_set_for(member.club)
    code = (reason_code or "").strip() or OTHER
    text = (free_text or "").strip()
    reason = rule_set.deferral_reasons.get(code)
    fields = {}
    if code != OTHER and reason is None:
        fields["reason_code"] = _("Choose a reason from the list, or Other.")
    if code == OTHER and len(text) < MIN_FREE_TEXT:
        fields["free_text"] = _("Describe the reason (at least %(n)d characters).",
                                n=MIN_FREE_TEXT)
    if len(text) > MAX_NOTE:
        fields["free_text"] = _("Keep it under %(n)d characters.", n=MAX_NOTE)
    fields.update(_start_problems(member, starts_on, today))
    if indefinite and ends_on is not None:
        fields["ends_on"] = _("An indefinite deferral has no end date: clear the date or "
                              "untick indefinite.")
    elif not indefinite and ends_on is None:
        if code == OTHER:
            fields["ends_on"] = _("Give the first day they may donate again, or tick "
                                  "indefinite.")
        elif reason is not None and "starts_on" not in fields:
            ends_on = reason.ends_on(starts_on)  # None when the catalogue says indefinite
    if ends_on is not None and "starts_on" not in fields and "ends_on" not in fields:
        fields.update(_end_problems(starts_on, ends_on))
    stored_kinds, problem = _kinds_to_store(rule_set, kinds, reason)
    if problem:
        fields["kinds"] = problem
    if fields:
        raise InvalidInput(_("The deferral was not recorded."), fields)

    # A donation being checked for this member at the same moment sees this deferral or
    # commits before it is written.
    lock_members(member)
    deferral = Deferral(member=member, reason_code=code, starts_on=starts_on,
                        ends_on=None if indefinite else ends_on, kinds=stored_kinds, note=text,
                        recorded_by_id=actor.id)
    db.session.add(deferral)
    audit.record(actor, AuditAction.CREATE, deferral, after=audit.snapshot(deferral),
                 club_id=member.club_id)
    message_events.deferral_recorded(deferral)
    db.session.commit()
    return deferral


def _start_problems(member: Member, starts_on: date | None, today: date) -> dict[str, str]:
    if starts_on is None:
        return {"starts_on": _("Give the first day of the deferral.")}
    if starts_on < member.date_of_birth:
        return {"starts_on": _("The date is before the member was born.")}
    if starts_on < add_months(today, -12 * MAX_YEARS_BACK):
        return {"starts_on": _("The start is more than %(n)d years ago; check the year.",
                               n=MAX_YEARS_BACK)}
    if starts_on > add_months(today, MAX_MONTHS_AHEAD):
        return {"starts_on": _("The start is more than %(n)d months ahead; check the year.",
                               n=MAX_MONTHS_AHEAD)}
    return {}


def _end_problems(starts_on: date, ends_on: date) -> dict[str, str]:
    if ends_on <= starts_on:
        return {"ends_on": _("The end must be after the start (%(date)s).",
                             date=starts_on.isoformat())}
    if ends_on > add_months(starts_on, 12 * MAX_YEARS_LONG):
        return {"ends_on": _("That is more than %(n)d years; tick indefinite instead.",
                             n=MAX_YEARS_LONG)}
    return {}


def _kinds_to_store(rule_set: RuleSet, kinds: list[str] | None,
                    reason) -> tuple[list[str] | None, str]:
    """(kinds to store, problem): the catalogue's kinds when none are given; None = all."""
    if kinds is None:
        return (sorted(reason.kinds) if reason is not None and reason.kinds else None), ""
    if not kinds:
        return None, _("Choose at least one kind, or every kind.")
    unknown = [k for k in kinds if k not in rule_set.kinds]
    if unknown:
        return None, _("The club's rules have no kind %(kind)s.", kind=unknown[0])
    chosen = [k for k in rule_set.kinds if k in kinds]
    return (None if len(chosen) == len(rule_set.kinds) else chosen), ""


def get_deferral(member: Member, deferral_id: int) -> Deferral:
    """One of the member's deferrals; NotFound when it belongs to someone else or nobody."""
    deferral = db.session.get(Deferral, deferral_id)
    if deferral is None or deferral.member_id != member.id:
        raise NotFound(_("Deferral not found."))
    return deferral


def end_deferral_early(actor: User, deferral: Deferral, ends_on: date | None,
                       note: str = "") -> Deferral:
    """Move the end (the first day the member may donate again) to an earlier day: not before
    the start and earlier than the current end; an indefinite deferral may get any end after
    its start (up to the longest a deferral may last). `note`, optional, is added to the
    deferral's note. Raises InvalidInput."""
    note = (note or "").strip()
    fields = {}
    if ends_on is None:
        fields["ends_on"] = _("Give the first day they may donate again.")
    elif ends_on < deferral.starts_on:
        fields["ends_on"] = _("The end cannot be before the start (%(date)s).",
                              date=deferral.starts_on.isoformat())
    elif deferral.ends_on is not None and ends_on >= deferral.ends_on:
        fields["ends_on"] = _("Choose a day before the current end (%(date)s).",
                              date=deferral.ends_on.isoformat())
    elif ends_on > add_months(deferral.starts_on, 12 * MAX_YEARS_LONG):
        fields["ends_on"] = _("That is more than %(n)d years after the start.", n=MAX_YEARS_LONG)
    if len(note) > MAX_NOTE:
        fields["note"] = _("Keep it under %(n)d characters.", n=MAX_NOTE)
    if fields:
        raise InvalidInput(_("The deferral was not changed."), fields)

    before = audit.snapshot(deferral)
    deferral.ends_on = ends_on
    if note:
        deferral.note = f"{deferral.note}\n{note}" if deferral.note else note
    old, new = audit.changed(before, audit.snapshot(deferral))
    audit.record(actor, AuditAction.UPDATE, deferral, before=old, after=new,
                 club_id=deferral.member.club_id)
    db.session.commit()
    return deferral
