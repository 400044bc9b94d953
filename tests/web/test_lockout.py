"""Account lockout: failed sign-ins in a row lock an account, even against the right password,
with the same answer for an address that has no account; the lock ends by itself, by a
password reset or by an admin; concurrent failures all count."""
import contextlib
import re
import threading
from datetime import timedelta

import sqlalchemy as sa

from donorclub.extensions import db
from donorclub.models import AuditEvent, User
from donorclub.services import accounts, password_reset
from donorclub.services.lockout import AccountLocked

from ..conftest import sign_in

LOCKED = "Too many failed sign-ins for this account. Try again in 15 minutes"
NOT_RIGHT = "The email or the password is not right."
NEW_PASSWORD = "a fresh donor secret"


def refusal(response) -> str:
    """The message above the sign-in form."""
    found = re.search(r'<div class="form-errors".*?<li>(.*?)</li>',
                      response.get_data(as_text=True), re.S)
    return found.group(1) if found else ""


def account(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def events(action: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)).all()


def test_the_lock_refuses_the_right_password_and_answers_unknown_addresses_alike(
        app, client, world):
    app.config["LOGIN_LOCKOUT_ATTEMPTS"] = 3
    answers = {}
    for email in ("coord-a@example.org", "nobody@example.org"):
        tries = [sign_in(client, email, "not the password") for _ in range(3)]
        tries.append(sign_in(client, email))  # the right password, for the account
        answers[email] = [(r.status_code, refusal(r)) for r in tries]
    assert answers["coord-a@example.org"] == answers["nobody@example.org"]
    statuses, messages = zip(*answers["nobody@example.org"], strict=True)
    assert statuses == (422,) * 4
    assert messages[:2] == (NOT_RIGHT, NOT_RIGHT)
    assert LOCKED in messages[2] and messages[3] == messages[2]
    assert "Forgot your password?" in messages[2]
    assert client.get("/").status_code == 302  # nobody got in

    user = account("coord-a@example.org")
    assert user.locked_until is not None and user.failed_logins == 0
    locks = events("login_locked")
    assert [(e.entity_id, e.actor_id) for e in locks] == [(user.id, None), (None, None)]
    assert locks[1].after["email"] == "nobody@example.org"
    # Attempts refused while locked are in the log too, but count towards no later lock.
    assert sum(1 for e in events("login_failed") if e.after.get("locked")) == 2


def test_the_lock_ends_after_its_minutes_and_a_sign_in_ends_the_run(app, client, world):
    app.config["LOGIN_LOCKOUT_ATTEMPTS"] = 3
    for email in ("coord-a@example.org", "nobody@example.org"):
        for _ in range(3):
            sign_in(client, email, "not the password")
    # Half an hour later: every lock has ended.
    earlier = timedelta(minutes=30)
    account("coord-a@example.org").locked_until -= earlier
    for event in db.session.scalars(sa.select(AuditEvent)):
        event.occurred_at -= earlier
    db.session.commit()

    assert refusal(sign_in(client, "nobody@example.org", "not the password")) == NOT_RIGHT
    sign_in(client, "coord-a@example.org", "not the password")
    assert account("coord-a@example.org").failed_logins == 1
    assert sign_in(client, "coord-a@example.org").status_code == 302
    user = account("coord-a@example.org")
    assert user.failed_logins == 0 and user.locked_until is None


def lock(email: str) -> None:
    for _ in range(3):
        with contextlib.suppress(AccountLocked):  # the third failure locks
            accounts.authenticate(email, "not the password")


def test_an_admin_or_a_password_reset_lifts_the_lock(app, signed_in, world):
    app.config["LOGIN_LOCKOUT_ATTEMPTS"] = 3
    lock("coord-a@example.org")
    admin = signed_in("admin")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "Locked after failed sign-ins" in page
    assert f'action="/admin/users/{world.coordinator_a.id}/unlock"' in page
    response = admin.post(f"/admin/users/{world.coordinator_a.id}/unlock",
                          follow_redirects=True)
    assert "coord-a@example.org can sign in again." in response.get_data(as_text=True)
    [unlock] = events("unlock")
    assert unlock.actor_id == world.admin.id and unlock.entity_id == world.coordinator_a.id
    assert sign_in(app.test_client(), "coord-a@example.org").status_code == 302
    # Unlocking an account that is not locked changes nothing.
    response = admin.post(f"/admin/users/{world.coordinator_a.id}/unlock",
                          follow_redirects=True)
    assert "is not locked" in response.get_data(as_text=True) and len(events("unlock")) == 1

    lock("coord-a@example.org")
    user = account("coord-a@example.org")
    path = password_reset.reset_link(user).removeprefix(app.config["BASE_URL"])
    client = app.test_client()
    response = client.post(path, data={"password": NEW_PASSWORD,
                                       "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert sign_in(client, "coord-a@example.org", NEW_PASSWORD).status_code == 302


def test_concurrent_failures_all_count(app, world):
    app.config["LOGIN_LOCKOUT_ATTEMPTS"] = 100
    attempts = 8
    start = threading.Barrier(attempts)
    problems = []

    def fail_once():
        with app.app_context():
            try:
                start.wait()
                assert accounts.authenticate("coord-a@example.org", "not the password") is None
            except Exception as error:  # reported below: a thread's assert is not seen
                problems.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=fail_once) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    assert account("coord-a@example.org").failed_logins == attempts
