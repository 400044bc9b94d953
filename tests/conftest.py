"""Fixtures: an app on a clean database per test (SQLite, and PostgreSQL when
DONORCLUB_TEST_DATABASE_URL is set), clients, and signed-in clients per role."""
from __future__ import annotations

import contextvars
import os
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from jinja2 import BytecodeCache

from donorclub import create_app
from donorclub.domain.enums import Role
from donorclub.extensions import db
from donorclub.models import Club, Member, User

from . import factories

POSTGRES_URL = os.environ.get("DONORCLUB_TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def worker_database_url(url: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database (created on first use),
    so workers never drop each other's tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = base.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_url() -> str | None:
    return worker_database_url(POSTGRES_URL) if POSTGRES_URL else None


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    return request.getfixturevalue("postgres_url")


def drop_everything() -> None:
    """Drop every table, including Alembic's version table; remove the session first, or
    PostgreSQL waits forever on the locks the open session holds."""
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, so it gets its own app context, `g` and database
    session as in production, instead of sharing the test's (which would leak the signed-in
    user from one request to the next)."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


class SharedBytecode(BytecodeCache):
    """Compiled templates, shared by every app a test process builds: each test has an app
    of its own, and compiling the same templates again for each was a good part of the
    suite's time. Jinja keys each entry by the template's name and a checksum of its source,
    so a changed template is compiled anew."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_BYTECODE = SharedBytecode()


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app with extra settings; its schema is created, and dropped afterwards."""
    apps = []

    def build(**settings):
        config = {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "WTF_CSRF_ENABLED": False,
            **settings,
        }
        app = create_app(config)
        app.test_client_class = IsolatedClient
        app.jinja_env.bytecode_cache = TEMPLATE_BYTECODE
        with app.app_context():
            drop_everything()
            db.create_all()
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            drop_everything()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@dataclass
class World:
    """Two clubs, a coordinator each, an admin and a member login in club A."""

    club_a: Club
    club_b: Club
    member_a: Member
    member_b: Member
    admin: User
    coordinator_a: User
    coordinator_b: User
    member_user: User


@pytest.fixture
def world(app) -> World:
    club_a = factories.make_club("club-a", "Anshan Steel Donors")
    club_b = factories.make_club("club-b", "Riverside Donors", rule_set="us")
    member_a = factories.make_member(club_a, "0001", "王秀英", phone="13900000001")
    member_b = factories.make_member(club_b, "0001", "Emma Smith")
    world = World(
        club_a=club_a,
        club_b=club_b,
        member_a=member_a,
        member_b=member_b,
        admin=factories.make_user("admin@example.org", Role.ADMIN),
        coordinator_a=factories.make_user("coord-a@example.org", Role.COORDINATOR,
                                          clubs=[club_a]),
        coordinator_b=factories.make_user("coord-b@example.org", Role.COORDINATOR,
                                          clubs=[club_b]),
        member_user=factories.make_user("member-a@example.org", Role.MEMBER, member=member_a),
    )
    db.session.commit()
    return world


def sign_in(client, email: str, password: str = factories.PASSWORD):
    return client.post("/auth/login", data={"email": email, "password": password})


@pytest.fixture
def signed_in(app, world):
    """signed_in("coordinator_a") -> a test client signed in as that user of the world."""

    def as_user(name: str):
        client = app.test_client()
        response = sign_in(client, getattr(world, name).email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return as_user
