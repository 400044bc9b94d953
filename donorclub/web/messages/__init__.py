"""The club's message log: what was sent to whom, for its coordinators and admins."""
from flask import Blueprint

bp = Blueprint("messages", __name__, url_prefix="/clubs/<slug>/messages")

from . import views  # noqa: E402,F401
