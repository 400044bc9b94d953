"""Administration for admins: clubs, coordinators, every account and the whole audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import clubs, sessions, users  # noqa: E402,F401
