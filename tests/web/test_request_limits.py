"""Request bodies over the limits are answered 413 (a page on the web, the API's error body
under /api/) and change nothing; form posts of a shape no page sends are refused with 400."""
import io

import sqlalchemy as sa

from donorclub.extensions import db
from donorclub.models import AuditEvent, Member
from donorclub.services.accounts import issue_api_token

LIMIT = 10_000


def counts() -> tuple[int, int]:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (Member, AuditEvent))


def test_a_form_post_over_the_limit_answers_a_413_page_and_saves_nothing(app, signed_in):
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024  # the default
    client = signed_in("coordinator_b")
    app.config["MAX_CONTENT_LENGTH"] = LIMIT
    before = counts()
    response = client.post("/clubs/club-b/members/new", data={
        "member_no": "0099", "full_name": "x" * (LIMIT + 1), "sex": "female",
        "date_of_birth": "1990-01-01", "joined_on": "2024-01-01"})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "too large: this address takes at most" in page
    assert "<!doctype html>" in page.lower()
    assert counts() == before


def test_an_api_body_over_the_limit_answers_413_in_the_api_error_format(app, world):
    token = issue_api_token(None, world.coordinator_b, label="tests")
    app.config["MAX_CONTENT_LENGTH"] = LIMIT
    before = counts()
    response = app.test_client().post(
        "/api/v1/clubs/club-b/members", headers={"Authorization": f"Bearer {token}"},
        json={"member_no": "0099", "full_name": "x" * LIMIT, "sex": "female",
              "date_of_birth": "1990-01-01"})
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "too_large" and "at most" in error["message"]
    assert counts() == before


def test_too_many_form_fields_answer_413_without_naming_a_size(app, signed_in):
    client = signed_in("coordinator_b")
    app.config["MAX_FORM_PARTS"] = 10
    response = client.post("/clubs/club-b/members/new",
                           data={f"field{n}": "x" for n in range(20)},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "too many fields" in response.get_data(as_text=True)


def test_the_import_page_takes_files_above_the_general_limit(app, signed_in):
    client = signed_in("coordinator_b")
    app.config["MAX_CONTENT_LENGTH"] = LIMIT
    rows = "".join(f"{n:04d},Member {n},female,1990-01-01\n" for n in range(1, 1000))
    data = ("member_no,full_name,sex,date_of_birth\n" + rows).encode()
    assert len(data) > LIMIT
    response = client.post("/clubs/club-b/import", data={
        "table": "members", "file": (io.BytesIO(data), "members.csv")})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert "999" in response.get_data(as_text=True)
    # Past its own limit (50 MB and room for the form) it answers 413 before reading a byte.
    too_large = client.post("/clubs/club-b/import", data={"table": "members"},
                            environ_overrides={"CONTENT_LENGTH": str(52 * 1024 * 1024)})
    assert too_large.status_code == 413
    assert "at most 51 MB" in too_large.get_data(as_text=True)


def test_the_import_limit_is_in_place_before_csrf_protection_reads_the_form(make_app):
    app = make_app(WTF_CSRF_ENABLED=True, MAX_CONTENT_LENGTH=LIMIT)
    def big():
        return {"file": (io.BytesIO(b"x" * (2 * LIMIT)), "members.csv")}

    client = app.test_client()
    # Elsewhere the form is not even read; on the import page it is, and the token is missing.
    assert client.post("/auth/login", data=big()).status_code == 413
    response = client.post("/clubs/club-b/import", data=big())
    assert response.status_code == 400
    assert "expired or was not sent from this site" in response.get_data(as_text=True)


def refused() -> list:
    """(what is sent to the new-member form, the answer, what it says)"""
    return [({"json": {"member_no": "0099", "full_name": ["a", 1]}}, 415, "not JSON"),
            ({"data": {"member_no": (io.BytesIO(b"0099"), "no.txt")}}, 400, "a file where"),
            ({"data": {"member_no": "00\x0099", "full_name": "Ann"}}, 400, "(NUL)")]


def test_form_posts_no_page_sends_are_refused_before_the_view(app, signed_in):
    client = signed_in("coordinator_b")
    before = counts()
    for send, status, message in refused():
        response = client.post("/clubs/club-b/members/new", **send)
        assert response.status_code == status, send
        assert message in response.get_data(as_text=True)
    assert counts() == before
    assert client.get("/clubs/club-b/members/?q=a%00b").status_code == 400
    # A file where the form takes one still arrives (and is checked there).
    response = signed_in("admin").post("/clubs/club-b/certificates/settings", data={
        "logo": (io.BytesIO(b"not an image"), "logo.png")})
    assert response.status_code == 422
    assert "Choose a PNG or JPEG image" in response.get_data(as_text=True)
