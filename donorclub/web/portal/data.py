"""The member's own data as a download (JSON, or a zip of CSV files)."""
from __future__ import annotations

from datetime import date

from flask_login import current_user

from ...services import member_data, members
from ..downloads import download
from ..permissions import member_required
from . import bp


@bp.route("/data.json")
@member_required
def data_json():
    member, today = members.get_member(current_user, current_user.member_id), date.today()
    return download(member_data.export_filename(member, today, "json"),
                    member_data.json_bytes(member, today), "application/json")


@bp.route("/data.zip")
@member_required
def data_zip():
    member, today = members.get_member(current_user, current_user.member_id), date.today()
    return download(member_data.export_filename(member, today, "zip"),
                    member_data.zip_bytes(member, today), "application/zip")
