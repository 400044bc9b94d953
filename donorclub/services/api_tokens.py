"""API tokens of the signed-in user: listing them and revoking one (issuing is in accounts)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..domain.enums import AuditAction
from ..extensions import db
from ..models import ApiToken, User
from ..models.types import utcnow
from . import audit
from .errors import NotFound


def list_tokens(user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included (so the history stays visible)."""
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens; from then on it answers 401. Revoking a revoked
    token changes nothing. Raises NotFound for an unknown id or another user's token, so
    nobody learns which ids exist."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != actor.id:
        raise NotFound(_("No such API token."))
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(actor, AuditAction.TOKEN_REVOKE, row,
                     after={"user_id": actor.id, "label": row.label})
        db.session.commit()
    return row
