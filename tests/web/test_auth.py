"""Signing in and out, changing passwords, session cookies."""
import sqlalchemy as sa

from donorclub.extensions import db
from donorclub.models import AuditEvent, User
from donorclub.services.passwords import verify_password

from ..conftest import sign_in
from ..factories import PASSWORD


def test_login_page_renders(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert b'name="email"' in response.data and b'name="password"' in response.data


def test_coordinator_signs_in_and_sees_their_club(client, world):
    response = sign_in(client, "coord-a@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Anshan Steel Donors" in page
    assert "Riverside Donors" not in page


def test_email_is_matched_without_regard_to_case(client, world):
    assert sign_in(client, "Coord-A@Example.org").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, world):
    response = sign_in(client, "coord-a@example.org", "not the password")
    assert response.status_code == 422
    assert "The email or the password is not right." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out
    failed = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "login_failed")
    ).all()
    assert len(failed) == 1 and failed[0].actor_id == world.coordinator_a.id


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, world):
    response = sign_in(client, "nobody@example.org")
    assert response.status_code == 422
    assert "The email or the password is not right." in response.get_data(as_text=True)


def test_inactive_account_cannot_sign_in(client, world):
    world.coordinator_a.active = False
    db.session.commit()
    assert sign_in(client, "coord-a@example.org").status_code == 422


def test_successful_login_is_audited(client, world):
    sign_in(client, "coord-a@example.org")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "login"))
    assert event.actor_id == world.coordinator_a.id


def test_next_parameter_is_followed_only_for_local_paths(client, world):
    response = client.post("/auth/login?next=/clubs/club-a/members/",
                           data={"email": "coord-a@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/clubs/club-a/members/"
    client.post("/auth/logout")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(f"/auth/login?next={target}",
                               data={"email": "coord-a@example.org", "password": PASSWORD})
        assert response.headers["Location"] == "/", target
        client.post("/auth/logout")


def test_logout_is_post_only_and_signs_out(signed_in):
    client = signed_in("coordinator_a")
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/").status_code == 200
    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_change_password(signed_in, world):
    client = signed_in("coordinator_a")
    response = client.post("/auth/password", data={
        "current_password": PASSWORD, "new_password": "a brand new secret",
        "confirm_password": "a brand new secret"})
    assert response.status_code == 302
    user = db.session.get(User, world.coordinator_a.id)
    db.session.refresh(user)
    assert verify_password(user.password_hash, "a brand new secret")


def test_change_password_refuses_wrong_current_password(signed_in, world):
    client = signed_in("coordinator_a")
    response = client.post("/auth/password", data={
        "current_password": "wrong one!", "new_password": "a brand new secret",
        "confirm_password": "a brand new secret"})
    assert response.status_code == 422
    assert "The current password is not right." in response.get_data(as_text=True)
    db.session.refresh(world.coordinator_a)
    assert verify_password(world.coordinator_a.password_hash, PASSWORD)


def test_change_password_refuses_short_or_mismatched_passwords(signed_in, world):
    client = signed_in("coordinator_a")
    short = client.post("/auth/password", data={
        "current_password": PASSWORD, "new_password": "short", "confirm_password": "short"})
    assert short.status_code == 422
    assert "at least 10 characters" in short.get_data(as_text=True)
    mismatch = client.post("/auth/password", data={
        "current_password": PASSWORD, "new_password": "a brand new secret",
        "confirm_password": "another new secret"})
    assert mismatch.status_code == 422
    assert "The two new passwords differ." in mismatch.get_data(as_text=True)


def test_session_cookie_is_httponly_and_lax(client, world):
    response = sign_in(client, "coord-a@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # only in production, which needs HTTPS


def test_session_cookie_is_secure_in_production(make_app, monkeypatch):
    app = make_app(ENV_NAME="production", SECRET_KEY="x" * 48)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
