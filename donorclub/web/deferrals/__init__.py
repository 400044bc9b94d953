"""Deferrals of one member: recording them and ending them early, for coordinators and admins."""
from flask import Blueprint

bp = Blueprint("deferrals", __name__,
               url_prefix="/clubs/<slug>/members/<int:member_id>/deferrals")

from . import views  # noqa: E402,F401
