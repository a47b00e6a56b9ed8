"""detect(): resident IDs and USCCs told apart, including numbers that pass both checks."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from custmaster import validate as validate_package
from custmaster.testing.strategies import resident_ids
from custmaster.validate import cn_resident_id, cn_uscc
from custmaster.validate._detect import KINDS, Detection, detect


def test_reexported_from_the_package() -> None:
    assert validate_package.detect is detect
    assert validate_package.Detection is Detection
    assert {"detect", "Detection"} <= set(validate_package.__all__)


def test_plain_kinds() -> None:
    assert detect("11010519491231002X") == Detection(("resident_id",), "resident_id")
    assert detect("110105491231002") == Detection(("resident_id",), "resident_id")
    assert detect("91110000600037341L") == Detection(("uscc",), "uscc")
    assert detect("Y1110105MA01AB2C3R") == Detection(("uscc",), "uscc")
    assert detect("13800138000") == Detection(("mobile",), "mobile")
    assert detect("+86 (138) 0013-8000") == Detection(("mobile",), "mobile")
    assert detect("0086 138 0013 8000").kinds == ("mobile",)


def test_nothing() -> None:
    for value in ("", "hello", "110105194912310021", "12800138000", None, 42, b"13800138000"):
        found = detect(value)
        assert found == Detection((), None)
        assert not found.ambiguous


def test_resident_id_that_passes_the_uscc_check_is_most_likely_a_resident_id() -> None:
    number = "11010519491231037X"
    assert cn_resident_id.is_valid(number)
    assert cn_uscc.is_valid(number)  # 机构编制/机关, region 010519, organisation code 1949123103
    as_uscc = cn_uscc.parse(number)
    assert [w.code for w in as_uscc.warnings] == ["cn_uscc.region_unknown"]
    found = detect(number)
    assert found == Detection(("resident_id", "uscc"), "resident_id")
    assert not found.ambiguous


def test_truly_ambiguous_number() -> None:
    # As a resident ID: 安徽省阜阳地区亳州市, born 1990-01-01, no warning. As a USCC: 司法行政,
    # 司法鉴定机构, registered in 210219 瓦房店市, organisation code passing its own check.
    number = "34210219900101368X"
    resident = cn_resident_id.parse(number, strict=True)
    assert resident.birth_date == dt.date(1990, 1, 1)
    uscc = cn_uscc.parse(number, strict=True)
    assert uscc.organisation_code_valid
    assert uscc.region_name == "辽宁省大连市瓦房店市"
    found = detect(number)
    assert found == Detection(("resident_id", "uscc"), None)
    assert found.ambiguous


def test_both_doubtful_is_ambiguous() -> None:
    # Born before its county code existed (a warning) and, as a USCC, an unknown region.
    candidates = []
    for sequence in range(1000):
        body = f"35010219700101{sequence:03d}"
        number = body + cn_resident_id.calc_check_digit(body)
        if cn_uscc.is_valid(number):
            candidates.append(number)
    assert candidates  # about one in 31 passes both checks
    for number in candidates:
        assert cn_resident_id.parse(number).warnings
        assert detect(number) == Detection(("resident_id", "uscc"), None)


def test_kinds_are_reported_in_a_fixed_order() -> None:
    assert KINDS == ("resident_id", "uscc", "mobile")


@settings(max_examples=200, deadline=None)
@given(resident_ids())
def test_every_resident_id_is_detected(number: str) -> None:
    found = detect(number)
    assert found.kinds[0] == "resident_id"
    assert found.likely in ("resident_id", None)
    if found.likely is None:  # only when the USCC reading is as clean as the resident one
        parsed = cn_uscc.parse(number)
        assert parsed.organisation_code_valid
        assert parsed.warnings == ()


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.none(), st.integers(), st.binary()))
def test_detect_never_raises(value: object) -> None:
    found = detect(value)
    assert set(found.kinds) <= set(KINDS)
    assert found.likely is None or found.likely in found.kinds
