"""Certificate serials (unguessable, easy to read aloud) and masked names on public pages."""
import random
import re

import pytest

from donorclub.domain.masking import mask_name
from donorclub.domain.serials import ALPHABET, BITS, new_serial, normalize_serial

SERIAL_SHAPE = r"^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-" \
               r"[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}$"


def test_a_serial_is_three_groups_of_four_from_the_unambiguous_alphabet():
    assert not set("0O1ILU") & set(ALPHABET) and len(set(ALPHABET)) == 30
    assert BITS >= 50
    for _ in range(50):
        assert re.match(SERIAL_SHAPE, new_serial())


def test_a_thousand_fresh_serials_are_distinct():
    assert len({new_serial() for _ in range(1000)}) == 1000


def test_a_serial_draws_every_symbol_from_the_given_source():
    rng = random.Random(7)
    assert new_serial(rng.choice) == new_serial(random.Random(7).choice)


@pytest.mark.parametrize(("typed", "canonical"), [
    ("7KQM-4XRT-P9WD", "7KQM-4XRT-P9WD"),
    ("7kqm-4xrt-p9wd", "7KQM-4XRT-P9WD"),
    ("7KQM 4XRT P9WD", "7KQM-4XRT-P9WD"),
    ("  7kqm4xrtp9wd ", "7KQM-4XRT-P9WD"),
    ("7KQ-M4XR-TP9WD", "7KQM-4XRT-P9WD"),
    ("7KQM\t4XRT-P9WD", "7KQM-4XRT-P9WD"),
])
def test_typed_variants_of_a_serial_normalise_to_its_canonical_form(typed, canonical):
    assert normalize_serial(typed) == canonical


@pytest.mark.parametrize("typed", [
    "", "7KQM-4XRT-P9W", "7KQM-4XRT-P9WDX", "7KQM-4XRT-P9W0", "7KQM-4XRT-P9WO",
    "7KQM-4XRT-P9WI", "7KQM-4XRT-P9WL", "7KQM-4XRT-P9W1", "7KQM-4XRT-P9WU", "7KQM_4XRT_P9WD",
    "'; DROP TABLE certificates; --", "７KQM-4XRT-P9WD",
])
def test_garbage_is_not_a_serial(typed):
    assert normalize_serial(typed) is None


@pytest.mark.parametrize(("name", "masked"), [
    ("郭明义", "郭*义"),
    ("李明", "李*"),
    ("欧阳娜娜", "欧**娜"),
    ("李", "李*"),
    ("John Smith", "J. S****"),
    ("Mary Jane  Watson", "M. W*****"),
    ("Madonna", "M******"),
    ("Al", "A*"),
    ("X", "X*"),
    ("", ""),
])
def test_names_are_masked_enough_to_recognise_not_to_find(name, masked):
    assert mask_name(name) == masked
