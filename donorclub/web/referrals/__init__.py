"""Marrow-registry referrals: the club's list, recording a referral, its timeline and stages."""
from flask import Blueprint

bp = Blueprint("referrals", __name__, url_prefix="/clubs/<slug>/referrals")

from . import views  # noqa: E402,F401
