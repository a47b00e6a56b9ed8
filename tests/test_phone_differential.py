"""`custmaster.validate.phone` against phonenumbers on a large corpus of plain Chinese numbers.

The fast path compiles China's numbering plan from phonenumbers' metadata; this module proves
that it decides exactly as ``phonenumbers.parse`` + ``is_valid_number`` + ``format_number``
(E.164) + ``number_type`` do, and that every difference is one the module documents.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator

import phonenumbers
import pytest
from phonenumbers import shortnumberinfo

from custmaster.errors import ValidationError
from custmaster.validate import phone
from custmaster.validate._phone_plan import CN, FOREIGN, SUPPLEMENT

_SEED = 86
_TYPE_NAMES = {
    getattr(phonenumbers.PhoneNumberType, kind.name): kind.value
    for kind in phone.PhoneKind
    if kind is not phone.PhoneKind.SERVICE
}

Result = tuple[str | None, str] | None


def _reference(value: str) -> Result:
    """phonenumbers' verdict: (E.164, kind) for a valid number, None otherwise."""
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, _TYPE_NAMES[phonenumbers.number_type(number)]


def _ours(value: str) -> Result:
    try:
        number = phone.parse(value)
    except ValidationError:
        return None
    return number.e164, number.kind.value


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def _area_codes() -> Iterator[str]:
    """Every string that can be a Chinese area code: 10, 2x and three digits 3xx-9xx."""
    yield "10"
    yield from (f"2{d}" for d in range(10))
    yield from (str(code) for code in range(300, 1000))


def _corpus() -> list[str]:
    rng = random.Random(_SEED)
    corpus: list[str] = []
    # Mobiles: every 4-digit prefix 1000-1999 (valid and invalid), wrong lengths too.
    for prefix in range(1000, 2000):
        corpus.extend(f"{prefix}{_digits(rng, 7)}" for _ in range(6))
    for prefix in range(100, 200):
        corpus.extend(f"{prefix}{_digits(rng, size)}" for size in (7, 7, 9, 9))
    # Fixed lines: every possible area code with trunk 0, local lengths 6-9; 7-8 without 0.
    for area in _area_codes():
        for size in (6, 7, 7, 8, 8, 9):
            corpus.append(f"0{area}{rng.randint(1, 9)}{_digits(rng, size - 1)}")
        corpus.append(f"{area}{rng.randint(2, 9)}{_digits(rng, 7)}")
    # Non-geographic numbers.
    for _ in range(300):
        corpus.append("400" + _digits(rng, 7))
        corpus.append("800" + _digits(rng, 7))
        corpus.append("950" + _digits(rng, rng.choice((7, 8))))
        corpus.append("10" + _digits(rng, rng.randint(5, 8)))
        corpus.append("1" + rng.choice("0126") + _digits(rng, rng.randint(3, 9)))
    # Short numbers: every 3-digit 1xx, samples of 95xxx, 96xxx, 100xx, 12xxx, 11xxx.
    corpus.extend(str(code) for code in range(100, 200))
    for prefix in ("95", "96", "100", "123", "121", "11", "106"):
        corpus.extend(prefix + _digits(rng, 5 - len(prefix) + rng.randint(0, 1)) for _ in range(60))
    # Prefixes: +86, 0086, 86, +86 with trunk 0, IDD to other countries.
    sample = rng.sample(corpus, 4000)
    for value in sample:
        national = value[1:] if value.startswith("0") else value
        corpus.append(rng.choice(("+86", "0086", "86", "+860", "860")) + national)
    corpus.extend(
        rng.choice(("001", "0044", "+44", "+1", "00852")) + _digits(rng, 10) for _ in range(200)
    )
    # IP-dial and carrier prefixes before mobiles and fixed lines (with trunk 0).
    carriers = sorted(phone.IP_DIAL_PREFIXES | {"17900", "11808", "12520", "17969"})
    for prefix in carriers:
        for value in rng.sample(sample, 40):
            corpus.append(prefix + value)
    # Random digit strings of every length.
    for _ in range(12_000):
        corpus.append(str(rng.randint(0, 9)) + _digits(rng, rng.randint(1, 17)))
    return corpus


CORPUS = _corpus()


def _explain(value: str, ours: Result, reference: Result) -> str | None:
    """The documented difference that explains a disagreement, or None."""
    if reference is None and ours is not None and ours[1] == "service":
        number = phonenumbers.parse(value, "CN")
        if shortnumberinfo.is_valid_short_number_for_region(number, "CN"):
            return "service"
    if (
        reference is None
        and ours is not None
        and value[:5] in phone.IP_DIAL_PREFIXES
        and _reference(value[5:]) == ours
    ):
        return "ip_dial_prefix"
    if (
        reference is None
        and ours is not None
        and value[:3] in phone.NEIGHBOUR_CODES
        and _reference("+" + value) == ours
    ):
        return "neighbour_code"  # 852-91234567: Hong Kong, Macao or Taiwan without its '+'
    if (
        reference is None
        and ours is not None
        and ours[1] == "mobile"
        and re.fullmatch(SUPPLEMENT["mobile"], (ours[0] or "")[3:]) is not None
    ):
        return "supplement"  # 149…: a block the MIIT assigned that the metadata lacks
    digits = "".join(c for c in value if c.isdigit())
    if (
        ours is None
        and reference is not None
        and reference[1] == "fixed_line"
        and digits == value.replace(" ", "").replace("-", "")
        and 7 <= len(digits) <= 8
        and digits[0] in "23456789"
    ):
        return "local_number"  # 5551234: a local number without its area code, not 0555-1234
    return None


def test_corpus_is_large_and_varied() -> None:
    assert len(CORPUS) >= 20_000
    verdicts = Counter(_reference(value) is not None for value in CORPUS[:20_000])
    assert verdicts[True] > 5_000
    assert verdicts[False] > 5_000


def test_agrees_with_phonenumbers_except_documented_differences() -> None:
    explained: Counter[str] = Counter()
    unexplained = []
    for value in CORPUS:
        ours = _ours(value)
        reference = _reference(value)
        if ours == reference:
            continue
        reason = _explain(value, ours, reference)
        if reason is None:
            unexplained.append((value, ours, reference))
        else:
            explained[reason] += 1
    assert unexplained[:20] == []
    # Both documented differences occur in the corpus, so the comparison exercised them.
    assert explained["service"] > 50
    assert explained["ip_dial_prefix"] > 10
    assert explained["supplement"] > 5


def test_national_significant_number_and_area_code_agree() -> None:
    fixed = 0
    for value in CORPUS:
        reference = _reference(value)
        if reference is None or _ours(value) is None:  # the documented differences
            continue
        number = phonenumbers.parse(value, "CN")
        ours = phone.parse(value)
        assert ours.national == phonenumbers.national_significant_number(number), value
        assert ours.region == phonenumbers.region_code_for_number(number), value
        if ours.region != "CN":
            assert ours.area_code is None
            continue
        size = phonenumbers.length_of_geographical_area_code(number)
        if ours.kind in (phone.PhoneKind.FIXED_LINE, phone.PhoneKind.FIXED_LINE_OR_MOBILE):
            fixed += 1
            if len(ours.national) == 7 and ours.national[0] not in "12":
                # Documented difference: test_area_code_of_short_local_numbers.
                assert ours.area_code == "0" + ours.national[:3], value
                continue
            assert ours.area_code == "0" + ours.national[:size], value
        else:
            assert size == 0, value
            assert ours.area_code is None, value
    assert fixed > 1_000


def test_area_code_of_short_local_numbers() -> None:
    """Area code + 4-digit local service number: phonenumbers' display format splits 076|21238."""
    number = phonenumbers.parse("07621238", "CN")
    assert phonenumbers.is_valid_number(number)
    assert phonenumbers.length_of_geographical_area_code(number) == 2
    assert phone.parse("07621238").area_code == "0762"
    assert phone.format("07621238") == "0762-1238"


def test_automaton_agrees_with_the_regular_expressions() -> None:
    rng = random.Random(_SEED)
    candidates = {CN.national(value) for value in CORPUS}
    candidates |= {str(rng.randint(1, 9)) + _digits(rng, rng.randint(6, 11)) for _ in range(20_000)}
    checked = 0
    for nsn in candidates:
        if nsn is None or nsn == FOREIGN:
            continue
        assert CN.kind(nsn) == CN.kind_by_regex(nsn), nsn
        checked += 1
    assert checked > 30_000


def test_lookup_agrees_with_national_and_kind() -> None:
    for value in CORPUS:
        nsn = CN.national(value)
        found = CN.lookup(value)
        if nsn is None or nsn == FOREIGN:
            assert found == nsn, value
            continue
        kind = CN.kind(nsn)
        assert found == ((nsn, kind) if kind is not None else None), value


def test_every_mobile_prefix_of_the_metadata_is_accepted() -> None:
    """All 3-digit blocks phonenumbers accepts, incl. 19x and 16x, and no others but 149."""
    accepted = set()
    for prefix in range(130, 200):
        for tail in ("00000000", "12345678", "99999999", "40012345", "05123456"):
            number = f"{prefix}{tail}"
            if _reference(number) is not None:
                accepted.add(prefix)
            if prefix == 149:  # the supplement: phonenumbers refuses it, custmaster accepts it
                assert _reference(number) is None
                assert _ours(number) == (f"+86{number}", "mobile")
            else:
                assert _ours(number) == _reference(number)
    assert {190, 191, 192, 196, 197, 199, 162, 165, 166, 167, 145, 147} <= accepted
    assert 154 not in accepted
    assert 149 not in accepted


def test_the_supplement_is_all_the_plan_adds() -> None:
    """Without its supplement the plan is phonenumbers' exactly: 149 is the only block added,
    as 11-digit mobiles (the 13-digit IoT numbers of the same block stay refused)."""
    assert SUPPLEMENT == {"mobile": r"149\d{8}"}
    assert CN.lookup("14957321234") == ("14957321234", "mobile")
    assert CN.lookup("+8614957321234") == ("14957321234", "mobile")
    assert CN.lookup("1495732123456") is None
    assert CN.lookup("1485732123") is None
    assert CN.kind_by_regex("14957321234") == "mobile"


# Each row of the module docstring's table: input, phonenumbers' result, ours.
# phonenumbers' result is (E.164, is_valid) or "error" when it raises.
DOCUMENTED_DIFFERENCES = [
    ("0592-5123456-801", ("+865925123456801", False), "+865925123456;ext=801"),
    ("0592-5123456 转 801", "error", "+865925123456;ext=801"),
    ("95511", ("+8695511", False), "95511"),
    ("10086", ("+8610086", False), "10086"),
    ("12345", ("+8612345", False), "12345"),
    ("110", ("+86110", False), "110"),
    ("1019313800138000", ("+861019313800138000", False), "+8613800138000"),
    ("1795105925123456", ("+8605925123456", False), "+865925123456"),
    ("138OO138OOO", ("+8613866138666", True), "phone.vanity"),
    ("13800138000/13900139000", "error", "phone.multiple"),
    ("手机：138 0013 8000（微信同号）", "error", "+8613800138000"),
    ("13800138000.0", ("+86138001380000", False), "+8613800138000"),
    ("5123456", ("+865123456", False), "phone.area_code_missing"),
    ("852-91234567", ("+8685291234567", False), "+85291234567"),
    ("14957321234", ("+8614957321234", False), "+8614957321234"),
]


@pytest.mark.parametrize(("value", "theirs", "expected"), DOCUMENTED_DIFFERENCES)
def test_documented_difference(value: str, theirs: object, expected: str) -> None:
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        assert theirs == "error"
    else:
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        assert (e164, phonenumbers.is_valid_number(number)) == theirs
    if expected.startswith("phone."):
        with pytest.raises(ValidationError) as info:
            phone.validate(value)
        assert info.value.code == expected
    else:
        assert phone.validate(value) == expected


def test_documented_differences_are_in_the_docstring() -> None:
    doc = phone.__doc__ or ""
    for value, _, _ in DOCUMENTED_DIFFERENCES:
        assert f"``{value}``" in doc, value
