"""Every kind of response carries the security headers; personal data is never cached; link
tokens leave no Referer and no log line; production adds HSTS and secure cookies."""
from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from donorclub import create_app
from donorclub.config import TestingConfig
from donorclub.extensions import db
from donorclub.services.accounts import issue_api_token
from donorclub.services.member_links import issue_link

from ..conftest import sign_in

EVERYWHERE = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
BOOM_SECRET = "a deferral reason nobody may read"


def assert_protected(response, where: str) -> None:
    headers = response.headers
    for name, value in EVERYWHERE.items():
        assert headers.get(name) == value, f"{where}: {name} is {headers.get(name)!r}"
    assert headers.get("Content-Security-Policy") == POLICY, where
    assert "camera=()" in headers.get("Permissions-Policy", ""), where
    assert "unsafe-inline" not in headers["Content-Security-Policy"], where


def _boom(token):
    """A view that fails inside the database, on an address holding a token."""
    db.session.execute(sa.text("SELECT * FROM no_such_table WHERE x = :secret"),
                       {"secret": BOOM_SECRET})


def _bare_app(tmp_path, **settings):
    """An app without tables, for what needs no database."""
    return create_app({"ENV_NAME": "testing", "INSTANCE_PATH": str(tmp_path),
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'bare.sqlite3'}",
                       "WTF_CSRF_ENABLED": False, **settings})


def test_every_kind_of_response_carries_the_headers(app, world, caplog):
    app.add_url_rule("/boom/<token>", "boom", _boom)
    token = issue_api_token(None, world.coordinator_a, label="headers")
    status_token = issue_link(None, world.member_a, "status")  # the member card prints it
    visitor, staff = app.test_client(), app.test_client()
    sign_in(staff, world.coordinator_a.email)
    bearer = {"Authorization": f"Bearer {token}"}
    caplog.set_level(logging.DEBUG)
    responses = {
        "public page": (visitor.get("/auth/login"), 200),
        "signed-in page": (staff.get("/clubs/club-a/members/"), 200),
        "API JSON": (visitor.get("/api/v1/clubs", headers=bearer), 200),
        "OpenAPI document": (visitor.get("/api/v1/openapi.json"), 200),
        "API 401": (visitor.get("/api/v1/clubs"), 401),
        "API 404": (visitor.get("/api/v1/members/999999", headers=bearer), 404),
        "static file": (visitor.get("/static/css/app.css"), 200),
        "HTML 404": (visitor.get("/no/such/page"), 404),
        "405": (visitor.delete("/auth/login"), 405),
        "file download": (staff.get("/clubs/club-a/nominations/nominations.csv"), 200),
        "PDF download": (staff.get(f"/clubs/club-a/members/{world.member_a.id}/card.pdf"), 200),
    }
    for where, (response, status) in responses.items():
        assert response.status_code == status, where
        assert_protected(response, where)
        assert response.headers["Referrer-Policy"] == "same-origin", where
        assert "Strict-Transport-Security" not in response.headers, where  # not production
    no_store = {"signed-in page", "API JSON", "API 404", "file download", "PDF download"}
    for where, (response, _status) in responses.items():
        cached = response.headers.get("Cache-Control", "")
        assert ("no-store" in cached) == (where in no_store), f"{where}: {cached!r}"
    assert responses["file download"][0].headers["Cache-Control"] == "private, no-store"

    # Addresses holding a link token or a serial: no Referer at all, never stored.
    for path, status in [(f"/s/{status_token}", 200), ("/s/not-a-real-token", 404),
                         ("/auth/reset/not-a-real-token", None),
                         ("/auth/invitation/not-a-real-token", None),
                         ("/verify/0000-0000-0000", None), ("/boom/link-token-ABC123", 500)]:
        response = visitor.get(path)
        assert status is None or response.status_code == status, path
        assert_protected(response, path)
        assert response.headers["Referrer-Policy"] == "no-referrer", path
        assert "no-store" in response.headers["Cache-Control"], path

    # The failure's log line names the address without its token, and the SQL error
    # without the values bound to it.
    assert "Unhandled error on GET /boom/[redacted]" in caplog.text
    assert "no_such_table" in caplog.text
    assert "link-token-ABC123" not in caplog.text and BOOM_SECRET not in caplog.text
    assert status_token not in caplog.text


def test_the_development_server_log_keeps_no_link_token(tmp_path, caplog):
    _bare_app(tmp_path)
    caplog.set_level(logging.INFO, logger="werkzeug")
    line = "\x1b[33mGET /s/SECRETTOKEN123?x=1 HTTP/1.1\x1b[0m"
    logging.getLogger("werkzeug").info('"%s" %s %s', line, "404", "-")
    logging.getLogger("werkzeug").info('"%s" %s %s', "GET /clubs/club-a/members/ HTTP/1.1",
                                       "200", "-")
    messages = [record.getMessage() for record in caplog.records]
    assert "SECRETTOKEN123" not in "".join(messages)
    assert "/s/[redacted]?x=1" in messages[0]
    assert "GET /clubs/club-a/members/ HTTP/1.1" in messages[1]


def test_production_adds_hsts_and_secure_cookies(tmp_path):
    app = _bare_app(tmp_path, ENV_NAME="production", SECRET_KEY="p" * 48)
    assert app.config["REMEMBER_COOKIE_SECURE"] and app.config["SESSION_COOKIE_SECURE"]
    client = app.test_client()
    chosen = client.post("/language", data={"locale": "en"})  # puts it in the session
    assert chosen.status_code == 303
    cookie = chosen.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
    for response in (chosen, client.get("/static/css/app.css"), client.get("/nowhere")):
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains")
        assert_protected(response, response.request.path)


def test_production_refuses_the_testing_secret_key(tmp_path):
    with pytest.raises(RuntimeError, match="secret key"):
        create_app({"INSTANCE_PATH": str(tmp_path), "ENV_NAME": "production",
                    "SECRET_KEY": TestingConfig.SECRET_KEY})
