"""Recording donations from a member's page."""
from flask import Blueprint

bp = Blueprint("donations", __name__, url_prefix="/clubs/<slug>/members/<int:member_id>/donations")

from . import views  # noqa: E402,F401
