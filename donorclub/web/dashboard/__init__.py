"""The start page after signing in, each club's dashboard and who can donate on a day."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from . import views  # noqa: E402,F401
