"""Voiding a record (a donation, volunteer hours): it stays, marked who, when and why."""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import gettext as _

from ..domain.enums import AuditAction
from ..extensions import db
from ..models import User
from ..models.types import utcnow
from . import audit
from .errors import Conflict, InvalidInput

MIN_VOID_REASON, MAX_VOID_REASON = 3, 500


def void_row(actor: User, row, reason: str, already_voided: str, *,
             also: Callable[[], object] | None = None):
    """Mark `row` (a model with voided_at, voided_by_id, void_reason and a member) voided;
    `also`, when given, runs after the void and commits with it (cancelling messages about
    the row).

    Raises InvalidInput without a reason of 3 to 500 characters and Conflict with
    `already_voided` when it is voided already, also when a concurrent request got there
    first: the update only applies to a row that is not voided yet.
    """
    reason = (reason or "").strip()
    if not MIN_VOID_REASON <= len(reason) <= MAX_VOID_REASON:
        message = _("Say why it is voided, in %(min)d to %(max)d characters.",
                    min=MIN_VOID_REASON, max=MAX_VOID_REASON)
        raise InvalidInput(message, {"reason": message})
    if row.voided_at is not None:
        raise Conflict(already_voided)
    model = type(row)
    before = audit.snapshot(row)
    result = db.session.execute(
        sa.update(model)
        .where(model.id == row.id, model.voided_at.is_(None))
        .values(voided_at=utcnow(), voided_by_id=actor.id, void_reason=reason)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(already_voided)
    db.session.refresh(row)
    old, new = audit.changed(before, audit.snapshot(row))
    audit.record(actor, AuditAction.VOID, row, before=old, after=new,
                 club_id=row.member.club_id)
    if also is not None:
        also()
    db.session.commit()
    return row
