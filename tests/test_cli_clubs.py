"""`flask clubs create`: a club from the command line, as a named administrator."""
import pytest
import sqlalchemy as sa

from donorclub.cli_clubs import clubs_cli
from donorclub.domain.enums import AuditAction
from donorclub.extensions import db
from donorclub.models import AuditEvent, Club


def create(runner, *args):
    return runner.invoke(clubs_cli, ["create", *args])


def club_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Club))


def test_create_makes_the_club_and_audits_the_admin(runner, world):
    result = create(runner, "--slug", "harbour", "--name", "Harbour Donors",
                    "--rule-set", "uk", "--locale", "en", "--timezone", "Europe/London",
                    "--as", world.admin.email)
    assert result.exit_code == 0, result.output
    assert "Created club harbour (Harbour Donors)" in result.output
    club = db.session.scalar(sa.select(Club).where(Club.slug == "harbour"))
    assert (club.name, club.rule_set, club.locale, club.timezone) == (
        "Harbour Donors", "uk", "en", "Europe/London")
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == AuditAction.CREATE.value, AuditEvent.entity_type == "clubs",
        AuditEvent.entity_id == club.id))
    assert event.actor_id == world.admin.id


def test_zh_means_simplified_chinese_and_is_the_default(runner, world):
    assert create(runner, "--slug", "one", "--name", "一", "--rule-set", "cn",
                  "--as", world.admin.email).exit_code == 0
    assert create(runner, "--slug", "two", "--name", "二", "--rule-set", "cn", "--locale", "zh",
                  "--as", world.admin.email).exit_code == 0
    locales = db.session.scalars(sa.select(Club.locale).where(Club.slug.in_(["one", "two"])))
    assert list(locales) == ["zh_Hans", "zh_Hans"]


@pytest.mark.parametrize(("args", "message"), [
    (["--slug", "club-a", "--name", "X", "--rule-set", "cn"], "slug: Another club"),
    (["--slug", "Bad Slug", "--name", "X", "--rule-set", "cn"], "slug: Use lowercase"),
    (["--slug", "new", "--name", "X", "--rule-set", "nowhere"], "rule_set:"),
    (["--slug", "new", "--name", "X", "--rule-set", "cn", "--timezone", "Mars/Base"],
     "timezone:"),
    (["--slug", "new", "--name", " ", "--rule-set", "cn"], "name:"),
    (["--slug", "new", "--name", "X", "--rule-set", "cn", "--locale", "fr"], "'fr' is not one"),
])
def test_refused_values_exit_non_zero_and_create_nothing(runner, world, args, message):
    before = club_count()
    result = create(runner, *args, "--as", world.admin.email)
    assert result.exit_code != 0
    assert message in result.output
    assert club_count() == before


@pytest.mark.parametrize("who", ["coord-a@example.org", "member-a@example.org",
                                 "nobody@example.org"])
def test_only_an_administrator_may_create(runner, world, who):
    before = club_count()
    result = create(runner, "--slug", "new", "--name", "X", "--rule-set", "cn", "--as", who)
    assert result.exit_code != 0
    assert f"No active administrator with the email {who}" in result.output
    assert club_count() == before


def test_without_as_the_system_creates_the_club_as_the_contract_shows(runner, world):
    result = create(runner, "--slug", "new", "--name", "X", "--rule-set", "cn",
                    "--locale", "en")
    assert result.exit_code == 0, result.output
    assert club_count() == 3
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "clubs").order_by(AuditEvent.id.desc())).first()
    assert event.actor_id is None
