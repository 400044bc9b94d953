"""Member self-service: a member's own record."""
from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/me")

from . import calendar, data, views  # noqa: E402,F401
