"""Value-level hypothesis strategies: single Chinese identity, contact and vehicle values.

Each strategy generates values from its own knowledge of the format (region codes and their
years from python-stdnum's ``cn/loc`` table, check-digit algorithms, phone prefixes and area
codes from phonenumbers' metadata), never by asking custmaster's validators, so that the
validators can be tested against them.

Public names are re-exported by `custmaster.testing.strategies`; import them from there.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Sequence
from typing import Literal, NamedTuple

from hypothesis import strategies as st

__all__ = [
    "GeneratedPhone",
    "InvalidResidentIdKind",
    "InvalidValue",
    "PhoneKind",
    "invalid_resident_ids",
    "phones",
    "resident_id_check_char",
    "resident_ids",
]

PhoneKind = Literal["mobile", "fixed_line", "toll_free", "service"]

# ---------------------------------------------------------------------------------------------
# Region codes (GB/T 2260) from python-stdnum's cn/loc table
# ---------------------------------------------------------------------------------------------

#: Province-level codes that do not occur on mainland resident ID cards (Taiwan, Hong Kong, Macao).
_NON_MAINLAND = frozenset({"71", "81", "82"})
#: County rows that name a grouping, not a place a person is registered in.
_GROUPING_NAMES = frozenset({"市辖区", "县", "市区", "省直辖县级行政单位", "省直辖行政单位"})


class _Period(NamedTuple):
    """One name a region code carried, from ``start`` to ``end`` (inclusive, None = open)."""

    name: str
    start: int | None
    end: int | None

    def covers(self, year: int) -> bool:
        return (self.start is None or year >= self.start) and (self.end is None or year <= self.end)


class _Region(NamedTuple):
    """A county-level region code with every name it had and the names above it."""

    code: str
    province: str
    periods: tuple[_Period, ...]

    def valid_in(self, year: int) -> bool:
        return any(p.covers(year) for p in self.periods)

    @property
    def current(self) -> str | None:
        """The name the code has today, or None if it was retired."""
        for period in self.periods:
            if period.end is None and (period.start is None or period.start <= _today().year):
                return period.name
        return None


def _today() -> _dt.date:
    return _dt.date.today()


def _parse_periods(text: str) -> tuple[_Period, ...]:
    """Parse stdnum's ``[1983-1994]郊区,[1995-]晋安区`` notation (no brackets: always valid)."""
    periods = []
    for part in text.split(","):
        if not part.startswith("["):
            periods.append(_Period(part, None, None))
            continue
        span, name = part[1:].split("]", 1)
        start, end = span.split("-")
        periods.append(_Period(name, int(start) if start else None, int(end) if end else None))
    return tuple(periods)


@functools.cache
def _region_table() -> tuple[tuple[_Region, ...], dict[str, tuple[_Period, ...]]]:
    """All county-level codes of the mainland, and the periods of every row (cities included).

    Returns ``(counties, rows)``: counties sorted by code; ``rows`` maps every six-digit code in
    the table (province, prefecture and county rows) to its periods.
    """
    from stdnum import numdb

    counties: list[_Region] = []
    rows: dict[str, tuple[_Period, ...]] = {}
    for plen, plow, phigh, pprops, children in numdb.get("cn/loc").prefixes:
        if plen != 2 or plow != phigh:
            continue
        province_code, province = plow, pprops.get("province", "")
        for clen, clow, chigh, cprops, _ in children:
            if clen != 4 or "county" not in cprops:
                continue
            for number in range(int(clow), int(chigh) + 1):
                code = f"{province_code}{number:04d}"
                periods = _parse_periods(cprops["county"])
                rows[code] = periods
                if province_code in _NON_MAINLAND or code.endswith("00"):
                    continue
                periods = tuple(p for p in periods if p.name not in _GROUPING_NAMES)
                if periods:
                    counties.append(_Region(code, province, periods))
    counties.sort(key=lambda r: r.code)
    return tuple(counties), rows


@functools.cache
def _codes_valid_in(year: int, prefix: str) -> tuple[str, ...]:
    """County codes starting with ``prefix`` that were in use in ``year``."""
    counties, _ = _region_table()
    return tuple(r.code for r in counties if r.code.startswith(prefix) and r.valid_in(year))


def _known_code(code: str) -> bool:
    return code in _region_table()[1]


# ---------------------------------------------------------------------------------------------
# Resident identity card numbers (GB 11643)
# ---------------------------------------------------------------------------------------------

_RID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_EARLIEST_BIRTH = _dt.date(1900, 1, 1)
_DEFAULT_EARLIEST_BIRTH = _dt.date(1930, 1, 1)


def resident_id_check_char(body: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character for the first 17 digits of an ID.

    >>> resident_id_check_char("11010519491231002")
    'X'
    >>> resident_id_check_char("36042619910101007")
    '1'
    """
    if len(body) != 17 or not body.isascii() or not body.isdigit():
        raise ValueError("the body of a resident ID is 17 ASCII digits")
    total = sum(int(ch) * w for ch, w in zip(body, _RID_WEIGHTS, strict=True))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def _birth_bounds(
    born: _dt.date | tuple[_dt.date, _dt.date] | None, legacy_15: bool
) -> tuple[_dt.date, _dt.date]:
    if born is None:
        low, high = _DEFAULT_EARLIEST_BIRTH, _today()
    elif isinstance(born, _dt.date):
        low = high = born
    else:
        low, high = born
    low = max(low, _EARLIEST_BIRTH)
    high = min(high, _today())
    if legacy_15:
        low, high = max(low, _dt.date(1900, 1, 1)), min(high, _dt.date(1999, 12, 31))
    if low > high:
        raise ValueError(f"no birth date possible between {low} and {high}")
    return low, high


def _years_by_preference(low: int, high: int) -> list[int]:
    """Years from ``low`` to ``high``, nearest to 1990 first (so failures shrink to 1990)."""
    return sorted(range(low, high + 1), key=lambda y: (abs(y - 1990), y))


@st.composite
def _birth_and_region(
    draw: st.DrawFn, low: _dt.date, high: _dt.date, prefix: str, years: tuple[int, ...]
) -> tuple[_dt.date, str]:
    year = draw(st.sampled_from(years))
    birth = draw(st.dates(max(low, _dt.date(year, 1, 1)), min(high, _dt.date(year, 12, 31))))
    code = draw(st.sampled_from(_codes_valid_in(year, prefix)))
    return birth, code


@st.composite
def _sequence(draw: st.DrawFn, gender: Literal["M", "F"] | None) -> str:
    """The three-digit sequence code: odd for men, even for women, never 000."""
    if gender is None:
        number = draw(st.integers(1, 999))
    elif gender == "M":
        number = draw(st.integers(0, 499)) * 2 + 1
    else:
        number = draw(st.integers(1, 499)) * 2
    return f"{number:03d}"


def resident_ids(
    region: str | None = None,
    born: _dt.date | tuple[_dt.date, _dt.date] | None = None,
    gender: Literal["M", "F"] | None = None,
    *,
    legacy_15: bool = False,
) -> st.SearchStrategy[str]:
    """Valid resident identity card numbers (居民身份证号码), 18 digits or 15 for ``legacy_15``.

    The region code is a real county-level code that was in use in the birth year (retired
    codes such as 110103 崇文区 only for births up to 2010), the birth date is a real date no
    later than today, the sequence code is odd for men and even for women, and the check
    character is computed with ISO 7064 MOD 11-2 (uppercase ``X``).

    Args:
        region: a 6-digit region code, or a 2- or 4-digit prefix (province ``"35"``, city
            ``"3502"``) to draw from.
        born: a birth date, or an inclusive ``(earliest, latest)`` range; by default
            1930-01-01 to today.
        gender: ``"M"`` or ``"F"``; by default either.
        legacy_15: generate first-generation 15-digit numbers (birth 1900-1999, two-digit year,
            no check character).

    Failing examples shrink to births in 1990 in 110101 (北京市东城区).

    Example::

        @given(resident_ids(region="35", born=(date(1980, 1, 1), date(1989, 12, 31)), gender="F"))
        def test_fujian_women_of_the_eighties(number):
            assert number.startswith("35") and int(number[16]) % 2 == 0
    """
    if region is not None and (not region.isdigit() or len(region) not in (2, 4, 6)):
        raise ValueError("region must be a 2-, 4- or 6-digit region code or prefix")
    if gender not in (None, "M", "F"):
        raise ValueError("gender must be 'M', 'F' or None")

    low, high = _birth_bounds(born, legacy_15)
    prefix = region or ""
    years = tuple(
        y for y in _years_by_preference(low.year, high.year) if _codes_valid_in(y, prefix)
    )
    if not years:
        raise ValueError(f"no region code {prefix}… was in use between {low} and {high}")
    dates_and_regions = _birth_and_region(low, high, prefix, years)

    @st.composite
    def build(draw: st.DrawFn) -> str:
        birth, code = draw(dates_and_regions)
        sequence = draw(_sequence(gender))
        if legacy_15:
            return f"{code}{birth:%y%m%d}{sequence}"
        body = f"{code}{birth:%Y%m%d}{sequence}"
        return body + resident_id_check_char(body)

    return build()


class InvalidValue(NamedTuple):
    """A deliberately invalid value and the error ``code`` custmaster raises for it.

    ``strict`` is True when the validator accepts the value with a warning of that code and
    raises it only with ``strict=True`` (a county code missing from the table, for example).
    """

    value: str
    code: str
    strict: bool = False


InvalidResidentIdKind = Literal["checksum", "birth_date", "region", "length", "format"]


@st.composite
def _bad_checksum(draw: st.DrawFn) -> InvalidValue:
    """A valid number with another check character."""
    number = draw(resident_ids())
    wrong = draw(st.sampled_from([c for c in "0123456789X" if c != number[-1]]))
    return InvalidValue(number[:-1] + wrong, "cn_resident_id.checksum")


@st.composite
def _bad_birth_date(draw: st.DrawFn) -> InvalidValue:
    """An impossible date in the birth year (Feb 30, month 13, day 00 …), a date after today,
    or one before 1850; the check character is right, the region is in use in that year.
    """
    variant = draw(st.sampled_from(["impossible", "future", "too_early"]))
    if variant == "impossible":
        number = draw(resident_ids(born=(_dt.date(1984, 1, 1), _dt.date(2010, 12, 31))))
        year = int(number[6:10])
        impossible = [
            st.tuples(st.just(2), st.integers(30, 31)),
            st.tuples(st.integers(13, 99), st.integers(1, 28)),
            st.tuples(st.just(0), st.integers(1, 28)),
            st.tuples(st.integers(1, 12), st.just(0)),
            st.tuples(st.integers(1, 12), st.integers(32, 99)),
            st.tuples(st.sampled_from([4, 6, 9, 11]), st.just(31)),
        ]
        if year % 4:
            impossible.append(st.just((2, 29)))
        month, day = draw(st.one_of(impossible))
        date_text, code = f"{year:04d}{month:02d}{day:02d}", "cn_resident_id.birth_date"
    elif variant == "future":
        today = _today()
        number = draw(resident_ids(born=(today.replace(year=today.year - 10), today)))
        periods = _region_table()[1][number[:6]]
        future = draw(
            st.dates(today + _dt.timedelta(days=1), _dt.date(today.year + 20, 12, 31)).filter(
                lambda d: any(p.covers(d.year) for p in periods)
            )
        )
        date_text, code = f"{future:%Y%m%d}", "cn_resident_id.birth_date_future"
    else:
        number = draw(resident_ids(region="110101"))  # 东城区: no start year in the table
        early = draw(st.dates(_dt.date(1000, 1, 1), _dt.date(1849, 12, 31)))
        date_text, code = f"{early:%Y%m%d}", "cn_resident_id.birth_date_too_early"
    body = f"{number[:6]}{date_text}{number[14:17]}"
    return InvalidValue(body + resident_id_check_char(body), code)


@st.composite
def _bad_region(draw: st.DrawFn) -> InvalidValue:
    """A province that does not exist (an error), a county code in no edition of GB/T 2260, or
    one retired before the birth year (both warnings, errors only with ``strict=True``).
    """
    variant = draw(st.sampled_from(["province", "unknown", "retired"]))
    if variant == "province":
        number = draw(resident_ids())
        province = draw(st.sampled_from(["00", "10", "19", "20", "30", "39", "40", "49", "60"]))
        body = province + number[2:17]
        return InvalidValue(body + resident_id_check_char(body), "cn_resident_id.province")
    if variant == "unknown":
        number = draw(resident_ids(born=(_dt.date(1970, 1, 1), _dt.date(2005, 12, 31))))
        county = draw(
            st.integers(0, 9999)
            .map(lambda n: f"{number[:2]}{n:04d}")
            .filter(lambda code: not _known_code(code))
        )
        body = county + number[6:17]
        code = "cn_resident_id.region_unknown"
        return InvalidValue(body + resident_id_check_char(body), code, strict=True)
    region = draw(st.sampled_from(_retired_regions()))
    last = max(p.end for p in region.periods if p.end is not None)
    number = draw(resident_ids(born=(_dt.date(last + 1, 1, 1), _today())))
    body = region.code + number[6:17]
    code = "cn_resident_id.region_retired"
    return InvalidValue(body + resident_id_check_char(body), code, strict=True)


@functools.cache
def _retired_regions() -> tuple[_Region, ...]:
    """County codes whose every name was retired at least two years ago."""
    counties, _ = _region_table()
    limit = _today().year - 2
    return tuple(
        r for r in counties if all(p.end is not None and p.end <= limit for p in r.periods)
    )


@st.composite
def _bad_length(draw: st.DrawFn) -> InvalidValue:
    """Digit strings of a length other than 15 or 18 (a dropped or doubled digit, a stub)."""
    number = draw(resident_ids())
    length = draw(st.sampled_from([17, 16, 19, 14, 20, 8]))
    if length <= 18:
        value = number[:length]
    else:
        value = number + draw(st.text("0123456789", min_size=length - 18, max_size=length - 18))
    return InvalidValue(value, "cn_resident_id.length")


@st.composite
def _bad_format(draw: st.DrawFn) -> InvalidValue:
    """18 characters with a letter among the first 17, or a last character other than 0-9/X."""
    number = draw(resident_ids())
    letter = draw(st.sampled_from("ABCDEFGHJKLMNPQRSTUVWXYZ"))
    if draw(st.booleans()):
        position = draw(st.integers(0, 16))
        value = number[:position] + letter + number[position + 1 :]
    else:
        value = number[:17] + letter.replace("X", "Y")
    return InvalidValue(value, "cn_resident_id.format")


def invalid_resident_ids(
    kind: InvalidResidentIdKind | None = None,
) -> st.SearchStrategy[InvalidValue]:
    """Invalid resident ID numbers, each with the error code custmaster raises for it.

    Generates `InvalidValue` tuples ``(value, code, strict)``. Every value is wrong in exactly
    one way, so `custmaster.validate.cn_resident_id.validate` fails with exactly that code
    (with ``strict=True`` when ``strict`` is True):

    * ``"checksum"``: a valid number with another check character (``.checksum``);
    * ``"birth_date"``: an impossible date such as ``0230`` or month 13 (``.birth_date``), a
      date after today (``.birth_date_future``) or before 1850 (``.birth_date_too_early``);
    * ``"region"``: a province that does not exist (``.province``), or, as warnings that
      ``strict=True`` raises, a county code in no edition of the table (``.region_unknown``)
      or one retired before the birth year (``.region_retired``);
    * ``"length"``: a truncated or lengthened number, never 15 or 18 digits (``.length``);
    * ``"format"``: a letter among the digits, or a last character other than ``X``
      (``.format``).

    Apart from the labelled fault the number is right: the check character matches the
    changed digits and the region was in use in the birth year.

    Args:
        kind: one of the kinds above; by default any.

    Example::

        @given(invalid_resident_ids())
        def test_import_rejects_bad_ids(case):
            with pytest.raises(ValidationError) as raised:
                cn_resident_id.validate(case.value, strict=case.strict)
            assert raised.value.code == case.code
    """
    kinds: dict[str, st.SearchStrategy[InvalidValue]] = {
        "checksum": _bad_checksum(),
        "birth_date": _bad_birth_date(),
        "region": _bad_region(),
        "length": _bad_length(),
        "format": _bad_format(),
    }
    if kind is None:
        return st.one_of(*kinds.values())
    if kind not in kinds:
        raise ValueError(f"kind must be one of {sorted(kinds)}")
    return kinds[kind]


# ---------------------------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------------------------


class GeneratedPhone(NamedTuple):
    """A phone number as written in real data, with what it normalises to.

    Attributes:
        text: the number as it might appear in a source file (``"+86 138-0013-8000"``).
        normalised: what ``custmaster.validate.phone.validate(text)`` returns: E.164, plus
            ``;ext=NNN`` when there is an extension; bare digits for service numbers.
        e164: the E.164 form without extension (``"+8613800138000"``); None for service numbers.
        extension: the extension digits, or None.
        kind: ``"mobile"``, ``"fixed_line"``, ``"toll_free"`` or ``"service"``.
    """

    text: str
    normalised: str
    e164: str | None
    extension: str | None
    kind: PhoneKind


#: Three-digit mobile prefixes in rough order of how common they are in customer files.
_COMMON_MOBILE_PREFIXES = (
    "138", "139", "135", "136", "137", "150", "151", "152", "158", "159", "182", "183",
    "187", "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180",
    "181", "189", "177", "199", "198", "166", "191", "173", "176", "178", "175",
)  # fmt: skip

_FULL_WIDTH = str.maketrans("0123456789+-()", "０１２３４５６７８９＋－（）")


@functools.cache
def _mobile_prefixes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(common, rarer) three-digit prefixes all of whose numbers phonenumbers calls mobile."""
    import phonenumbers

    def all_mobile(prefix: str) -> bool:
        for fourth in "0123456789":
            for fill in "0594":
                number = phonenumbers.parse(prefix + fourth + fill * 7, "CN")
                if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
                    return False
        return True

    valid = [str(p) for p in range(130, 200) if all_mobile(str(p))]
    common = tuple(p for p in _COMMON_MOBILE_PREFIXES if p in valid)
    rarer = tuple(p for p in valid if p not in common)
    return common, rarer


@functools.cache
def _area_codes() -> dict[str, tuple[int, tuple[str, ...]]]:
    """Area code (without trunk 0) -> (subscriber length, allowed first digits).

    Built from phonenumbers' metadata: an area code is listed when phonenumbers has a place name
    for it and every number of that length starting with an allowed digit is a fixed line.
    Where both 7 and 8 digits are allowed, 8 is used (the longer numbers are the newer ones).
    """
    import phonenumbers
    from phonenumbers import geocoder

    fixed = phonenumbers.PhoneNumberType.FIXED_LINE
    table: dict[str, tuple[int, tuple[str, ...]]] = {}
    candidates = ["10", *(f"2{d}" for d in range(10)), *(str(n) for n in range(300, 1000))]
    for code in candidates:
        for length in (8, 7):
            firsts = tuple(
                d
                for d in "2345678"
                if all(
                    phonenumbers.number_type(
                        phonenumbers.parse("0" + code + d + fill * (length - 1), "CN")
                    )
                    == fixed
                    for fill in "059"
                )
            )
            if firsts:
                probe = phonenumbers.parse("0" + code + firsts[0] + "0" * (length - 1), "CN")
                if geocoder.description_for_number(probe, "zh"):
                    table[code] = (length, firsts)
                break
    return table


def _area_code_order() -> list[str]:
    codes = list(_area_codes())
    preferred = ["592", "10", "21", "20", "755", "571", "25", "28", "27", "591"]
    head = [c for c in preferred if c in codes]
    return head + [c for c in codes if c not in head]


#: Service (short) numbers customers leave or call: insurer and bank hotlines, carriers, 12345.
_SERVICE_NUMBERS = (
    "95518", "95511", "95519", "95500", "95589", "95522", "95567", "95588", "95533", "95599",
    "95555", "95566", "95559", "95595", "10086", "10010", "10000", "12345", "12315", "12366",
    "12378", "12333", "12306",
)  # fmt: skip


def _group(digits: str, sizes: Sequence[int]) -> list[str]:
    parts, start = [], 0
    for size in sizes:
        parts.append(digits[start : start + size])
        start += size
    if start < len(digits):
        parts.append(digits[start:])
    return [p for p in parts if p]


@st.composite
def _mobile(draw: st.DrawFn, formatted: bool) -> GeneratedPhone:
    common, rarer = _mobile_prefixes()
    prefix = draw(st.sampled_from(common) | st.sampled_from(rarer))
    digits = prefix + draw(st.text("0123456789", min_size=8, max_size=8))
    e164 = "+86" + digits
    if not formatted:
        return GeneratedPhone(digits, e164, e164, None, "mobile")
    sep = draw(st.sampled_from(["", " ", "-"]))
    national = sep.join(_group(digits, (3, 4, 4)))
    country = draw(st.sampled_from(["", "+86", "+86 ", "0086", "0086 ", "+86-", "(+86)", "86 "]))
    text = country + national
    if draw(st.booleans()):
        text = text.translate(_FULL_WIDTH)
    text = draw(st.sampled_from(["", " ", "\t"])) + text + draw(st.sampled_from(["", " "]))
    return GeneratedPhone(text, e164, e164, None, "mobile")


@st.composite
def _fixed_line(draw: st.DrawFn, area_code: str | None, formatted: bool) -> GeneratedPhone:
    table = _area_codes()
    code = area_code if area_code is not None else draw(st.sampled_from(_area_code_order()))
    length, firsts = table[code]
    subscriber = draw(st.sampled_from(firsts)) + draw(
        st.text("0123456789", min_size=length - 1, max_size=length - 1)
    )
    e164 = f"+86{code}{subscriber}"
    if not formatted:
        return GeneratedPhone(f"0{code}{subscriber}", e164, e164, None, "fixed_line")
    style = draw(st.sampled_from(["dash", "space", "paren", "plain", "intl", "intl-dash", "0086"]))
    if length == 8 and draw(st.booleans()):
        shown = f"{subscriber[:4]}{draw(st.sampled_from(['', ' ', '-']))}{subscriber[4:]}"
    else:
        shown = subscriber
    text = {
        "dash": f"0{code}-{shown}",
        "space": f"0{code} {shown}",
        "paren": f"(0{code}){shown}",
        "plain": f"0{code}{shown}",
        "intl": f"+86 {code} {shown}",
        "intl-dash": f"+86-{code}-{shown}",
        "0086": f"0086 {code} {shown}",
    }[style]
    extension = draw(st.none() | st.text("0123456789", min_size=1, max_size=4))
    if extension is not None:
        text += (
            draw(st.sampled_from(["-", "转", " 转", "转分机", " ext. ", " ext", "#"])) + extension
        )
    if draw(st.booleans()):
        text = text.translate(_FULL_WIDTH)
    normalised = e164 if extension is None else f"{e164};ext={extension}"
    return GeneratedPhone(text, normalised, e164, extension, "fixed_line")


@st.composite
def _toll_free(draw: st.DrawFn, formatted: bool) -> GeneratedPhone:
    digits = "800" + draw(st.text("0123456789", min_size=7, max_size=7))
    e164 = "+86" + digits
    if not formatted:
        return GeneratedPhone(digits, e164, e164, None, "toll_free")
    sep = draw(st.sampled_from(["", " ", "-"]))
    text = sep.join(_group(digits, draw(st.sampled_from([(3, 3, 4), (3, 4, 3)]))))
    text = draw(st.sampled_from(["", "+86 ", "+86-"])) + text
    if draw(st.booleans()):
        text = text.translate(_FULL_WIDTH)
    return GeneratedPhone(text, e164, e164, None, "toll_free")


@st.composite
def _service(draw: st.DrawFn, formatted: bool) -> GeneratedPhone:
    digits = draw(st.sampled_from(_SERVICE_NUMBERS))
    text = digits
    if formatted:
        if draw(st.booleans()):
            text = text.translate(_FULL_WIDTH)
        text = draw(st.sampled_from(["", " "])) + text + draw(st.sampled_from(["", " "]))
    return GeneratedPhone(text, digits, None, None, "service")


def phones(
    kind: PhoneKind = "mobile",
    area_code: str | None = None,
    *,
    formatted: bool = True,
) -> st.SearchStrategy[GeneratedPhone]:
    """Valid Chinese phone numbers as they appear in real data, with their normalised form.

    Generates `GeneratedPhone` tuples ``(text, normalised, e164, extension, kind)``: ``text`` is
    the input, ``normalised`` what custmaster's phone validator returns for it.

    * ``"mobile"``: 11-digit numbers with prefixes that phonenumbers' metadata marks as mobile,
      common ones (138, 139, 150 …) as often as all the rest together;
    * ``"fixed_line"``: a real area code (phonenumbers knows the city) with a subscriber number
      of the right length, sometimes with an extension (``-801``, ``转801``, `` ext. 801``);
    * ``"toll_free"``: 800 numbers;
    * ``"service"``: short hotline numbers (95518, 10086, 12345 …), normalised to bare digits.

    With ``formatted=True`` (the default) the text has the variants real files have: spaces or
    dashes between groups, ``+86`` / ``0086`` / ``(+86)`` prefixes, ``(0592)`` area codes,
    full-width digits and stray whitespace. With ``formatted=False`` it is the plain national
    form (``13800138000``, ``05921234567``) without extension.

    Args:
        kind: which kind of number.
        area_code: for ``"fixed_line"`` only: the area code, with or without the trunk ``0``
            (``"0592"``); by default any.
        formatted: messy real-world formats, or plain digits.

    Example::

        @given(phones(kind="fixed_line", area_code="0592"))
        def test_phone_normalises(generated):
            assert phone.validate(generated.text) == generated.normalised
    """
    if kind == "mobile":
        strategy = _mobile(formatted)
    elif kind == "fixed_line":
        code = None
        if area_code is not None:
            code = area_code[1:] if area_code.startswith("0") else area_code
            if code not in _area_codes():
                raise ValueError(f"unknown area code {area_code!r}")
        strategy = _fixed_line(code, formatted)
    elif kind == "toll_free":
        strategy = _toll_free(formatted)
    elif kind == "service":
        strategy = _service(formatted)
    else:
        raise ValueError("kind must be 'mobile', 'fixed_line', 'toll_free' or 'service'")
    if area_code is not None and kind != "fixed_line":
        raise ValueError("area_code applies to fixed-line numbers only")
    return strategy
