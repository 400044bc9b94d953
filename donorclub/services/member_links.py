"""A member's personal links (the read-only status page and the calendar feed): unguessable,
signed from a random value kept on the member, revoked by replacing that value."""
from __future__ import annotations

import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..domain.enums import AuditAction
from ..extensions import db
from ..models import Member, User
from . import audit

KINDS = {"status": "status_nonce", "calendar": "calendar_nonce"}


def _serializer(kind: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"donorclub.{kind}-link")


def token_for(member: Member, kind: str) -> str | None:
    """The member's current token of this kind, or None when there is no link."""
    nonce = getattr(member, KINDS[kind])
    return None if nonce is None else _serializer(kind).dumps([member.id, nonce])


def issue_link(actor: User | None, member: Member, kind: str) -> str:
    """Create the link, or replace it (the old one stops working at once); returns the token.
    The change is audited without the token itself."""
    had = getattr(member, KINDS[kind]) is not None
    setattr(member, KINDS[kind], secrets.token_hex(16))
    audit.record(actor, AuditAction.UPDATE, member, before={f"{kind}_link": had},
                 after={f"{kind}_link": "reissued" if had else "issued"})
    db.session.commit()
    return token_for(member, kind)


def revoke_link(actor: User | None, member: Member, kind: str) -> None:
    """Remove the link: its token no longer opens anything."""
    if getattr(member, KINDS[kind]) is None:
        return
    setattr(member, KINDS[kind], None)
    audit.record(actor, AuditAction.UPDATE, member, before={f"{kind}_link": True},
                 after={f"{kind}_link": "revoked"})
    db.session.commit()


def member_for(token: str, kind: str) -> Member | None:
    """The member a token opens, or None for a forged, malformed or revoked token."""
    try:
        member_id, nonce = _serializer(kind).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(member_id, int) or not isinstance(nonce, str):
        return None
    member = db.session.get(Member, member_id)
    if member is None or getattr(member, KINDS[kind]) is None:
        return None
    if not secrets.compare_digest(getattr(member, KINDS[kind]), nonce):
        return None
    return member

