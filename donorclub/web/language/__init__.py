"""The language switcher in every page's header."""
from flask import Blueprint

bp = Blueprint("language", __name__, url_prefix="/language")

from . import views  # noqa: E402,F401
