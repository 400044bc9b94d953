"""Browser journeys: Playwright drives Debian's Chromium against the app on a free local port."""
from __future__ import annotations

import os
import shutil
import threading
from datetime import date
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from donorclub import create_app
from donorclub.extensions import db
from donorclub.services.demo import load_demo_data

CHROMIUM = os.environ.get("DONORCLUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Point Playwright at the system Chromium; its own browser download cannot work here."""
    if not Path(CHROMIUM).exists():
        reason = f"Chromium not found at {CHROMIUM} (install Debian's chromium package)"
        if os.environ.get("DONORCLUB_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + "; DONORCLUB_REQUIRE_BROWSER=1 makes this a failure")
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app as `make run` builds it: migrations applied, demo data loaded, on SQLite."""
    instance = tmp_path_factory.mktemp("e2e-instance")
    app = create_app({
        "ENV_NAME": "testing",
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'donorclub.sqlite3'}",
        "WTF_CSRF_ENABLED": True,
    })
    with app.app_context():
        upgrade()
        load_demo_data(date.today())
        db.session.remove()
    yield app
    shutil.rmtree(instance, ignore_errors=True)


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative page.goto() paths resolve against the live server."""
    return live_server
