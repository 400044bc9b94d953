"""The password policy: length, variety, the shipped list of breached passwords, and no email,
name, club or product name inside. Pure checks: an app for the translations, no database."""
import gzip
import importlib.util
import tempfile

import pytest

from donorclub import create_app
from donorclub.domain.enums import Role
from donorclub.services import demo
from donorclub.services.passwords import (
    COMMON_PASSWORDS_FILE,
    common_passwords,
    password_problem,
)

from ..factories import PASSWORD

BREACHED = "on a list of passwords known from data breaches"
PERSONAL = "contains your email address or your name"
CLUB = "contains the name of the club or of donorclub"


@pytest.fixture(scope="module", autouse=True)
def app_context():
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"ENV_NAME": "testing", "INSTANCE_PATH": instance,
                          "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        with app.app_context():
            yield


@pytest.mark.parametrize(("password", "problem"), [
    ("nine char", "at least 10 characters"),
    ("a" * 200 + "bcd" * 19, "at most 256 characters"),
    ("abababababab", "more than a few different characters"),
    ("1234567890", BREACHED),
    ("Password123", BREACHED),  # the list is compared without regard to case
    ("WOAINI1314520", BREACHED),
    ("qwertyuiop", BREACHED),
    ("1qaz2wsx3edc", BREACHED),  # keyboard walk
    ("zhangwei1314", BREACHED),  # pinyin name and 1314
    ("sunshine2024", BREACHED),  # word and year
    ("p@ssw0rd2025", BREACHED),
    ("8888888888", "more than a few different characters"),
])
def test_a_refused_password_says_why(password, problem):
    assert problem in password_problem(password)


@pytest.mark.parametrize(("email", "name", "password"), [
    ("li.wang@example.org", "", "my LiWang blood 7"),  # the local part, punctuation ignored
    ("lin@example.org", "Maria Lopez", "lopez gives blood"),  # one word of the name
    ("lin@example.org", "Maria Lopez", "MariaLopez#blood"),
    ("lin@example.org", "王秀英", "WangXiuYing-1985"),  # a Chinese name's pinyin
])
def test_a_password_holding_the_accounts_email_or_name_is_refused(email, name, password):
    assert PERSONAL in password_problem(password, email=email, name=name)


def test_short_pieces_of_a_name_or_address_are_allowed():
    assert password_problem("wu and li give blood", email="wu@example.org", name="Li Wu") is None


@pytest.mark.parametrize("password", ["Riverside Blood Donor Club!", "riverside-donors 42",
                                      "my DonorClub pass", "donorclubdonorclub"])
def test_a_password_holding_the_club_or_product_name_is_refused(password):
    clubs = ["Riverside Blood Donor Club", "riverside-donors"]
    assert CLUB in password_problem(password, email="lin@example.org", club_names=clubs)


def test_the_test_and_demo_passwords_pass_for_their_accounts():
    assert password_problem(PASSWORD, email="coord-a@example.org", name="coord-a",
                            club_names=["Anshan Steel Donors", "club-a"]) is None
    clubs = [part for spec in demo.DEMO_CLUBS for part in (spec.name, spec.slug)]
    assert password_problem(demo.DEMO_PASSWORDS[Role.ADMIN], email=demo.ADMIN_EMAIL,
                            name="Demo admin") is None
    for spec in demo.DEMO_CLUBS:
        assert password_problem(demo.DEMO_PASSWORDS[Role.COORDINATOR],
                                email=spec.coordinator_email, name=spec.coordinator_name,
                                club_names=clubs) is None
        assert password_problem(demo.DEMO_PASSWORDS[Role.MEMBER],
                                email=f"{spec.slug}-0001@{demo.DEMO_DOMAIN}", name="郭明义",
                                club_names=[spec.name, spec.slug]) is None


def test_the_shipped_list_is_what_its_script_builds_and_is_read_once():
    spec = importlib.util.spec_from_file_location(
        "build_common_passwords", COMMON_PASSWORDS_FILE.with_name("build_common_passwords.py"))
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    built = script.build()
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as shipped:
        assert shipped.read().splitlines() == built
    assert len(built) > 50_000
    assert {"123456", "5201314", "woaini1314", "19400101", "20251231", "1qaz2wsx"} <= set(built)
    # Read once, and only what the length rule leaves to check.
    assert common_passwords() is common_passwords()
    assert min(map(len, common_passwords())) >= 10
