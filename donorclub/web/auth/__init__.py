"""Signing in and out, changing one's password, and one's signed-in sessions."""
from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from . import session_views, sessions, views  # noqa: E402,F401
