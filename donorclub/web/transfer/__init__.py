"""Import and export of a club's history (CSV and Excel), for the club's staff."""
from flask import Blueprint

bp = Blueprint("transfer", __name__, url_prefix="/clubs/<slug>")

from . import views  # noqa: E402,F401
