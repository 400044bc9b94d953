"""Donations: recording them (from the member page or the fast-entry screen) and voiding them."""
from flask import Blueprint

bp = Blueprint("donations", __name__, url_prefix="/clubs/<slug>")

from . import entry, views  # noqa: E402,F401
