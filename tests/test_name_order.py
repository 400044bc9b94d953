"""Member names in the order people expect: Chinese by pinyin, surnames read as surnames."""
import pytest

from donorclub.extensions import db
from donorclub.models.name_order import name_sort_key

from . import factories


@pytest.mark.parametrize(("earlier", "later"), [
    ("蔡文", "陈静"),        # cai before chen
    ("李明", "林"),          # li3 ming2 before lin2: the syllable ends first
    ("马", "麦"),            # ma before mai
    ("妈", "马"),            # the same syllable: first tone first
    ("单田芳", "孙"),        # 单 as a surname is shan, not dan
    ("曾国藩", "张"),        # and 曾 is zeng, not ceng
    ("Ann Smith", "王秀英"),  # Latin names by their letters, among the pinyin
    ("guo lin", "郭明义"),
])
def test_names_sort_by_pinyin(earlier, later):
    assert name_sort_key(earlier) < name_sort_key(later)


def test_case_and_spacing_do_not_change_the_order():
    assert name_sort_key("  Ann   SMITH ") == name_sort_key("ann smith")


def test_the_key_follows_every_change_of_name(app):
    member = factories.make_member(factories.make_club(), "0001", "单田芳")
    db.session.commit()
    assert member.name_sort_key == "shan4 tian2 fang1"
    member.full_name = "Emma Smith"
    db.session.commit()
    assert member.name_sort_key == "emma smith"
