"""A club's members and each member's record, for coordinators and admins."""
from flask import Blueprint

bp = Blueprint("members", __name__, url_prefix="/clubs/<slug>/members")

from . import links, views  # noqa: E402,F401
