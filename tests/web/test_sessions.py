"""Sessions end when the password changes, and ids beyond the database's range are a 404."""
import pytest

from donorclub.extensions import db
from donorclub.services.passwords import hash_password

from .. import factories
from ..conftest import sign_in


def test_changing_the_password_signs_out_every_other_session(app, world):
    here, elsewhere = app.test_client(), app.test_client()
    for client in (here, elsewhere):
        assert sign_in(client, world.coordinator_a.email).status_code == 302
    response = here.post("/auth/password", data={
        "current_password": factories.PASSWORD, "new_password": "a-new-long-passphrase-42",
        "confirm_password": "a-new-long-passphrase-42"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert here.get("/clubs/club-a/members/").status_code == 200  # this session goes on
    gone = elsewhere.get("/clubs/club-a/members/")
    assert gone.status_code == 302 and "/auth/login" in gone.headers["Location"]


def test_a_password_set_elsewhere_ends_the_session(app, world):
    client = app.test_client()
    sign_in(client, world.coordinator_a.email)
    assert client.get("/clubs/club-a/members/").status_code == 200
    user = db.session.get(type(world.coordinator_a), world.coordinator_a.id)
    user.password_hash = hash_password("another-long-passphrase-7")
    db.session.commit()
    assert client.get("/clubs/club-a/members/").status_code == 302


@pytest.mark.parametrize("url", ["/clubs/club-a/members/99999999999999999999",
                                 "/clubs/club-a/members/2147483648/edit"])
def test_ids_beyond_the_column_range_are_not_found(signed_in, world, url):
    assert signed_in("coordinator_a").get(url).status_code == 404
