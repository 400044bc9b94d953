"""National award nominations: who qualifies in a cycle, and the lists to send on."""
from flask import Blueprint

bp = Blueprint("nominations", __name__, url_prefix="/clubs/<slug>/nominations")

from . import views  # noqa: E402,F401
