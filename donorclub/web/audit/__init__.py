"""Per-club staff pages: the club's audit log, and its accounts and member-login invitations."""
from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/clubs/<slug>")

from . import accounts, views  # noqa: E402,F401
