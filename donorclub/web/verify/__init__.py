"""Public certificate verification: anyone with a serial (or the QR code) can check it."""
from flask import Blueprint

bp = Blueprint("verify", __name__, url_prefix="/verify")

from . import views  # noqa: E402,F401
