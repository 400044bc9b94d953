"""Access decorators for views: who may call an endpoint at all (object scoping is in services)."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..domain.enums import Role


def roles_required(*roles: Role):
    """Log in first; then allow only these roles. Others get 404 so nothing leaks."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = roles_required(Role.ADMIN, Role.COORDINATOR)
member_required = roles_required(Role.MEMBER)
