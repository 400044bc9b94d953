"""CSRF protection is on for every form outside the test configuration."""
import re

from donorclub.extensions import db

from ..factories import PASSWORD


def test_post_without_csrf_token_is_refused(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/auth/login", data={"email": "x@example.org", "password": "y"})
    assert response.status_code == 400
    assert "expired or was not sent from this site" in response.get_data(as_text=True)


def test_post_with_csrf_token_from_the_form_is_accepted(make_app):
    from donorclub.domain.enums import Role

    from ..factories import make_user

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_user("coord@example.org", Role.ADMIN)
        db.session.commit()
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={
        "email": "coord@example.org", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    # Signing out is a POST too, and without the token it does nothing.
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/").status_code == 200
