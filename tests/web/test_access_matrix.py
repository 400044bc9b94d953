"""Every endpoint × every role × own and foreign objects, generated from the URL map.

A coordinator of one club must get 404 for anything of another club and change nothing; a
member login gets 404 on staff pages; visitors are sent to sign in. An endpoint this file
does not know fails the test until it is classified here.
"""
import tempfile

import pytest
import sqlalchemy as sa
from werkzeug.routing import Rule

from donorclub import create_app
from donorclub.domain.enums import Role
from donorclub.extensions import db
from donorclub.models import AuditEvent, Deferral, Donation, Member, User

from .. import factories
from ..conftest import sign_in

PUBLIC = {"static", "auth.login", "auth.invitation", "rules.index", "rules.detail",
          "verify.index", "verify.detail", "status.detail", "calendar_feed.detail",
          "auth.forgot", "auth.reset", "language.choose", "unsubscribe.detail",
          "unsubscribe.stop"}
SIGNED_IN = {"dashboard.index", "auth.logout", "auth.change_password",
             "tokens.index", "tokens.create", "tokens.revoke",
             "auth.sessions", "auth.end_session", "auth.end_other_sessions"}
MEMBER_PREFIX = "portal."
# Member pages about one object: the matrix's object is club B's, which the member login
# (club A's member) must not reach either; their own objects are tested in test_portal.py.
MEMBER_FOREIGN = {"portal.certificate"}
ADMIN_PREFIX = "admin."
# Where an endpoint's <user_id> means someone other than club B's member login.
ENDPOINT_VALUES = {"admin.remove_coordinator": {"user_id": "coordinator_b"}}
ROLES = ["anonymous", "member_user", "coordinator_a", "coordinator_b", "admin"]


def _rules() -> list[Rule]:
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"ENV_NAME": "testing", "INSTANCE_PATH": instance,
                          "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        return sorted(app.url_map.iter_rules(), key=lambda r: r.rule)


def audience(rule: Rule) -> str:
    if rule.endpoint in PUBLIC:
        return "public"
    if rule.endpoint.startswith(ADMIN_PREFIX):
        return "admin"
    if rule.endpoint in MEMBER_FOREIGN:
        return "member_foreign"
    if rule.endpoint.startswith(MEMBER_PREFIX):
        return "member"
    if rule.endpoint in SIGNED_IN:
        return "signed_in"
    if "slug" in rule.arguments:
        return "club_staff"
    return "unclassified"


def is_api(rule: Rule) -> bool:
    """The JSON API authenticates by token, not session: tests/api/ has its own matrix."""
    return rule.rule.startswith("/api/")


CASES = [
    (rule.rule, rule.endpoint, method)
    for rule in _rules()
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    if audience(rule) != "public" and not is_api(rule)
]


@pytest.fixture
def objects(world):
    """Club B's member with a donation, a deferral and a member login: the foreign side.
    Club B follows China's rules here so that its national award nominations exist, and has
    a logo and a certificate."""
    import io
    from datetime import date

    from PIL import Image

    from donorclub.domain.enums import DriveKind, MessageChannel, MessageKind, MessageStatus
    from donorclub.domain.serials import new_serial
    from donorclub.models import Certificate, Drive, OutboxMessage, Referral, VolunteerService

    donation = factories.make_donation(world.member_b, date(2025, 1, 10), volume_ml=500)
    deferral = factories.make_deferral(world.member_b, date(2025, 2, 1), date(2025, 5, 1))
    login = factories.make_user("member-b@example.org", Role.MEMBER, member=world.member_b)
    drive = Drive(club_id=world.club_b.id, held_on=date(2025, 1, 10), place="Library",
                  kind=DriveKind.BLOOD)
    db.session.add(drive)
    service = VolunteerService(member_id=world.member_b.id, served_on=date(2025, 3, 1), hours=2,
                               activity="Stand at the mall")
    db.session.add(service)
    referral = Referral(club_id=world.club_b.id, referrer_id=world.member_b.id,
                        candidate_name="Sam Lee", registry_code="nmdp",
                        referred_on=date(2025, 3, 1))
    db.session.add(referral)
    logo = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(logo, "PNG")
    world.club_b.rule_set, world.club_b.logo, world.club_b.logo_type = (
        "cn", logo.getvalue(), "image/png")
    world.member_b.status_nonce = "0" * 32  # a status link, so its member card exists
    certificate = Certificate(serial=new_serial(), member_id=world.member_b.id,
                              award_code="donations-1", title="1 donation", language="en",
                              reached_on=date(2025, 1, 10), figures={"count": 1},
                              issued_on=date(2025, 1, 11))
    db.session.add(certificate)
    message = OutboxMessage(club_id=world.club_b.id, member_id=world.member_b.id,
                            kind=MessageKind.DONATION_THANKS, channel=MessageChannel.EMAIL,
                            recipient="emma@example.org", locale="en", subject="Thank you",
                            body="Thank you for giving.", context={}, dedupe_key="matrix",
                            status=MessageStatus.FAILED, attempts=8, last_error="550 no")
    db.session.add(message)
    db.session.commit()
    return {"slug": world.club_b.slug, "member_id": world.member_b.id,
            "donation_id": donation.id, "deferral_id": deferral.id, "user_id": login.id,
            "code": "us", "token": "not-a-real-token", "drive_id": drive.id,
            "service_id": service.id, "referral_id": referral.id,
            "serial": certificate.serial, "message_id": message.id}


def build_url(rule_text: str, endpoint: str, values: dict) -> str:
    url = rule_text
    for part in rule_text.split("<")[1:]:
        name = part.split(">")[0].split(":")[-1]
        if name not in values:
            pytest.fail(f"the access matrix has no value for <{name}> of {endpoint}: add one")
        url = url.replace(f"<{part.split('>')[0]}>", str(values[name]))
    return url


def state() -> tuple:
    """Counts that any forbidden request must leave alone."""
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (AuditEvent, Member, Donation, Deferral, User))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("rule_text", "endpoint", "method"), CASES)
def test_access(app, world, objects, role, rule_text, endpoint, method):
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
    kind = audience(rule)
    assert kind != "unclassified", f"classify {endpoint} in tests/web/test_access_matrix.py"
    client = app.test_client()
    if role != "anonymous":
        assert sign_in(client, getattr(world, role).email).status_code == 302
    values = {**objects, **{k: getattr(world, v).id
                            for k, v in ENDPOINT_VALUES.get(endpoint, {}).items()}}
    url = build_url(rule_text, endpoint, values)
    before = state()
    response = client.open(url, method=method, data={})
    status = response.status_code
    assert status < 500, f"{method} {url} as {role}: {status}"

    if role == "anonymous":
        assert status == 302 and "/auth/login" in response.headers["Location"]
        assert state() == before
        return
    allowed = {
        "admin": role == "admin",
        "member": role == "member_user",
        "member_foreign": False,
        "signed_in": True,
        # Club B's pages: its coordinator and admins, nobody else.
        "club_staff": role in ("coordinator_b", "admin"),
    }[kind]
    if allowed:
        assert status != 404, f"{method} {url} as {role} should be allowed"
    else:
        assert status == 404, f"{method} {url} as {role}: {status}, expected 404"
        after = state()
        # A refused request may only add the sign-in's own audit events, never change data.
        assert after[1:] == before[1:] and after[0] == before[0]


def test_the_matrix_covers_the_features():
    endpoints = {endpoint for _, endpoint, _ in CASES}
    # admin.unlock (lifting a sign-in lock) is an admin page through ADMIN_PREFIX.
    assert {"members.detail", "members.edit", "donations.create", "admin.unlock"} <= endpoints
