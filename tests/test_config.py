"""Configuration layering and the secret key rules."""
import pytest

from donorclub import create_app


def test_environment_variables_override_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("DONORCLUB_DATABASE_URL", f"sqlite:///{tmp_path}/other.sqlite3")
    monkeypatch.setenv("DONORCLUB_BASE_URL", "https://donors.example.org")
    monkeypatch.setenv("DONORCLUB_SECRET_KEY", "k" * 40)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/other.sqlite3"
    assert app.config["BASE_URL"] == "https://donors.example.org"
    assert app.config["SECRET_KEY"] == "k" * 40


def test_instance_config_file_is_read_and_environment_wins(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text('BASE_URL = "https://from-file.example.org"\n'
                                        'MEMBERS_PER_PAGE = 7\n')
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["BASE_URL"] == "https://from-file.example.org"
    assert app.config["MEMBERS_PER_PAGE"] == 7
    monkeypatch.setenv("DONORCLUB_MEMBERS_PER_PAGE", "9")
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).config["MEMBERS_PER_PAGE"] == 9


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DONORCLUB_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/donorclub.sqlite3"


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DONORCLUB_SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    assert len(first) >= 32
    assert first == second == (tmp_path / "secret_key").read_text()
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("key", [None, "", "too-short"])
def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, monkeypatch, key):
    monkeypatch.delenv("DONORCLUB_SECRET_KEY", raising=False)
    config = {"INSTANCE_PATH": str(tmp_path), "ENV_NAME": "production"}
    if key is not None:
        config["SECRET_KEY"] = key
    with pytest.raises(RuntimeError, match="secret key"):
        create_app(config)
    assert not (tmp_path / "secret_key").exists()


def test_production_starts_with_a_key_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DONORCLUB_ENV", "production")
    monkeypatch.setenv("DONORCLUB_SECRET_KEY", "s" * 64)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["ENV_NAME"] == "production"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_unknown_environment_name_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("DONORCLUB_ENV", "staging")
    with pytest.raises(RuntimeError, match="DONORCLUB_ENV"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


@pytest.mark.parametrize("hops, seen", [(0, "127.0.0.1 http"), (1, "203.0.113.7 https")])
def test_forwarded_headers_count_only_behind_trusted_proxies(tmp_path, hops, seen):
    """Rate limits and the audit log key on the client's address: a client must not be able
    to choose it with a header, unless a proxy we trust set it."""
    from flask import request

    app = create_app({"INSTANCE_PATH": str(tmp_path), "TRUSTED_PROXIES": hops,
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.add_url_rule("/whoami", "whoami", lambda: f"{request.remote_addr} {request.scheme}")
    response = app.test_client().get("/whoami", environ_base={"REMOTE_ADDR": "127.0.0.1"},
                                     headers={"X-Forwarded-For": "203.0.113.7",
                                              "X-Forwarded-Proto": "https"})
    assert response.get_data(as_text=True) == seen
