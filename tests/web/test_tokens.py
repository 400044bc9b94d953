"""The API tokens page: create (shown once, and it works), list, revoke, only one's own."""
import re

import pytest
import sqlalchemy as sa

from donorclub.domain.enums import AuditAction
from donorclub.extensions import db
from donorclub.models import ApiToken, AuditEvent
from donorclub.services.accounts import issue_api_token

TOKEN = re.compile(r"dc_[A-Za-z0-9_-]{20,}")


def create(client, label="city platform"):
    return client.post("/account/tokens", data={"label": label})


def bearer(client, token):
    return client.get("/api/v1/clubs", headers={"Authorization": f"Bearer {token}"})


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.entity_type == "api_tokens").order_by(AuditEvent.id)))


@pytest.mark.parametrize("role", ["admin", "coordinator_a", "member_user"])
def test_every_signed_in_user_sees_the_page(signed_in, role):
    response = signed_in(role).get("/account/tokens")
    assert response.status_code == 200
    assert "You have no API tokens yet." in response.get_data(as_text=True)


def test_visitors_are_sent_to_sign_in(client, world):
    response = client.get("/account/tokens")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_new_token_is_shown_once_and_works_against_the_api(signed_in, world):
    client = signed_in("coordinator_a")
    response = create(client)
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    token = TOKEN.search(page).group(0)
    assert "shown only now" in page
    assert bearer(client, token).status_code == 200
    assert [c["slug"] for c in bearer(client, token).json["items"]] == ["club-a"]
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "city platform" in listing and token not in listing
    row = db.session.scalar(sa.select(ApiToken))
    assert row.user_id == world.coordinator_a.id and token not in row.token_hash
    assert actions() == [AuditAction.TOKEN_ISSUE.value]


@pytest.mark.parametrize(("label", "status"), [("", 422), ("x" * 121, 422)])
def test_a_bad_label_creates_nothing(signed_in, label, status):
    response = create(signed_in("admin"), label)
    assert response.status_code == status
    assert TOKEN.search(response.get_data(as_text=True)) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_revoking_makes_the_token_answer_401(signed_in, world):
    client = signed_in("member_user")
    token = TOKEN.search(create(client).get_data(as_text=True)).group(0)
    row = db.session.scalar(sa.select(ApiToken))
    response = client.post("/account/tokens/revoke", data={"token_id": row.id})
    assert response.status_code == 302
    assert bearer(client, token).status_code == 401
    db.session.refresh(row)
    assert row.revoked_at is not None
    assert actions() == [AuditAction.TOKEN_ISSUE.value, AuditAction.TOKEN_REVOKE.value]
    assert "revoked on" in client.get("/account/tokens").get_data(as_text=True)
    again = client.post("/account/tokens/revoke", data={"token_id": row.id})
    assert again.status_code == 302 and len(actions()) == 2  # nothing more to record


@pytest.mark.parametrize("token_id", ["other", "999999"])
def test_nobody_revokes_a_token_that_is_not_theirs(signed_in, world, token_id):
    theirs = issue_api_token(None, world.coordinator_b, label="b's")
    row = db.session.scalar(sa.select(ApiToken))
    value = row.id if token_id == "other" else token_id
    response = signed_in("admin").post("/account/tokens/revoke", data={"token_id": value})
    assert response.status_code == 404
    db.session.refresh(row)
    assert row.revoked_at is None
    assert bearer(signed_in("coordinator_b"), theirs).status_code == 200
    assert actions() == [AuditAction.TOKEN_ISSUE.value]


def test_a_revoke_without_a_token_id_changes_nothing(signed_in, world):
    issue_api_token(None, world.admin, label="mine")
    response = signed_in("admin").post("/account/tokens/revoke", data={"token_id": "x"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(ApiToken.revoked_at)) is None


def test_the_page_lists_only_the_users_own_tokens(signed_in, world):
    issue_api_token(None, world.coordinator_b, label="someone else's")
    issue_api_token(None, world.coordinator_a, label="my sheet")
    page = signed_in("coordinator_a").get("/account/tokens").get_data(as_text=True)
    assert "my sheet" in page and "someone else" not in page


def test_the_navigation_links_the_page(signed_in):
    page = signed_in("member_user").get("/account/tokens").get_data(as_text=True)
    assert 'href="/account/tokens"' in page
