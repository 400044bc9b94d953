"""The member's own data as a download (JSON, or a zip of CSV files), noted in the audit
log."""
from __future__ import annotations

from datetime import date

from flask_login import current_user

from ...models import Member
from ...services import download_audit, member_data, members
from ..downloads import download
from ..permissions import member_required
from . import bp


def _send(member: Member, fmt: str, name: str, data: bytes, mimetype: str):
    download_audit.record_download(current_user._get_current_object(), member,
                                   download_audit.MEMBER_DATA, fmt)
    return download(name, data, mimetype)


@bp.route("/data.json")
@member_required
def data_json():
    member, today = members.get_member(current_user, current_user.member_id), date.today()
    return _send(member, "json", member_data.export_filename(member, today, "json"),
                 member_data.json_bytes(member, today), "application/json")


@bp.route("/data.zip")
@member_required
def data_zip():
    member, today = members.get_member(current_user, current_user.member_id), date.today()
    return _send(member, "zip", member_data.export_filename(member, today, "zip"),
                 member_data.zip_bytes(member, today), "application/zip")
