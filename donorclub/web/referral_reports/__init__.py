"""Marrow-referral reports: the stage funnel, the referrers' leaderboard and the CSV export."""
from flask import Blueprint

bp = Blueprint("referral_reports", __name__)

from . import views  # noqa: E402,F401
