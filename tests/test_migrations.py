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
