"""The vehicle-series classifier's speed devices give what the plain constructs give."""

from __future__ import annotations

import re

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custmaster.catalog import vehicle_series as vs
from custmaster.catalog._text import _alternatives

_CODES = st.sets(st.text(alphabet="ABCH", min_size=1, max_size=4), min_size=1, max_size=12)


def _longest_first(letters: set[str]) -> str:
    return "|".join(sorted(map(re.escape, letters), key=lambda s: (-len(s), s)))


@settings(max_examples=300, deadline=None)
@given(_CODES, st.text(alphabet="ABCH1 牌", max_size=12))
def test_the_trie_of_enterprise_codes_matches_as_their_longest_first_alternation(
    letters: set[str], text: str
) -> None:
    rest = "[0-9]"
    trie = re.compile(f"(?:{_alternatives(letters)}){rest}")
    plain = re.compile(f"(?:{_longest_first(letters)}){rest}")
    found, expected = trie.search(text), plain.search(text)
    assert (found and found.span()) == (expected and expected.span())
    # without a tail, the longest code is taken
    assert [m.group() for m in re.finditer(_alternatives(letters), text)] == [
        m.group() for m in re.finditer(_longest_first(letters), text)
    ]


def test_a_result_built_on_the_hot_path_is_a_frozen_vehicle_class() -> None:
    result = vs.Classifier().classify("本田牌HG7203A普通轿车")
    assert type(result) is vs.VehicleClass
    assert result.model_code == "HG7203A"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.model_code = "X"  # type: ignore[misc]
    assert result == attrs.evolve(result)
    assert hash(result) == hash(attrs.evolve(result))
