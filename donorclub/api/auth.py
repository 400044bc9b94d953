"""Bearer-token authentication for the API: every request names its user by a token."""
from __future__ import annotations

from flask import abort, g, request

from ..models import User
from ..services.accounts import user_for_token


def require_token() -> None:
    """Before every API view: the active user of a valid, unrevoked token, or 401."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = user_for_token(token.strip()) if scheme.lower() == "bearer" and token else None
    if user is None:
        abort(401, "Send a valid API token as `Authorization: Bearer TOKEN`.")
    g.api_user = user


def api_user() -> User:
    """The user the request's token belongs to (set by require_token)."""
    return g.api_user
