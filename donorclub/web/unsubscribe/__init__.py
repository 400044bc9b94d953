"""The link at the foot of every message: stops the messages without signing in."""
from flask import Blueprint

bp = Blueprint("unsubscribe", __name__, url_prefix="/unsubscribe")

from . import views  # noqa: E402,F401
