"""A realistic day of work, logged at DEBUG, leaves no password, token, link token or
deferral reason in any log record."""
from __future__ import annotations

import email
import email.policy
import logging
import re
from datetime import date, timedelta

from donorclub.extensions import db
from donorclub.services.mail import outbox_path
from donorclub.services.member_links import issue_link

from .. import factories
from ..conftest import sign_in

TODAY = date.today()
WRONG_PASSWORD = "not my password 7f3a"
NEW_PASSWORD = "李的密码很长也很安全 2c9e"
REASON = "partner tested positive, clinic 4471"
API_TOKEN = re.compile(r"dc_[A-Za-z0-9_-]{20,}")


def _mailed_token(app) -> str:
    with app.app_context():
        (path,) = outbox_path().glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return re.search(r"/auth/reset/(\S+)", message.get_body(("plain",)).get_content()).group(1)


def test_a_days_work_leaves_no_secret_or_reason_in_any_log_record(app, world, caplog):
    caplog.set_level(logging.DEBUG)
    visitor, staff, newcomer = app.test_client(), app.test_client(), app.test_client()
    assert sign_in(visitor, world.coordinator_a.email, WRONG_PASSWORD).status_code != 302
    assert sign_in(staff, world.coordinator_a.email).status_code == 302

    assert visitor.post("/auth/forgot", data={"email": world.member_user.email}
                        ).status_code < 400
    reset_token = _mailed_token(app)
    assert visitor.get(f"/auth/reset/{reset_token}").status_code == 200

    factories.make_member(world.club_a, "0002", "李建华")
    db.session.commit()
    page = staff.post("/clubs/club-a/accounts", data={"member_no": "0002",
                                                      "email": "li@example.org"})
    invitation_token = re.search(r"/auth/invitation/([A-Za-z0-9_.\-]+)",
                                 page.get_data(as_text=True)).group(1)
    accepted = newcomer.post(f"/auth/invitation/{invitation_token}", data={
        "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert accepted.status_code == 302

    status_token = issue_link(None, world.member_a, "status")
    assert visitor.get(f"/s/{status_token}").status_code == 200

    api_token = API_TOKEN.search(staff.post("/account/tokens", data={"label": "platform"})
                                 .get_data(as_text=True)).group(0)
    bearer = {"Authorization": f"Bearer {api_token}"}
    member = f"/api/v1/members/{world.member_a.id}"
    donation = visitor.post(f"{member}/donations", headers=bearer, json={
        "donated_on": (TODAY - timedelta(days=1)).isoformat(), "kind": "whole_blood",
        "volume_ml": 400})
    assert donation.status_code == 201, donation.json
    deferral = visitor.post(f"{member}/deferrals", headers=bearer, json={
        "reason": "other", "note": REASON, "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=90)).isoformat()})
    assert deferral.status_code == 201, deferral.json
    assert visitor.get("/api/v1/clubs", headers={
        "Authorization": f"Bearer {api_token[:-4]}XXXX"}).status_code == 401
    assert REASON in staff.get(f"/clubs/club-a/members/{world.member_a.id}").get_data(
        as_text=True)
    export = staff.get("/clubs/club-a/export?table=deferrals&format=csv&lang=en")
    assert REASON in export.data.decode("utf-8-sig")

    records = caplog.records
    assert any("outbox" in r.getMessage() for r in records)  # the logs were captured
    text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in records)
    secrets = {"wrong password": WRONG_PASSWORD, "password": factories.PASSWORD,
               "new password": NEW_PASSWORD, "reset token": reset_token,
               "invitation token": invitation_token, "status token": status_token,
               "API token": api_token, "deferral reason": REASON}
    leaked = [name for name, secret in secrets.items() if secret in text]
    assert not leaked, f"in the log: {leaked}"
