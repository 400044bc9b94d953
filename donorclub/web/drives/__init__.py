"""Drives: planning group donation and marrow-recruitment days, inviting, and recording them."""
from flask import Blueprint

bp = Blueprint("drives", __name__, url_prefix="/clubs/<slug>/drives")

from . import donations, views  # noqa: E402,F401
