"""Ends the session of an account deactivated while it was signed in."""
from flask import request, session
from flask_login import current_user, logout_user

from . import bp


@bp.before_app_request
def end_deactivated_session():
    """Flask-Login already treats an inactive user as signed out; dropping the session too
    means reactivating the account later does not quietly resume it."""
    if request.endpoint == "static" or current_user.is_anonymous:
        return
    if not current_user.is_active:
        logout_user()
        session.clear()
