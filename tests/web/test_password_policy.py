"""Every way a password is set applies the whole policy, for that account: changing it,
a reset link, an invitation link and `flask users create`. Nothing changes when it refuses."""
import sqlalchemy as sa

from donorclub.extensions import db
from donorclub.models import User
from donorclub.services import admin, invitations, password_reset

BREACHED = "on a list of passwords known from data breaches"
PERSONAL = "contains your email address or your name"
CLUB = "contains the name of the club or of donorclub"


def stored_hash(email: str) -> str | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User.password_hash).where(User.email == email))


def test_changing_a_password_applies_the_policy(signed_in, world):
    client = signed_in("coordinator_a")
    before = stored_hash("coord-a@example.org")
    for new, problem in (("Iloveyou1314", BREACHED), ("coord-A gives blood", PERSONAL),
                         ("Anshan Steel Donors 2025", CLUB)):
        response = client.post("/auth/password", data={
            "current_password": "correct horse battery", "new_password": new,
            "confirm_password": new})
        assert response.status_code == 422 and problem in response.get_data(as_text=True)
    assert stored_hash("coord-a@example.org") == before


def test_a_reset_link_applies_the_policy_for_its_account(app, client, world):
    world.member_user.name = "Wang Xiuying"
    db.session.commit()
    path = password_reset.reset_link(world.member_user).removeprefix(app.config["BASE_URL"])
    before = stored_hash("member-a@example.org")
    response = client.post(path, data={"password": "xiuying loves donating",
                                       "confirm_password": "xiuying loves donating"})
    assert response.status_code == 422 and PERSONAL in response.get_data(as_text=True)
    assert stored_hash("member-a@example.org") == before
    # The link is still good for an acceptable password.
    assert client.post(path, data={"password": "a fresh donor secret",
                                   "confirm_password": "a fresh donor secret"}).status_code == 302


def test_an_invitation_applies_the_policy_for_its_account(client, world):
    _user, invitation = admin.add_coordinator(world.admin, world.club_b, email="lin@example.org")
    path = f"/auth/invitation/{invitation.token}"
    for password, problem in (("Riverside Donors!", CLUB), ("my donorclub password", CLUB),
                              ("qwertyuiop123", BREACHED)):
        response = client.post(path, data={"password": password, "confirm_password": password})
        assert response.status_code == 422 and problem in response.get_data(as_text=True)
    assert stored_hash("lin@example.org") is None
    assert invitations.read_invitation(invitation.token).email == "lin@example.org"


def test_the_command_line_applies_the_policy(runner, world):
    for password, problem in (("password2024", BREACHED), ("lin.chen says hello", PERSONAL)):
        result = runner.invoke(args=["users", "create", "--email", "lin.chen@example.org",
                                     "--role", "coordinator", "--club", "club-a",
                                     "--password-stdin"], input=password + "\n")
        assert result.exit_code != 0 and problem in result.output
    assert stored_hash("lin.chen@example.org") is None
