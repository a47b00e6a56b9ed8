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
    "GeneratedAddress",
    "GeneratedPhone",
    "InvalidResidentIdKind",
    "InvalidValue",
    "PhoneKind",
    "addresses",
    "emails",
    "engine_numbers",
    "invalid_resident_ids",
    "model_year_code",
    "names",
    "organisation_code_check_char",
    "phones",
    "plates",
    "postcodes",
    "resident_id_check_char",
    "resident_ids",
    "uscc_check_char",
    "usccs",
    "vin_check_digit",
    "vins",
]

PhoneKind = Literal["mobile", "fixed_line", "toll_free", "shared_cost", "service"]

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

    :param region: a 6-digit region code, or a 2- or 4-digit prefix (province ``"35"``, city
        ``"3502"``) to draw from.
    :param born: a birth date, or an inclusive ``(earliest, latest)`` range; by default
        1930-01-01 to today.
    :param gender: ``"M"`` or ``"F"``; by default either.
    :param legacy_15: generate first-generation 15-digit numbers (birth 1900-1999, two-digit year,
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
        number = draw(resident_ids(born=(today - _dt.timedelta(days=3650), today)))
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

    :param kind: one of the kinds above; by default any.

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
        kind: ``"mobile"``, ``"fixed_line"``, ``"toll_free"``, ``"shared_cost"`` or
            ``"service"`` (the values of ``custmaster.validate.phone.PhoneKind``).
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
def _hotline(
    draw: st.DrawFn, kind: Literal["toll_free", "shared_cost"], formatted: bool
) -> GeneratedPhone:
    """800 (toll-free) and 400 (shared-cost) company numbers: prefix and 7 digits."""
    prefix = "800" if kind == "toll_free" else "400"
    digits = prefix + draw(st.text("0123456789", min_size=7, max_size=7))
    e164 = "+86" + digits
    if not formatted:
        return GeneratedPhone(digits, e164, e164, None, kind)
    sep = draw(st.sampled_from(["", " ", "-"]))
    text = sep.join(_group(digits, draw(st.sampled_from([(3, 3, 4), (3, 4, 3)]))))
    text = draw(st.sampled_from(["", "+86 ", "+86-"])) + text
    if draw(st.booleans()):
        text = text.translate(_FULL_WIDTH)
    return GeneratedPhone(text, e164, e164, None, kind)


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
    * ``"toll_free"``: 800 numbers; ``"shared_cost"``: 400 numbers (company hotlines);
    * ``"service"``: short hotline numbers (95518, 10086, 12345 …), normalised to bare digits.

    With ``formatted=True`` (the default) the text has the variants real files have: spaces or
    dashes between groups, ``+86`` / ``0086`` / ``(+86)`` prefixes, ``(0592)`` area codes,
    full-width digits and stray whitespace. With ``formatted=False`` it is the plain national
    form (``13800138000``, ``05921234567``) without extension.

    :param kind: which kind of number.
    :param area_code: for ``"fixed_line"`` only: the area code, with or without the trunk ``0``
        (``"0592"``); by default any.
    :param formatted: messy real-world formats, or plain digits.

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
    elif kind in ("toll_free", "shared_cost"):
        strategy = _hotline(kind, formatted)
    elif kind == "service":
        strategy = _service(formatted)
    else:
        raise ValueError(
            "kind must be 'mobile', 'fixed_line', 'toll_free', 'shared_cost' or 'service'"
        )
    if area_code is not None and kind != "fixed_line":
        raise ValueError("area_code applies to fixed-line numbers only")
    return strategy


# ---------------------------------------------------------------------------------------------
# Unified social credit codes (GB 32100-2015)
# ---------------------------------------------------------------------------------------------

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
#: Registration authority and organisation type, companies first (most USCCs in a book are 91).
_USCC_KINDS = (
    "91", "92", "93", "12", "11", "52", "51", "53", "31", "81", "71", "13", "19", "59",
)  # fmt: skip


def uscc_check_char(body: str) -> str:
    """Return the GB 32100 check character (MOD 31) for the first 17 characters of a USCC.

    >>> uscc_check_char("91110000600037341")
    'L'
    """
    if len(body) != 17 or any(c not in _USCC_ALPHABET for c in body):
        raise ValueError("the body of a USCC is 17 characters of its alphabet")
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[-total % 31]


def organisation_code_check_char(body: str) -> str:
    """Return the GB 11714 check character (MOD 11, ``X`` for 10) for an organisation code.

    >>> organisation_code_check_char("60003734")
    '1'
    >>> organisation_code_check_char("71526726")
    'X'
    """
    if len(body) != 8 or not body.isascii() or not body.isalnum():
        raise ValueError("the body of an organisation code is 8 ASCII letters or digits")
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    return "0123456789X0"[11 - total % 11]


@functools.cache
def _uscc_regions() -> tuple[str, ...]:
    """Region codes in use today at county, prefecture and province level."""
    counties, rows = _region_table()
    codes = [r.code for r in counties if r.current is not None]
    for code, periods in rows.items():
        if code[:2] in _NON_MAINLAND or not code.endswith("00"):
            continue
        current = [p for p in periods if p.end is None]
        if current and current[-1].name not in _GROUPING_NAMES:
            codes.append(code)
    return tuple(sorted(set(codes), key=lambda c: (c != "350200", c)))


def usccs(region: str | None = None) -> st.SearchStrategy[str]:
    """Valid unified social credit codes (统一社会信用代码) of 18 characters.

    The registration authority and organisation type are a defined pair (mostly ``91``,
    companies; also individual businesses ``92``, cooperatives ``93``, public institutions
    ``12``, social organisations ``52`` …), the region is a code in use today at county,
    prefecture or province level, the organisation code is either an old eight-digit code or a
    new ``MA…`` one with its GB 11714 check character, and the last character is the GB 32100
    MOD 31 check character.

    :param region: a 2-, 4- or 6-digit prefix of the registering region; by default any.

    Failing examples shrink to ``91350200MA0000007F`` (a Xiamen company).

    Example::

        @given(usccs(region="35"))
        def test_fujian_companies(code):
            assert cn_uscc.parse(code).region_name.startswith("福建省")
    """
    regions = tuple(c for c in _uscc_regions() if region is None or c.startswith(region))
    if not regions:
        raise ValueError(f"no region code starts with {region!r}")
    body_chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

    @st.composite
    def build(draw: st.DrawFn) -> str:
        kind = draw(st.sampled_from(_USCC_KINDS))
        code = draw(st.sampled_from(regions))
        if draw(st.booleans()):
            org = draw(st.text("0123456789", min_size=8, max_size=8))
        else:
            org = "MA" + draw(st.text(body_chars, min_size=6, max_size=6))
        body = kind + code + org + organisation_code_check_char(org)
        return body + uscc_check_char(body)

    return build()


# ---------------------------------------------------------------------------------------------
# Vehicle identification numbers (ISO 3779 / GB 16735)
# ---------------------------------------------------------------------------------------------

#: World manufacturer identifiers of large makers for the Chinese market.
_CHINESE_WMIS = (
    "LSV", "LFV", "LSG", "LHG", "LVH", "LGB", "LVG", "LFM", "LBV", "LE4", "LBE", "LJD", "LVS",
    "LGX", "LC0", "LGW", "L6T", "LVV", "LZW", "LRW", "LDC", "LS5", "LMG", "LTV", "LVR",
)  # fmt: skip
_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_VIN_VALUES = dict(zip("0123456789", range(10), strict=True)) | dict(
    zip(
        "ABCDEFGHJKLMNPRSTUVWXYZ",
        (1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9),
        strict=True,
    )
)
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_MODEL_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # 1980 + i, 2010 + i, …


def vin_check_digit(vin: str) -> str:
    """Return the ISO 3779 check digit (position 9) of a 17-character VIN.

    Position 9 itself is ignored (its weight is 0).

    >>> vin_check_digit("LSVAU2180N2183294")
    'X'
    >>> vin_check_digit("1M8GDM9A_KP042788")  # the example of 49 CFR 565
    'X'
    """
    rest = vin[:8] + vin[9:]
    if len(vin) != 17 or any(c not in _VIN_VALUES for c in rest):
        raise ValueError("a VIN has 17 characters: digits and letters except I, O and Q")
    total = sum(
        _VIN_VALUES[c] * w for c, w in zip(rest, _VIN_WEIGHTS[:8] + _VIN_WEIGHTS[9:], strict=True)
    )
    value = total % 11
    return "X" if value == 10 else str(value)


def model_year_code(year: int) -> str:
    """Return the VIN position-10 code of a model year (the codes repeat every 30 years).

    >>> model_year_code(2022), model_year_code(2009), model_year_code(1996)
    ('N', '9', 'T')
    """
    return _MODEL_YEAR_CODES[(year - 1980) % 30]


def vins(
    wmi: str | None = None, model_year: int | tuple[int, int] | None = None
) -> st.SearchStrategy[str]:
    """Valid 17-character VINs (车辆识别代号) of vehicles made for the Chinese market.

    The WMI is a real manufacturer code (``LSV`` 上汽大众, ``LHG`` 广汽本田, ``LGX`` 比亚迪 …),
    position 9 is the ISO 3779 check digit GB 16735 requires, position 10 a model-year code, and
    the serial (positions 12-17) is digits. No ``I``, ``O`` or ``Q`` anywhere.

    :param wmi: a 3-character manufacturer code to use; by default a common Chinese one.
    :param model_year: a model year or an inclusive ``(first, last)`` range; by default 2005 to
        next year.

    Example::

        @given(vins(wmi="LHG", model_year=(2015, 2020)))
        def test_honda_vins(vin):
            assert vin_module.parse(vin).manufacturer == "广汽本田"
    """
    if wmi is not None and (
        len(wmi) != 3 or any(c not in _VIN_CHARS for c in wmi) or wmi[0] == "0"
    ):
        raise ValueError("wmi must be 3 VIN characters (no I, O, Q), not starting with 0")
    if model_year is None:
        first, last = 2005, _today().year + 1
    elif isinstance(model_year, int):
        first = last = model_year
    else:
        first, last = model_year
    if first > last:
        raise ValueError("model_year range is empty")
    wmis = (wmi,) if wmi is not None else _CHINESE_WMIS

    @st.composite
    def build(draw: st.DrawFn) -> str:
        maker = draw(st.sampled_from(wmis))
        vds = draw(st.text(_VIN_CHARS, min_size=5, max_size=5))
        year = model_year_code(draw(st.integers(first, last)))
        plant = draw(st.sampled_from(_VIN_CHARS))
        serial = draw(st.text("0123456789", min_size=6, max_size=6))
        vin = f"{maker}{vds}0{year}{plant}{serial}"
        return vin[:8] + vin_check_digit(vin) + vin[9:]

    return build()


# ---------------------------------------------------------------------------------------------
# Provinces: region code prefix, plate abbreviation, postcode prefixes
# ---------------------------------------------------------------------------------------------

#: Two-digit region code -> (plate abbreviation, issuing-office letters, postcode prefixes).
#: Office letters are the long-established ones (A is the capital); postcode prefixes are the
#: first two digits China Post assigns to the province.
_PROVINCES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "11": ("京", "ABCEFGHJKLMNPQ", ("10",)),
    "12": ("津", "ABCDEFGH", ("30",)),
    "13": ("冀", "ABCDEFGHJRT", ("05", "06", "07")),
    "14": ("晋", "ABCDEFHJKLM", ("03", "04")),
    "15": ("蒙", "ABCDEFGHJKLM", ("01", "02")),
    "21": ("辽", "ABCDEFGHJKLMNP", ("11", "12")),
    "22": ("吉", "ABCDEFGHJ", ("13",)),
    "23": ("黑", "ABCDEFGHJKLMNP", ("15", "16")),
    "31": ("沪", "ABCDEFGHJKLMN", ("20",)),
    "32": ("苏", "ABCDEFGHJKLMN", ("21", "22")),
    "33": ("浙", "ABCDEFGHJKL", ("31", "32")),
    "34": ("皖", "ABCDEFGHJKLMNPRS", ("23", "24")),
    "35": ("闽", "ABCDEFGHJK", ("35", "36")),
    "36": ("赣", "ABCDEFGHJKLM", ("33", "34")),
    "37": ("鲁", "ABCDEFGHJKLMNPQRSU", ("25", "26", "27")),
    "41": ("豫", "ABCDEFGHJKLMNPQRSU", ("45", "46", "47")),
    "42": ("鄂", "ABCDEFGHJKLMNPQRS", ("43", "44")),
    "43": ("湘", "ABCDEFGHJKLMNU", ("41", "42")),
    "44": ("粤", "ABCDEFGHJKLMNPQRSTUVWXY", ("51", "52")),
    "45": ("桂", "ABCDEFGHJKLMNPR", ("53", "54")),
    "46": ("琼", "ABCDE", ("57",)),
    "50": ("渝", "ABCDFGH", ("40",)),
    "51": ("川", "ABCDEFHJKLMQRSTUVWXYZ", ("61", "62", "63", "64")),
    "52": ("贵", "ABCDEFGHJ", ("55", "56")),
    "53": ("云", "ACDEFGHJKLMNPQRS", ("65", "66", "67")),
    "54": ("藏", "ABCDEFG", ("85",)),
    "61": ("陕", "ABCDEFGHJKV", ("71", "72")),
    "62": ("甘", "ABCDEFGHJKLMNP", ("73", "74")),
    "63": ("青", "ABCDEFGH", ("81",)),
    "64": ("宁", "ABCDE", ("75",)),
    "65": ("新", "ABCDEFGHJKLMNPQR", ("83", "84")),
}
_ABBREVIATIONS = {abbr: code for code, (abbr, _, _) in _PROVINCES.items()}


def _province_code(province: str) -> str:
    """The two-digit region code of ``"35"``, ``"闽"`` or ``"福建省"`` (ValueError otherwise)."""
    if province in _PROVINCES:
        return province
    if province in _ABBREVIATIONS:
        return _ABBREVIATIONS[province]
    _, rows = _region_table()
    for code in _PROVINCES:
        if any(p.name == province for p in rows.get(code + "0000", ())):
            return code
    raise ValueError(f"unknown province {province!r}: give '35', '闽' or '福建省'")


# ---------------------------------------------------------------------------------------------
# Plates, engine numbers, postcodes
# ---------------------------------------------------------------------------------------------

_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, O


#: Where the letters of a standard serial go: none (most plates), one, or two.
_LETTER_PATTERNS: tuple[tuple[int, ...], ...] = (
    (),
    *((i,) for i in range(5)),
    *((i, j) for i in range(5) for j in range(i + 1, 5)),
)


@st.composite
def _standard_serial(draw: st.DrawFn) -> str:
    """Five characters, at most two letters (GA 36-2018), all digits half of the time."""
    chars = list(draw(st.text("0123456789", min_size=5, max_size=5)))
    pattern = draw(st.sampled_from(((),) * 15 + _LETTER_PATTERNS))
    for position in pattern:
        chars[position] = draw(st.sampled_from(_PLATE_LETTERS))
    return "".join(chars)


@st.composite
def _new_energy_serial(draw: st.DrawFn) -> str:
    """Small new-energy (``D12345``, ``DA1234``, ``F…``) or large new-energy (``12345D``)."""
    digits = st.text("0123456789", min_size=4, max_size=4)
    if draw(st.integers(0, 4)):
        energy = draw(st.sampled_from("DFABCEGHJK"))
        second = draw(st.sampled_from("0123456789") | st.sampled_from(_PLATE_LETTERS))
        return energy + second + draw(digits)
    return draw(st.text("0123456789", min_size=5, max_size=5)) + draw(st.sampled_from("DF"))


def plates(new_energy: bool | None = None, province: str | None = None) -> st.SearchStrategy[str]:
    """Valid civilian plate numbers (机动车号牌号码) in compact form, such as ``闽D12345``.

    The province abbreviation comes with one of its long-established issuing-office letters;
    standard plates have five serial characters with at most two letters (no ``I`` or ``O``);
    new-energy plates are the small (``粤BD12345``) and large (``粤B12345D``) green ones. The
    compact form is what `custmaster.validate.cn_plate.validate` returns; ``cn_plate.format``
    adds the ``·``.

    :param new_energy: True for green new-energy plates only, False for standard plates only;
        by default both (about one in five is new-energy).
    :param province: ``"闽"``, ``"35"`` or ``"福建省"``; by default any.

    Example::

        @given(plates(province="闽", new_energy=True))
        def test_fujian_new_energy(plate):
            assert cn_plate.parse(plate).kind.startswith("new_energy")
    """
    codes = tuple(_PROVINCES) if province is None else (_province_code(province),)
    codes = tuple(sorted(codes, key=lambda c: c != "35"))

    @st.composite
    def build(draw: st.DrawFn) -> str:
        abbreviation, letters, _ = _PROVINCES[draw(st.sampled_from(codes))]
        green = new_energy if new_energy is not None else draw(st.integers(0, 4)) == 4
        serial = draw(_new_energy_serial() if green else _standard_serial())
        return abbreviation + draw(st.sampled_from(letters)) + serial

    return build()


#: Engine model codes as they start engine numbers (VW, Hyundai, Honda, Toyota, Geely, BYD …).
_ENGINE_MODELS = (
    "EA211", "EA888", "G4FC", "G4FG", "L15B", "R18Z", "1ZR", "2ZR", "1NZ", "4G18", "4G15",
    "JL4G18", "BYD473QB", "483QB", "SQRE4G15", "LDE", "LCU", "MR20", "HR15", "M16A", "GW4G15",
    "4A91", "DAM16", "K20C", "B4204T", "N20B20", "M274", "JLH3G15", "TNN4G15", "CSS",
)  # fmt: skip


def engine_numbers() -> st.SearchStrategy[str]:
    """Engine numbers (发动机号) as printed on driving licences, compact and upper-case.

    An engine model code (``EA211``, ``G4FC``, ``1NZ`` …) followed by a 6- to 8-character
    serial (digits, sometimes led by a letter): ``G4FC123456``, ``1NZA123456``. There is no
    national format or check digit; these pass custmaster's plausibility checks.

    Example::

        @given(engine_numbers())
        def test_engine_numbers_round_trip(number):
            assert engine_no.validate(number) == number
    """

    @st.composite
    def build(draw: st.DrawFn) -> str:
        model = draw(st.sampled_from(_ENGINE_MODELS))
        lead = draw(st.sampled_from(["", "", "A", "B", "C", "H", "K", "W"]))
        serial = draw(st.text("0123456789", min_size=6 - len(lead), max_size=8 - len(lead)))
        return model + lead + serial

    return build()


def postcodes(province: str | None = None) -> st.SearchStrategy[str]:
    """Six-digit postcodes (邮政编码) with the first two digits China Post gives the province.

    Digits 3-4 pick a post area and city, the last two a delivery office; city-level codes
    (``361000``) are as likely as delivery-office ones (``361004``).

    :param province: ``"35"``, ``"闽"`` or ``"福建省"``; by default any.

    Example::

        @given(postcodes(province="闽"))
        def test_fujian_postcodes(code):
            assert code[:2] in {"35", "36"}
    """
    codes = tuple(_PROVINCES) if province is None else (_province_code(province),)
    prefixes = tuple(sorted({p for c in codes for p in _PROVINCES[c][2]}, key=lambda p: p != "36"))

    @st.composite
    def build(draw: st.DrawFn) -> str:
        area = draw(st.integers(0, 9))
        city = draw(st.integers(0, 9))
        office = draw(st.just(0) | st.integers(1, 99))
        return f"{draw(st.sampled_from(prefixes))}{area}{city}{office:02d}"

    return build()


# ---------------------------------------------------------------------------------------------
# Names of people and organisations
# ---------------------------------------------------------------------------------------------

#: Common surnames with pinyin and share of the population in tenths of a percent (rounded;
#: from the published rankings of the household registers, 2020).
_SURNAMES: tuple[tuple[str, str, int], ...] = (
    ("王", "wang", 71), ("李", "li", 70), ("张", "zhang", 67), ("刘", "liu", 51),
    ("陈", "chen", 46), ("杨", "yang", 32), ("黄", "huang", 25), ("赵", "zhao", 22),
    ("吴", "wu", 21), ("周", "zhou", 20), ("徐", "xu", 17), ("孙", "sun", 15), ("马", "ma", 15),
    ("胡", "hu", 14), ("朱", "zhu", 14), ("郭", "guo", 12), ("何", "he", 11), ("罗", "luo", 11),
    ("高", "gao", 11), ("林", "lin", 11), ("郑", "zheng", 10), ("梁", "liang", 9),
    ("谢", "xie", 9), ("宋", "song", 8), ("唐", "tang", 8), ("许", "xu", 8), ("韩", "han", 7),
    ("冯", "feng", 7), ("邓", "deng", 7), ("曹", "cao", 7), ("彭", "peng", 6),
    ("曾", "zeng", 6), ("肖", "xiao", 6), ("田", "tian", 6), ("董", "dong", 6),
    ("袁", "yuan", 6), ("潘", "pan", 6), ("于", "yu", 5), ("蒋", "jiang", 5), ("蔡", "cai", 5),
    ("余", "yu", 5), ("杜", "du", 5), ("叶", "ye", 5), ("程", "cheng", 5), ("苏", "su", 5),
    ("魏", "wei", 5), ("吕", "lv", 5), ("丁", "ding", 4), ("任", "ren", 4), ("沈", "shen", 4),
    ("姚", "yao", 4), ("卢", "lu", 4), ("姜", "jiang", 4), ("崔", "cui", 4), ("钟", "zhong", 4),
    ("谭", "tan", 4), ("陆", "lu", 4), ("汪", "wang", 3), ("范", "fan", 3), ("金", "jin", 3),
    ("石", "shi", 3), ("廖", "liao", 3), ("贾", "jia", 3), ("夏", "xia", 3), ("韦", "wei", 3),
    ("付", "fu", 3), ("方", "fang", 3), ("白", "bai", 3), ("邹", "zou", 2), ("孟", "meng", 2),
    ("熊", "xiong", 2), ("秦", "qin", 2), ("邱", "qiu", 2), ("江", "jiang", 2), ("尹", "yin", 2),
    ("薛", "xue", 2), ("闫", "yan", 2), ("段", "duan", 2), ("雷", "lei", 1), ("侯", "hou", 1),
    ("龙", "long", 1), ("史", "shi", 1), ("陶", "tao", 1), ("黎", "li", 1), ("贺", "he", 1),
    ("顾", "gu", 1), ("毛", "mao", 1), ("郝", "hao", 1), ("龚", "gong", 1), ("邵", "shao", 1),
    ("万", "wan", 1), ("钱", "qian", 1), ("严", "yan", 1), ("覃", "qin", 1), ("武", "wu", 1),
    ("戴", "dai", 1), ("莫", "mo", 1), ("孔", "kong", 1), ("向", "xiang", 1), ("汤", "tang", 1),
)  # fmt: skip

_COMPOUND_SURNAMES: tuple[tuple[str, str], ...] = (
    ("欧阳", "ouyang"), ("司马", "sima"), ("上官", "shangguan"), ("诸葛", "zhuge"),
    ("司徒", "situ"), ("东方", "dongfang"), ("皇甫", "huangfu"), ("慕容", "murong"),
    ("令狐", "linghu"), ("夏侯", "xiahou"), ("尉迟", "yuchi"), ("公孙", "gongsun"),
    ("端木", "duanmu"), ("宇文", "yuwen"), ("长孙", "zhangsun"),
)  # fmt: skip

#: Given names that very many people share (张伟, 王芳 …), by gender.
_COMMON_GIVEN: dict[str, tuple[tuple[str, str], ...]] = {
    "M": (
        ("伟", "wei"),
        ("强", "qiang"),
        ("磊", "lei"),
        ("军", "jun"),
        ("勇", "yong"),
        ("杰", "jie"),
        ("涛", "tao"),
        ("斌", "bin"),
        ("超", "chao"),
        ("明", "ming"),
        ("刚", "gang"),
        ("平", "ping"),
        ("辉", "hui"),
        ("鹏", "peng"),
        ("华", "hua"),
        ("飞", "fei"),
        ("鑫", "xin"),
        ("波", "bo"),
        ("建华", "jianhua"),
        ("建国", "jianguo"),
        ("志强", "zhiqiang"),
        ("俊杰", "junjie"),
        ("子轩", "zixuan"),
        ("浩然", "haoran"),
        ("宇轩", "yuxuan"),
        ("建军", "jianjun"),
        ("海涛", "haitao"),
        ("晓东", "xiaodong"),
    ),
    "F": (
        ("芳", "fang"),
        ("娜", "na"),
        ("敏", "min"),
        ("静", "jing"),
        ("丽", "li"),
        ("艳", "yan"),
        ("娟", "juan"),
        ("霞", "xia"),
        ("燕", "yan"),
        ("玲", "ling"),
        ("婷", "ting"),
        ("秀英", "xiuying"),
        ("秀兰", "xiulan"),
        ("桂英", "guiying"),
        ("丽娟", "lijuan"),
        ("秀珍", "xiuzhen"),
        ("晓燕", "xiaoyan"),
        ("雪", "xue"),
        ("欣怡", "xinyi"),
        ("梓涵", "zihan"),
        ("雨萱", "yuxuan"),
        ("诗涵", "shihan"),
        ("红梅", "hongmei"),
        ("海燕", "haiyan"),
        ("丹", "dan"),
        ("倩", "qian"),
    ),
}
#: Characters that given names are composed of, by gender.
_GIVEN_CHARS: dict[str, tuple[tuple[str, str], ...]] = {
    "M": (
        ("志", "zhi"),
        ("国", "guo"),
        ("文", "wen"),
        ("建", "jian"),
        ("永", "yong"),
        ("海", "hai"),
        ("俊", "jun"),
        ("浩", "hao"),
        ("宇", "yu"),
        ("子", "zi"),
        ("天", "tian"),
        ("博", "bo"),
        ("家", "jia"),
        ("振", "zhen"),
        ("德", "de"),
        ("成", "cheng"),
        ("林", "lin"),
        ("峰", "feng"),
        ("东", "dong"),
        ("泽", "ze"),
        ("宏", "hong"),
        ("晨", "chen"),
        ("睿", "rui"),
        ("嘉", "jia"),
        ("荣", "rong"),
        ("凯", "kai"),
    ),
    "F": (
        ("秀", "xiu"),
        ("丽", "li"),
        ("晓", "xiao"),
        ("美", "mei"),
        ("玉", "yu"),
        ("春", "chun"),
        ("梅", "mei"),
        ("兰", "lan"),
        ("琳", "lin"),
        ("雅", "ya"),
        ("慧", "hui"),
        ("欣", "xin"),
        ("佳", "jia"),
        ("思", "si"),
        ("雨", "yu"),
        ("月", "yue"),
        ("婷", "ting"),
        ("颖", "ying"),
        ("璐", "lu"),
        ("萍", "ping"),
        ("娜", "na"),
        ("静", "jing"),
        ("悦", "yue"),
        ("妍", "yan"),
        ("琪", "qi"),
        ("彤", "tong"),
    ),
}
#: Uyghur and Kazakh names written with the middle dot: given names by gender, father's names.
_DOT_GIVEN: dict[str, tuple[tuple[str, str], ...]] = {
    "M": (
        ("艾力", "aili"),
        ("买买提", "maimaiti"),
        ("阿不都", "abudu"),
        ("艾山", "aishan"),
        ("玉素甫", "yusufu"),
        ("阿里木", "alimu"),
        ("依明", "yiming"),
        ("阿迪力", "adili"),
        ("努尔兰", "nuerlan"),
        ("叶尔兰", "yeerlan"),
    ),
    "F": (
        ("古丽", "guli"),
        ("阿依古丽", "ayiguli"),
        ("热依拉", "reyila"),
        ("帕提古丽", "patiguli"),
        ("迪丽努尔", "dilinuer"),
        ("米热古丽", "mireguli"),
        ("阿娜尔", "anaer"),
        ("古丽娜尔", "gulinaer"),
    ),
}
_DOT_FATHER: tuple[tuple[str, str], ...] = (
    ("吐尔逊", "tuerxun"), ("买买提", "maimaiti"), ("艾山", "aishan"), ("热合曼", "reheman"),
    ("阿不都拉", "abudula"), ("玉素甫", "yusufu"), ("吾斯曼", "wusiman"), ("卡德尔", "kadeer"),
    ("努尔", "nuer"), ("加帕尔", "jiapaer"),
)  # fmt: skip
#: Tibetan name elements: a name is two of them and has no surname (扎西多吉, 次仁卓玛).
_TIBETAN: dict[str, tuple[tuple[str, str], ...]] = {
    "M": (("扎西", "zhaxi"), ("多吉", "duoji"), ("次仁", "ciren"), ("顿珠", "dunzhu"),
          ("平措", "pingcuo"), ("达瓦", "dawa"), ("尼玛", "nima"), ("格桑", "gesang")),
    "F": (("卓玛", "zhuoma"), ("央金", "yangjin"), ("拉姆", "lamu"), ("德吉", "deji"),
          ("次仁", "ciren"), ("曲珍", "quzhen"), ("白玛", "baima"), ("格桑", "gesang")),
}  # fmt: skip

_WEIGHTED_SURNAMES: tuple[tuple[str, str], ...] = tuple(
    (surname, pinyin) for surname, pinyin, weight in _SURNAMES for _ in range(weight)
)


_RARE_STYLES = ["compound", "dot", "tibetan"]


class _Name(NamedTuple):
    text: str
    family: str  # pinyin of the surname (or first element), for e-mail addresses
    given: str  # pinyin of the rest


@st.composite
def _person(draw: st.DrawFn, gender: Literal["M", "F"] | None) -> _Name:
    sex: str = gender or draw(st.sampled_from(["M", "F"]))
    # Styles by share; the most common one first, so that failing examples shrink to it.
    style = draw(st.sampled_from(["common"] * 23 + ["composed"] * 23 + _RARE_STYLES))
    if style == "dot":
        given, given_py = draw(st.sampled_from(_DOT_GIVEN[sex]))
        father, father_py = draw(st.sampled_from(_DOT_FATHER))
        return _Name(f"{given}·{father}", given_py, father_py)
    if style == "tibetan":
        first, second = draw(
            st.lists(st.sampled_from(_TIBETAN[sex]), min_size=2, max_size=2, unique=True)
        )
        return _Name(first[0] + second[0], first[1], second[1])
    if style == "compound":
        surname, surname_py = draw(st.sampled_from(_COMPOUND_SURNAMES))
    else:
        surname, surname_py = draw(st.sampled_from(_WEIGHTED_SURNAMES))
    if style == "composed":
        chars = draw(
            st.lists(st.sampled_from(_GIVEN_CHARS[sex]), min_size=1, max_size=2, unique=True)
        )
        given, given_py = "".join(c for c, _ in chars), "".join(p for _, p in chars)
    else:
        given, given_py = draw(st.sampled_from(_COMMON_GIVEN[sex]))
    return _Name(surname + given, surname_py, given_py)


#: Places as organisation names start with them (the city without 市).
_ORG_PLACES = (
    "厦门", "福州", "泉州", "北京", "上海", "广州", "深圳", "杭州", "南京", "成都", "武汉",
    "重庆", "天津", "西安", "苏州", "宁波", "青岛", "长沙", "郑州", "济南", "合肥", "昆明",
)  # fmt: skip
#: Trade names (字号).
_ORG_TRADE_NAMES = (
    "鑫源", "华泰", "恒达", "宏远", "金诚", "安泰", "瑞丰", "永信", "中联", "盛世", "天成",
    "汇通", "嘉禾", "弘毅", "万顺", "海纳", "同创", "信达", "昌盛", "博远", "兴业", "鸿运",
)  # fmt: skip
#: Lines of business (行业).
_ORG_TRADES = (
    "贸易", "科技", "物流", "建筑工程", "餐饮管理", "汽车销售服务", "电子", "食品", "置业",
    "医药", "运输", "信息技术", "装饰工程", "文化传媒", "机械设备", "进出口", "房地产开发",
)  # fmt: skip
_ORG_FORMS = ("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司")


@st.composite
def _organisation(draw: st.DrawFn) -> _Name:
    place = draw(st.sampled_from(_ORG_PLACES))
    trade_name = draw(st.sampled_from(_ORG_TRADE_NAMES))
    trade = draw(st.sampled_from(_ORG_TRADES))
    form = draw(st.sampled_from(_ORG_FORMS))
    style = draw(st.sampled_from(["place_first", "place_first", "city", "bracket", "branch"]))
    if style == "city":
        text = f"{place}市{trade_name}{trade}{form}"
    elif style == "bracket":
        text = f"{trade_name}（{place}）{trade}{form}"
    elif style == "branch":
        branch = draw(st.sampled_from([p for p in _ORG_PLACES if p != place]))
        text = f"{place}{trade_name}{trade}{form}{branch}分公司"
    else:
        text = f"{place}{trade_name}{trade}{form}"
    return _Name(text, "", "")


def names(
    kind: Literal["person", "organisation"] = "person",
    gender: Literal["M", "F"] | None = None,
) -> st.SearchStrategy[str]:
    """Names of people or organisations as they appear on identity documents and licences.

    People: surnames at their real frequencies (王, 李, 张 … so that, as in real books, many
    different people share a name such as 张伟), given names of one or two characters fitting
    the gender, and about one in fifty each with a compound surname (欧阳, 司马 …), a Uyghur or
    Kazakh name written with the middle dot ``·`` (``艾力·吐尔逊``), or a Tibetan name without
    surname (``扎西多吉``).

    Organisations: company names in the usual patterns, ``厦门鑫源贸易有限公司``,
    ``厦门市…``, ``鑫源（厦门）贸易有限公司`` and branches ``…有限公司福州分公司``.

    :param kind: ``"person"`` or ``"organisation"``.
    :param gender: for people, ``"M"`` or ``"F"`` given names; by default either.

    Example::

        @given(names(), names(kind="organisation"))
        def test_names_are_masked(person, company):
            assert person not in repr(Customer(name=person))
    """
    if kind == "person":
        if gender not in (None, "M", "F"):
            raise ValueError("gender must be 'M', 'F' or None")
        return _person(gender).map(lambda name: name.text)
    if kind == "organisation":
        if gender is not None:
            raise ValueError("gender applies to people only")
        return _organisation().map(lambda name: name.text)
    raise ValueError("kind must be 'person' or 'organisation'")


# ---------------------------------------------------------------------------------------------
# E-mail addresses
# ---------------------------------------------------------------------------------------------

_MAIL_DOMAINS = (
    "qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "139.com", "sohu.com",
    "yeah.net", "aliyun.com", "gmail.com", "hotmail.com", "outlook.com", "vip.qq.com",
)  # fmt: skip
_COMPANY_DOMAINS = ("example.com.cn", "example.cn", "example.com")


@st.composite
def _email(draw: st.DrawFn) -> str:
    domain = draw(st.sampled_from(_MAIL_DOMAINS) | st.sampled_from(_COMPANY_DOMAINS))
    if domain in {"qq.com", "vip.qq.com"} and draw(st.booleans()):
        # QQ numbers: 5 to 11 digits, not starting with 0.
        first = draw(st.sampled_from("123456789"))
        return first + draw(st.text("0123456789", min_size=4, max_size=10)) + "@" + domain
    name = draw(_person(None))
    style = draw(st.sampled_from(["full", "dot", "initials", "given_family", "underscore"]))
    local = {
        "full": name.family + name.given,
        "dot": f"{name.family}.{name.given}",
        "initials": name.given[:1] + name.family,
        "given_family": name.given + name.family,
        "underscore": f"{name.family}_{name.given}",
    }[style]
    if draw(st.booleans()):
        local += str(draw(st.integers(1, 2025)))
    return f"{local}@{domain}"


def emails() -> st.SearchStrategy[str]:
    """E-mail addresses as Chinese customers have them, in lower case.

    Local parts are pinyin of a generated name (``zhangwei``, ``wang.fang88``, ``fzhang``) or a
    QQ number (``12345678@qq.com``); domains are the big Chinese and international providers
    (qq.com, 163.com, 126.com, sina.com, gmail.com …) or a company's ``example.com.cn``.

    Example::

        @given(emails())
        def test_email_round_trip(address):
            assert email.validate(address) == address
    """
    return _email()


# ---------------------------------------------------------------------------------------------
# Addresses
# ---------------------------------------------------------------------------------------------


class GeneratedAddress(NamedTuple):
    """A postal address and the region it is in.

    Attributes:
        text: the full address, ``福建省厦门市思明区湖滨南路123号``.
        region_code: the six-digit code of the county or district (``350203``).
        province: ``福建省``; city: ``厦门市`` (None for municipalities such as 北京市 and for
            county-level cities governed by the province); district: ``思明区``.
        detail: what follows the district (street, number, building, room).
    """

    text: str
    region_code: str
    province: str
    city: str | None
    district: str
    detail: str


_STREETS = (
    "人民路", "中山路", "解放路", "建设路", "和平路", "新华路", "胜利路", "文化路", "长江路",
    "黄河路", "湖滨南路", "东风路", "朝阳路", "光明路", "青年路", "幸福路", "工业路",
    "学府路", "滨海大道", "世纪大道", "北京路", "南京路", "花园街", "府前街", "复兴路",
)  # fmt: skip
_ESTATES = (
    "阳光花园", "锦绣华庭", "幸福家园", "金色家园", "翠苑小区", "滨江花园", "世纪新城",
    "和谐家园", "书香门第", "绿城花园", "碧水湾", "东方名苑",
)  # fmt: skip


@functools.cache
def _address_regions(province_code: str) -> tuple[tuple[str, str, str | None, str], ...]:
    """(code, province, city or None, district) for every district in use today."""
    counties, rows = _region_table()

    def current(code: str) -> str | None:
        names_ = [p.name for p in rows.get(code, ()) if p.end is None]
        name = names_[-1] if names_ else None
        return None if name is None or name in _GROUPING_NAMES else name

    result = []
    for region in counties:
        if not region.code.startswith(province_code) or region.current is None:
            continue
        province = current(region.code[:2] + "0000")
        if province is None:
            continue
        city = current(region.code[:4] + "00")
        result.append((region.code, province, city if city != province else None, region.current))
    return tuple(sorted(result, key=lambda r: (r[0] != "350203", r[0])))


def addresses(province: str | None = None) -> st.SearchStrategy[GeneratedAddress]:
    """Postal addresses: province, city and district in use today, then street and number.

    The detail is a street and number (``湖滨南路123号``), often followed by a housing estate,
    building, unit and room (``阳光花园3栋2单元1502室``). Municipalities are written without a
    city (``北京市东城区…``). Returns `GeneratedAddress` tuples so that related values can agree
    with the address: ``region_code[:2]`` is the province of a resident ID or a plate.

    :param province: ``"35"``, ``"闽"`` or ``"福建省"``; by default any.

    Example::

        @given(addresses(province="闽"))
        def test_fujian_addresses(address):
            assert address.text.startswith("福建省")
    """
    codes = tuple(_PROVINCES) if province is None else (_province_code(province),)
    regions = tuple(r for code in codes for r in _address_regions(code))
    regions = tuple(sorted(regions, key=lambda r: (r[0] != "350203", r[0])))

    @st.composite
    def build(draw: st.DrawFn) -> GeneratedAddress:
        code, province_name, city, district = draw(st.sampled_from(regions))
        detail = f"{draw(st.sampled_from(_STREETS))}{draw(st.integers(1, 999))}号"
        if draw(st.booleans()):
            building, unit = draw(st.integers(1, 30)), draw(st.integers(1, 6))
            room = draw(st.integers(1, 33)) * 100 + draw(st.integers(1, 4))
            detail += f"{draw(st.sampled_from(_ESTATES))}{building}栋{unit}单元{room}室"
        text = f"{province_name}{city or ''}{district}{detail}"
        return GeneratedAddress(text, code, province_name, city, district, detail)

    return build()
