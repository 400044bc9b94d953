"""The signed-in user's API tokens: list, create (shown once) and revoke."""
from flask import Blueprint

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")

from . import views  # noqa: E402,F401
