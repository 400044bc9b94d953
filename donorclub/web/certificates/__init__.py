"""Certificates: the club's list, what is due, issuing and printing, revoking and re-issuing,
and the club's certificate settings (signatory, logo, milestone steps)."""
from flask import Blueprint

bp = Blueprint("certificates", __name__, url_prefix="/clubs/<slug>/certificates")

from . import settings, views  # noqa: E402,F401
