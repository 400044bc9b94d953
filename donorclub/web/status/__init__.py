"""The public, read-only status page a member's card opens (no password)."""
from flask import Blueprint

bp = Blueprint("status", __name__, url_prefix="/s")

from . import views  # noqa: E402,F401
