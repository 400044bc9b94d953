"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from donorclub.extensions import db

from .conftest import drop_everything


def test_upgrade_from_empty_matches_the_models(app):
    drop_everything()
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations drifted apart: {differences}"


def test_downgrade_to_base_removes_every_table(app):
    drop_everything()
    upgrade()
    downgrade(revision="base")
    db.session.remove()
    tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()


def test_upgrade_keeps_existing_rows(app):
    """Migrations that rebuild tables (SQLite batch mode) must carry the data across."""
    drop_everything()
    upgrade(revision="0004_drives_and_volunteering")
    with db.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO clubs (id, slug, name, rule_set, locale, timezone, created_at) "
            "VALUES (1, 'c', 'Club', 'cn', 'en', 'UTC', '2025-01-01 00:00:00')")
        connection.exec_driver_sql(
            "INSERT INTO members (id, club_id, member_no, full_name, sex, date_of_birth, "
            "joined_on, status, consent_contact, consent_public_verification, notes, "
            "created_at, updated_at) VALUES (1, 1, '0001', 'A', 'female', '1990-01-01', "
            "'2020-01-01', 'active', TRUE, FALSE, '', '2025-01-01 00:00:00', "
            "'2025-01-01 00:00:00')")
        connection.exec_driver_sql(
            "INSERT INTO referrals (id, club_id, referrer_id, candidate_name, registry, status, "
            "consent_contact, referred_on, notes, created_at, updated_at) VALUES (1, 1, 1, 'B', "
            "'cmdp', 'referred', TRUE, '2025-02-01', '', '2025-02-01 00:00:00', "
            "'2025-02-01 00:00:00')")
        connection.exec_driver_sql(
            "INSERT INTO referral_events (id, referral_id, status, occurred_on, note, "
            "recorded_at) VALUES (1, 1, 'referred', '2025-02-01', '', '2025-02-01 00:00:00')")
    upgrade()
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM referral_events").scalar() == 1
        assert connection.exec_driver_sql(
            "SELECT consent_leaderboard FROM members WHERE id = 1").scalar() in (False, 0)
        assert connection.exec_driver_sql(
            "SELECT candidate_name FROM referrals WHERE id = 1").scalar() == "B"


def test_every_revision_id_fits_alembic_version_on_postgresql():
    """alembic_version.version_num is VARCHAR(32): a longer id upgrades on SQLite (which does
    not check lengths) and fails on PostgreSQL."""
    import re
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "migrations" / "versions"
    ids = [re.search(r"^revision = '([^']+)'", path.read_text(), re.M).group(1)
           for path in folder.glob("*.py")]
    assert ids and all(len(revision) <= 32 for revision in ids), ids
