"""Volunteer hours: one member's (record, void) and the club's (overview, group entry)."""
from flask import Blueprint

bp = Blueprint("volunteering", __name__, url_prefix="/clubs/<slug>")

from . import views  # noqa: E402,F401
