"""contains_text, the search boxes' match, on SQLite and PostgreSQL."""
import pytest
import sqlalchemy as sa

from donorclub.extensions import db
from donorclub.models import Member
from donorclub.models.search import contains_text

from . import factories

NAMES = ["王秀英", "张伟", "Emma SMITH", "O'Brien_Kate", "100% donor", "back\\slash"]


@pytest.fixture
def names(app):
    club = factories.make_club()
    for n, name in enumerate(NAMES, start=1):
        factories.make_member(club, f"{n:04d}", name)
    db.session.commit()


def found(text: str) -> list[str]:
    return sorted(db.session.scalars(
        sa.select(Member.full_name).where(contains_text(Member.full_name, text))))


@pytest.mark.parametrize(("text", "expected"), [
    ("秀", ["王秀英"]),
    ("张伟", ["张伟"]),
    ("smith", ["Emma SMITH"]),
    ("EMMA s", ["Emma SMITH"]),
    ("_", ["O'Brien_Kate"]),  # literal, not "any one character"
    ("%", ["100% donor"]),  # literal, not "anything"
    ("\\", ["back\\slash"]),
    ("n_K", ["O'Brien_Kate"]),
    ("nK", []),
    ("", sorted(NAMES)),
])
def test_a_name_matches_on_any_part_whatever_the_case(names, text, expected):
    assert found(text) == expected
