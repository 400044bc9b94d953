"""The member's subscribable calendar: public, opened by the secret token in its URL."""
from flask import Blueprint

bp = Blueprint("calendar_feed", __name__, url_prefix="/calendar")

from . import views  # noqa: E402,F401
