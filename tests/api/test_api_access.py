"""The API's permission matrix: every /api/v1 endpoint × every role, against club A's objects,
generated from the URL map.

No token is 401; club B's coordinator gets 404 for anything of club A and changes nothing;
club A's coordinator and admins get through; the member login reads only its own record
(member, donations, eligibility, awards) and gets 404 for everything else. An operation this
file does not know (method and path) fails the test until it is classified here (and, if it
takes a body, given one), like tests/web/test_access_matrix.py.
"""
import re
import tempfile
from datetime import date

import pytest
import sqlalchemy as sa
from werkzeug.routing import Rule

from donorclub import create_app
from donorclub.domain.serials import new_serial
from donorclub.extensions import db
from donorclub.models import (
    ApiToken,
    AuditEvent,
    Certificate,
    Club,
    Deferral,
    Donation,
    Member,
    Referral,
    ReferralEvent,
)

from .. import factories

NOT_IN_MATRIX = {"api-docs.openapi_json", "api_docs.index"}  # public, no token
ROLES = [None, "member_user", "coordinator_a", "coordinator_b", "admin"]
# Who besides no one may reach each endpoint with club A's objects:
#   any       every token holder (each sees only what is theirs)
#   admin     administrators only
#   staff     club A's coordinator and administrators
#   own       as staff, plus the member login reading its own record
AUDIENCES = {
    "GET /clubs": "any",
    "POST /clubs": "admin",
    "GET /clubs/{slug}/members": "staff",
    "POST /clubs/{slug}/members": "staff",
    "GET /members/{member_id}": "own",
    "PATCH /members/{member_id}": "staff",
    "GET /members/{member_id}/donations": "own",
    "POST /members/{member_id}/donations": "staff",
    "POST /donations/{donation_id}/void": "staff",
    "POST /members/{member_id}/deferrals": "staff",
    "GET /members/{member_id}/eligibility": "own",
    "GET /clubs/{slug}/eligible": "staff",
    "POST /clubs/{slug}/referrals": "staff",
    "GET /referrals/{referral_id}": "staff",
    "POST /referrals/{referral_id}/events": "staff",
    "GET /members/{member_id}/awards": "own",
    "POST /members/{member_id}/certificates": "staff",
}
ALLOWED = {
    "any": {"member_user", "coordinator_a", "coordinator_b", "admin"},
    "admin": {"admin"},
    "staff": {"coordinator_a", "admin"},
    "own": {"member_user", "coordinator_a", "admin"},
}
# A body each write accepts as to its shape, so that the request reaches the permission
# check (a malformed body is refused with 422 before any object is looked at).
BODIES = {
    "POST /clubs": {"slug": "matrix", "name": "Matrix", "rule_set": "uk", "locale": "en"},
    "POST /clubs/{slug}/members": {"full_name": "李四", "sex": "male",
                                   "date_of_birth": "1990-01-01"},
    "PATCH /members/{member_id}": {"phone": "13900000099"},
    "POST /members/{member_id}/donations": {"donated_on": "2025-09-01", "kind": "whole_blood",
                                            "volume_ml": 400},
    "POST /donations/{donation_id}/void": {"reason": "entered twice"},
    "POST /members/{member_id}/deferrals": {"reason": "dental_care", "starts_on": "2025-09-01",
                                            "ends_on": "2025-09-04"},
    "POST /clubs/{slug}/referrals": {"referrer_no": "0001", "candidate_name": "张伟",
                                     "registry": "cmdp", "candidate_phone": "13700000000"},
    "POST /referrals/{referral_id}/events": {"status": "consented", "on": "2025-02-01"},
    "POST /members/{member_id}/certificates": {"award": "donations-1"},
}
COUNTED = (AuditEvent, Club, Member, Donation, Deferral, Referral, ReferralEvent, Certificate,
           ApiToken)


def _rules() -> list[Rule]:
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"ENV_NAME": "testing", "INSTANCE_PATH": instance,
                          "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        return sorted((r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1")
                       and r.endpoint not in NOT_IN_MATRIX), key=lambda r: r.rule)


def operation(method: str, rule_text: str) -> str:
    """"GET /members/{member_id}" for the rule /api/v1/members/<int(max=...):member_id>: the
    contract fixes paths, not the names of the views behind them."""
    path = re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", rule_text.removeprefix("/api/v1"))
    return f"{method} {path}"


CASES = [(rule.rule, rule.endpoint, method)
         for rule in _rules() for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


@pytest.fixture
def objects(world) -> dict:
    """Club A's objects: member_a with a donation, a marrow referral and a certificate."""
    donation = factories.make_donation(world.member_a, date(2025, 1, 10), volume_ml=400)
    referral = factories.make_referral(world.member_a, [("referred", date(2025, 1, 12))],
                                       referred_on=date(2025, 1, 12))
    certificate = Certificate(serial=new_serial(), member_id=world.member_a.id,
                              award_code="donations-1", title="1 donation", language="en",
                              reached_on=date(2025, 1, 10), figures={"count": 1},
                              issued_on=date(2025, 1, 11))
    db.session.add(certificate)
    db.session.commit()
    return {"slug": world.club_a.slug, "member_id": world.member_a.id,
            "donation_id": donation.id, "referral_id": referral.id,
            "serial": certificate.serial}


def build_url(rule_text: str, endpoint: str, values: dict) -> str:
    url = rule_text
    for part in rule_text.split("<")[1:]:
        variable = part.split(">")[0]
        name = variable.split(":")[-1]
        if name not in values:
            pytest.fail(f"the API access matrix has no value for <{name}> of {endpoint}")
        url = url.replace(f"<{variable}>", str(values[name]))
    return url


def state() -> tuple:
    """Counts that a refused request must leave alone."""
    db.session.expire_all()
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in COUNTED)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "no_token")
@pytest.mark.parametrize(("rule_text", "endpoint", "method"), CASES)
def test_access(api, objects, role, rule_text, endpoint, method):
    name = operation(method, rule_text)
    audience = AUDIENCES.get(name)
    assert audience is not None, f"classify {name} in tests/api/test_api_access.py"
    body = BODIES.get(name)
    if method in ("POST", "PATCH", "PUT"):
        assert body is not None, f"give {name} a body in tests/api/test_api_access.py"
    client = api(role)
    url = build_url(rule_text, endpoint, objects)
    before = state()
    response = client.open(method, url, json=body)
    status = response.status_code
    assert status < 500, f"{method} {url} as {role}: {status}"

    if role is None:
        assert status == 401 and response.json["error"]["code"] == "unauthorized"
        assert state() == before
    elif role in ALLOWED[audience]:
        assert status not in (401, 404), f"{method} {url} as {role}: {status} {response.json}"
    else:
        assert status == 404, f"{method} {url} as {role}: {status}, expected 404"
        assert response.json["error"]["code"] == "not_found"
        assert state() == before


def test_the_matrix_covers_the_contract():
    routed = {operation(method, rule_text) for rule_text, _, method in CASES}
    assert set(AUDIENCES) <= routed, f"no longer routed: {set(AUDIENCES) - routed}"


def test_the_documentation_page_is_public_and_lists_every_operation(app, client):
    spec = app.extensions["donorclub.api"].spec.to_dict()
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    operations = [(method.upper(), path) for path, item in spec["paths"].items()
                  for method in item if method in ("get", "post", "patch", "put", "delete")]
    assert len(operations) == len(CASES)
    for method, path in operations:
        assert f"<code>{method} {path}</code>" in page
    assert 'href="/api/v1/openapi.json"' in page
    assert "referrer_no" in page and "per_page" in page  # body fields and parameters
    assert "http://" not in page.replace("http://localhost", "")  # nothing loaded from afar
