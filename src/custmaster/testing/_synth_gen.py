"""The engine of the synthetic book: households, organisations, their policies and rows.

Private to `custmaster.testing.synth`, which documents what is generated. The book is a
sequence of units (a household of one to four people, or an organisation with its fleet),
each drawn from its own `random.Random` seeded with the text ``custmaster.synth:<seed>:<unit>``
(seeding from text is the same on every platform and Python version). Each unit yields its
people with their ground truth and its rows (core-system policies, endorsements and the rows
of every channel) in time order. Values are built from the fixed tables of
`custmaster.testing._synth_regions`, `._synth_names` and `._synth_vehicles`, never by calling
validators, and rows are tuples of text in the layout's column order.

The only state carried from one unit to the next is what keeps values unique across the book
(resident IDs, USCCs, mobile numbers and plates already given out), so memory grows with the
number of people, not with the number of rows.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import random
import zlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from custmaster.testing._synth_names import (
    COMPOUND_SURNAMES,
    DOT_FATHER,
    DOT_GIVEN,
    ERA_STARTS,
    FIRST_CHARS,
    ORG_FORMS,
    ORG_TRADE_NAMES,
    ORG_TRADES,
    POPULAR,
    POPULAR_SHARE,
    SECOND_CHARS,
    SINGLE,
    SINGLE_SHARE,
    SURNAMES,
    TIBETAN,
    TYPOS,
)
from custmaster.testing._synth_regions import CITIES, ESTATES, MUNICIPAL_LETTERS, STREETS, City
from custmaster.testing._synth_vehicles import DESCRIPTORS, SUFFIXES, Producer, producers
from custmaster.testing._values import (
    _COMMON_MOBILE_PREFIXES,
    _VIN_VALUES,
    organisation_code_check_char,
    resident_id_check_char,
    uscc_check_char,
    vin_check_digit,
)

if TYPE_CHECKING:
    from custmaster.testing.synth import Rates

__all__ = ["FILES", "Layout", "Row", "Unit", "Who", "units", "when_datetime"]


class Layout(NamedTuple):
    """One file of a book: its name, channel, columns and what they mean.

    ``fields`` gives the `custmaster.model.SourceRecord` field of each column (None: the
    column goes to ``extra``); ``ref`` is the column holding the row's source reference and
    ``time`` the one holding when the source saw it.
    """

    name: str
    channel: str
    headers: tuple[str, ...]
    fields: tuple[str | None, ...]
    ref: str
    time: str

    @property
    def mapping(self) -> dict[str, str | None]:
        """Column header -> field (None for the columns kept as extra), for import tools
        that take a header mapping (``custmaster validate --mapping``)."""
        return dict(zip(self.headers, self.fields, strict=True))


def _layout(name: str, channel: str, ref: str, time: str, *columns: str) -> Layout:
    headers = tuple(c.split("=")[0] for c in columns)
    fields = tuple(c.partition("=")[2] or None for c in columns)
    return Layout(name, channel, headers, fields, ref, time)


#: The files of a book, in the order rows of one moment are written.
FILES: tuple[Layout, ...] = (
    _layout(
        "core_system", "core_system", "保单号", "签单日期",
        "保单号=policy_no", "险种=line", "业务类型", "上年保单号", "签单日期",
        "起保日期=cover_start", "终保日期=cover_end", "被保险人=name", "身份证号=resident_id",
        "统一社会信用代码=uscc", "车牌号=plate", "初登日期=first_registered",
        "厂牌型号=make_model", "车架号=vin", "发动机号=engine_no", "客户地址=address",
        "办公电话=office_phone", "家庭电话=home_phone", "移动电话=mobile",
    ),
    _layout(
        "endorsements", "core_system", "批单号", "申请日期",
        "批单号", "保单号=policy_no", "批改类型", "申请日期", "批改生效日期",
        "起保日期=cover_start", "终保日期=cover_end", "被保险人=name", "身份证号=resident_id",
        "统一社会信用代码=uscc", "客户地址=address", "移动电话=mobile", "车牌号=plate",
        "车架号=vin", "发动机号=engine_no", "厂牌型号=make_model", "初登日期=first_registered",
    ),
    _layout(
        "underwriting", "underwriting", "投保单号", "投保日期",
        "投保单号", "投保日期", "保单号=policy_no", "险种=line", "投保人", "被保险人=name",
        "身份证号=resident_id", "统一社会信用代码=uscc", "移动电话=mobile", "客户地址=address",
        "车牌号=plate", "车架号=vin", "厂牌型号=make_model",
    ),
    _layout(
        "face_to_face", "face_to_face", "面签编号", "面签日期",
        "面签编号", "面签日期", "客户姓名=name", "证件号码=resident_id", "手机号码=mobile",
        "联系地址=address", "保单号=policy_no", "车牌号=plate",
    ),
    _layout(
        "callback", "callback", "回访编号", "回访时间",
        "回访编号", "回访时间", "保单号=policy_no", "客户姓名=name", "回访号码=mobile",
        "回访结果", "备注",
    ),
    _layout(
        "renewal_list", "renewal_list", "清单编号", "生成日期",
        "清单编号", "生成日期", "保单号=policy_no", "险种=line", "终保日期=cover_end",
        "被保险人=name", "车牌号=plate", "联系电话=mobile", "客户地址=address",
    ),
    _layout(
        "telesales", "telesales", "外呼编号", "外呼时间",
        "外呼编号", "外呼时间", "客户姓名=name", "手机号码=mobile", "车牌号=plate",
        "保单号=policy_no", "外呼结果", "备注",
    ),
    _layout(
        "claim_report", "claim_report", "报案号", "报案时间",
        "报案号", "报案时间", "出险时间", "保单号=policy_no", "车牌号=plate",
        "被保险人=name", "证件号码=resident_id", "报案人", "与被保险人关系",
        "报案人电话=mobile", "出险地点",
    ),
)  # fmt: skip

_CORE, _ENDORSE, _UNDERWRITE, _FACE, _CALLBACK, _RENEWAL, _TELESALES, _CLAIM = range(8)
_CHANNELS = tuple(layout.channel for layout in FILES)
# events of a policy year, in the order they are handled on one day
_MOVE, _NEW_VEHICLE, _NEW_INSURED, _CLAIM_EVENT, _CANCEL, _LISTED = range(6)
_LINES = (("PDZA", "交强险"), ("PDAA", "商业险"))

_TELESALES_RESULTS = ("有意向", "考虑中", "已在他司投保", "拒绝")
_ONE_DAY = dt.timedelta(days=1)
_CST = dt.timezone(dt.timedelta(hours=8))
_FULL = str.maketrans(
    "0123456789-()+ABCDEFGHJKLMNPQRSTUVWXYZ",
    "０１２３４５６７８９－（）＋ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＳＴＵＶＷＸＹＺ",
)
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_MODEL_YEAR = "ABCDEFGHJKLMNPRSTVWXY123456789"
_USCC_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_DIGITS = "0123456789"


class Who:
    """A person or organisation of the book: identity, values over time, rows, defects."""

    __slots__ = (
        "addresses", "birth", "defects", "family", "gender", "home", "household", "kind",
        "member", "migrant", "mobiles", "name", "office", "pid", "policies", "records", "rid",
        "rid15", "surname", "twin_of", "uscc", "wrong",
    )  # fmt: skip

    def __init__(self, pid: str, kind: str, household: str | None) -> None:
        self.pid = pid
        self.kind = kind
        self.household = household
        self.member = ""
        self.name = ""
        #: The surname of a Han name; None for names with ``·``, Tibetan names, organisations.
        self.surname: str | None = None
        self.gender = ""
        self.birth: dt.date | None = None
        self.rid: str | None = None
        self.rid15: str | None = None
        self.uscc: str | None = None
        self.migrant = False
        self.twin_of: str | None = None
        #: (since, national number); the last is current.
        self.mobiles: list[tuple[dt.date, str]] = []
        #: (area code, subscriber) of the home and office fixed lines.
        self.home: tuple[str, str] | None = None
        self.office: tuple[str, str] | None = None
        #: (since, full address, address without province, address without province and city)
        self.addresses: list[tuple[dt.date, str, str, str]] = []
        self.records: list[tuple[str, str]] = []
        self.defects: list[tuple[str, str, str, str]] = []
        self.policies: list[str] = []
        #: Mistyped numbers entered for this customer (strangers' numbers).
        self.wrong: list[str] = []
        #: The other members of the household.
        self.family: list[Who] = []

    def mobile_at(self, day: dt.date) -> str:
        current = self.mobiles[0][1]
        for since, number in self.mobiles:
            if since <= day:
                current = number
        return current

    def address_at(self, day: dt.date) -> tuple[dt.date, str, str, str]:
        current = self.addresses[0]
        for entry in self.addresses:
            if entry[0] <= day:
                current = entry
        return current


class Row(NamedTuple):
    """One generated row: when (`when_datetime`), which file (an index of `FILES`), its
    reference, whose it is and its cells."""

    when: int
    file: int
    ref: str
    who: Who
    values: tuple[str, ...]


class _Vehicle(NamedTuple):
    plate: str
    vin: str
    engine: str
    make_model: str
    registered: dt.date
    producer: str


class _Policy(NamedTuple):
    no: str
    line: str
    business: str
    renews: str
    issue: dt.date
    start: dt.date
    end: dt.date
    #: The mobile on file: what the core system, the renewal list and call-backs use.
    on_file: str
    #: The issue, start and end days and the vehicle's registration as the extract writes them.
    texts: tuple[str, ...]


_new_row = tuple.__new__


class Unit(NamedTuple):
    """A household or an organisation: its people (or the organisation) and its rows."""

    people: list[Who]
    rows: list[Row]


# ------------------------------------------------------------------------------------------
# Precomputed tables
# ------------------------------------------------------------------------------------------


class _Tables:
    """Cumulative weights and lookups built once."""

    def __init__(self) -> None:
        self.cities: tuple[City, ...] = CITIES
        self.city_cum = list(itertools.accumulate(c.weight for c in CITIES))
        self.surnames = tuple(s for s, _ in SURNAMES)
        self.surname_cum = list(itertools.accumulate(w for _, w in SURNAMES))
        self.single = {g: tuple(c for c, _ in SINGLE[g]) for g in "MF"}
        self.single_cum = {g: list(itertools.accumulate(w for _, w in SINGLE[g])) for g in "MF"}
        self.producers: tuple[Producer, ...] = producers()
        self.producer_cum = list(itertools.accumulate(p.weight for p in self.producers))
        self.mobile_prefixes = _COMMON_MOBILE_PREFIXES


_TABLES: _Tables | None = None


def _tables() -> _Tables:
    global _TABLES  # noqa: PLW0603 - built once, on first use
    if _TABLES is None:
        _TABLES = _Tables()
    return _TABLES


def _weighted(rng: random.Random, cum: list[int]) -> int:
    """Index of an item drawn with cumulative weights ``cum``."""
    return bisect.bisect_right(cum, rng.random() * cum[-1])


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# ------------------------------------------------------------------------------------------
# The generator
# ------------------------------------------------------------------------------------------


class _Generator:
    """Generates the units of one book, in order (see `units`)."""

    def __init__(
        self,
        seed: int,
        people: int,
        organisations: int,
        *,
        as_of: dt.date,
        years: int,
        rates: Rates,
    ) -> None:
        self.seed = seed
        self.people = people
        self.organisations = organisations
        self.as_of = as_of
        self.start = _add_years(as_of, -years)
        self.rates = rates
        #: False to generate people and organisations only (no vehicles, policies, rows).
        self.with_rows = True
        self.t = _tables()
        self.ids: set[int] = set()
        self.usccs: set[str] = set()
        self.mobiles: set[int] = set()
        self.plates: set[str] = set()
        self.rng = random.Random()
        self.unit = 0
        self.counter = 0
        # the row being built (`_begin`)
        self.who = Who("", "", None)
        self.file = 0
        self.ref = ""
        self.rows: list[Row] = []
        # thresholds below which a cell is not in its plain form (see the cells)
        self.th_format = rates.format
        self.th_id = rates.id_typo + rates.format
        self.th_id15 = rates.legacy_id + self.th_id
        self.th_name = rates.name_typo + rates.format / 4
        self.th_vin = rates.vin_typo + rates.format / 2
        self.th_mobile = rates.phone_typo + rates.format
        self.th_date = rates.format / 2

    # -------------------------------------------------------------- the sequence of units

    def units(self) -> Iterator[Unit]:
        done_people = done_orgs = 0
        while done_people < self.people or done_orgs < self.organisations:
            self.rng.seed(f"custmaster.synth:{self.seed}:{self.unit}")
            self.counter = 0
            self.rows = []
            take_org = done_orgs < self.organisations and (
                done_people >= self.people
                or done_orgs * self.people < done_people * self.organisations
            )
            if take_org:
                unit = self._organisation(f"O{done_orgs + 1:07d}")
                done_orgs += 1
            else:
                unit = self._household(done_people, self.people - done_people)
                done_people += len(unit.people)
            unit.rows.sort(key=lambda row: (row.when, row.file, row.ref))
            for who in unit.people:  # each one's records in the order of the rows
                who.records.clear()
            for row in unit.rows:
                row.who.records.append((_CHANNELS[row.file], row.ref))
            yield unit
            self.unit += 1

    def _ref(self, prefix: str, year: int) -> str:
        self.counter += 1
        return f"{prefix}{year}{self.unit:07d}{self.counter:03d}"

    # -------------------------------------------------------------- small draws

    def _chance(self, p: float) -> bool:
        return self.rng.random() < p

    def _pick(self, items: Sequence[str]) -> str:
        return items[int(self.rng.random() * len(items))]

    def _digits(self, n: int) -> str:
        return f"{int(self.rng.random() * 10**n):0{n}d}"

    def _day(self, low: dt.date, high: dt.date) -> dt.date:
        """A day from low to high inclusive."""
        span = (high - low).days
        return low + dt.timedelta(days=int(self.rng.random() * (span + 1))) if span > 0 else low

    def _moment(self, day: dt.date, first_hour: int = 8, last_hour: int = 20) -> int:
        """A time of ``day`` between the hours, as seconds since 0001-01-01 (China time)."""
        seconds = first_hour * 3600 + int(self.rng.random() * (last_hour - first_hour) * 3600)
        return day.toordinal() * 86400 + seconds

    def _city(self) -> City:
        return self.t.cities[_weighted(self.rng, self.t.city_cum)]

    # -------------------------------------------------------------- identities

    def _resident_id(self, who: Who, city: City, gender: str, birth: dt.date) -> None:
        """Give ``who`` a resident ID of ``city`` (or, for a migrant, another city) valid in
        the birth year; unique in the book."""
        rng = self.rng
        year = birth.year
        home = city
        if self._chance(0.5 if city.code == "4403" else 0.15):
            home = self._city()
        codes = _codes_in_use(home, year)
        who.migrant = home is not city
        date_text = f"{birth:%Y%m%d}"
        for _ in range(50):
            code = codes[int(rng.random() * len(codes))]
            number = int(rng.random() * 500)
            sequence = number * 2 + 1 if gender == "M" else max(number, 1) * 2
            if sequence > 999:
                sequence -= 2
            body = f"{code}{date_text}{sequence:03d}"
            key = int(body)
            if key not in self.ids:
                self.ids.add(key)
                who.rid = body + resident_id_check_char(body)
                who.rid15 = f"{code}{birth:%y%m%d}{sequence:03d}" if year <= 1999 else None
                return
        raise RuntimeError("no free resident ID")  # pragma: no cover - 50 collisions in a row

    def _twin_id(self, who: Who, twin: Who, gender: str) -> None:
        """A resident ID next to the twin's: same region and birth date, sequence close by."""
        assert twin.rid is not None
        assert twin.birth is not None
        code, date_text, sequence = twin.rid[:6], twin.rid[6:14], int(twin.rid[14:17])
        for step in (1, 2, 3, 4, 5, 6, 7, 8, -1, -2, -3, -4):
            candidate = sequence + step
            if not 0 < candidate < 1000 or (candidate % 2 == 1) != (gender == "M"):
                continue
            body = f"{code}{date_text}{candidate:03d}"
            if int(body) not in self.ids:
                self.ids.add(int(body))
                who.rid = body + resident_id_check_char(body)
                who.rid15 = twin.rid15 and f"{code}{date_text[2:]}{candidate:03d}"
                who.migrant = twin.migrant
                return
        self._resident_id(who, _city_of(twin.rid[:4]), gender, twin.birth)  # pragma: no cover

    def _mobile(self) -> str:
        rng = self.rng
        prefixes = self.t.mobile_prefixes
        while True:
            prefix = prefixes[int(rng.random() * len(prefixes))]
            number = f"{prefix}{int(rng.random() * 10**8):08d}"
            if int(number) not in self.mobiles:
                self.mobiles.add(int(number))
                return number

    def _landline(self, city: City) -> tuple[str, str]:
        first = self._pick(city.first_digits)
        return city.area_code, first + self._digits(city.subscriber_length - 1)

    def _address(self, city: City) -> tuple[str, str, str]:
        """(full, without province, without province and city) of a new address in ``city``."""
        rng = self.rng
        district = city.districts[int(rng.random() * len(city.districts))][1]
        detail = f"{self._pick(STREETS)}{int(rng.random() * 899) + 1}号"
        if rng.random() < 0.6:
            detail += (
                f"{self._pick(ESTATES)}{int(rng.random() * 30) + 1}栋{int(rng.random() * 6) + 1}"
                f"单元{int(rng.random() * 32) + 1}{int(rng.random() * 4) + 1:02d}室"
            )
        local = district + detail
        with_city = (city.city or "") + local
        return city.province + with_city, with_city, local

    # -------------------------------------------------------------- names

    def _given(self, gender: str, birth_year: int) -> str:
        rng = self.rng
        era = bisect.bisect_right(ERA_STARTS, birth_year) - 1
        roll = rng.random()
        if roll < SINGLE_SHARE[era]:
            return self.t.single[gender][_weighted(rng, self.t.single_cum[gender])]
        if roll < SINGLE_SHARE[era] + POPULAR_SHARE[era]:
            return self._pick(POPULAR[gender][era])
        first = self._pick(FIRST_CHARS[gender])
        second = self._pick(SECOND_CHARS[gender])
        return first + (second if second != first else self._pick(SECOND_CHARS[gender]))

    def _surname(self) -> str:
        if self._chance(0.004):
            return self._pick(COMPOUND_SURNAMES)
        return self.t.surnames[_weighted(self.rng, self.t.surname_cum)]

    def _name(
        self, city: City, gender: str, birth_year: int, surname: str | None = None
    ) -> tuple[str, str | None]:
        """A name and its surname (None for names without one): ``surname`` if given, else a
        surname at its frequency; in Urumqi and Lhasa often a Uyghur or Tibetan name."""
        if surname is None:
            minority = self.rng.random()
            if (city.code == "6501" and minority < 0.35) or minority < 0.002:
                return self._dot_name(gender, self._pick(DOT_FATHER)), None
            if (city.code == "5401" and minority < 0.5) or minority < 0.003:
                return self._tibetan_name(gender, ""), None
            surname = self._surname()
        return surname + self._given(gender, birth_year), surname

    def _dot_name(self, gender: str, father: str) -> str:
        return f"{self._pick(DOT_GIVEN[gender])}·{father}"

    def _tibetan_name(self, gender: str, other: str) -> str:
        while True:
            first, second = self._pick(TIBETAN[gender]), self._pick(TIBETAN[gender])
            if first != second and first + second != other:
                return first + second

    def _twin_name(self, twin: Who, gender: str) -> str:
        """A name for the twin of ``twin``: same surname (or father's name), another given
        name, often sharing the generation character."""
        if twin.surname is None:
            if "·" in twin.name:
                father = twin.name.split("·", 1)[1]
                while True:
                    name = self._dot_name(gender, father)
                    if name != twin.name:
                        return name
            return self._tibetan_name(gender, twin.name)
        surname = twin.surname
        given = twin.name[len(surname) :]
        assert twin.birth is not None
        while True:
            if len(given) == 2 and self.rng.random() < 0.7:
                candidate = given[0] + self._pick(SECOND_CHARS[gender])
            else:
                candidate = self._given(gender, twin.birth.year)
            if candidate != given:
                return surname + candidate

    # -------------------------------------------------------------- households

    def _household(self, first: int, room: int) -> Unit:
        rng = self.rng
        city = self._city()
        hid = f"H{self.unit:07d}"
        shape = rng.random()
        twins = rng.random() < self.rates.twins
        if twins:
            roles = ["head", "spouse", "twin", "twin"] if shape < 0.5 else ["twin", "twin"]
        elif shape < 0.36:
            roles = ["head"]
        elif shape < 0.72:
            roles = ["head", "spouse"]
        else:
            roles = ["head", "spouse", "child"]
        roles = roles[:room]
        as_of = self.as_of
        head_gender = "M" if rng.random() < 0.62 else "F"
        head_age = (
            19 + int(rng.random() * 20) if roles[0] == "twin" else 25 + int(rng.random() * 46)
        )
        child_age = max(18, head_age - 22 - int(rng.random() * 12))
        members: list[Who] = []
        father: Who | None = None
        twin: Who | None = None
        for index, role in enumerate(roles):
            who = Who(f"P{first + index + 1:07d}", "person", hid)
            who.member = role
            if index == 0:
                gender, age = head_gender, head_age
            elif role == "spouse":
                gender = "F" if head_gender == "M" else "M"
                age = max(22, head_age + int(rng.random() * 9) - 4)
            else:  # an adult child, or twins
                gender = "M" if rng.random() < 0.5 else "F"
                age = child_age
            if twin is not None:
                assert twin.birth is not None
                who.gender, who.birth = gender, twin.birth
                self._twin_id(who, twin, gender)
                who.name, who.surname = self._twin_name(twin, gender), twin.surname
                who.twin_of, twin.twin_of = twin.pid, who.pid
            else:
                birth = self._day(_add_years(as_of, -age - 1) + _ONE_DAY, _add_years(as_of, -age))
                who.gender, who.birth = gender, birth
                self._resident_id(who, city, gender, birth)
                inherited = father.surname if father is not None and index > 0 else None
                if role == "spouse":
                    inherited = None
                who.name, who.surname = self._name(city, gender, birth.year, inherited)
                if role == "twin":
                    twin = who
            if role in ("head", "spouse") and gender == "M":
                father = who
            who.mobiles.append((dt.date(1900, 1, 1), self._mobile()))
            if rng.random() < self.rates.new_phone:
                changed = self._day(self.start, as_of - dt.timedelta(days=30))
                who.mobiles.append((changed, self._mobile()))
            if rng.random() < 0.2:
                who.office = self._landline(city)
            members.append(who)
        # the household's address (and a move), and its fixed line
        address = self._address(city)
        moved: tuple[dt.date, str, str, str] | None = None
        if rng.random() < self.rates.move:
            moved = (self._day(self.start, as_of - dt.timedelta(days=20)), *self._address(city))
        home = self._landline(city) if rng.random() < 0.45 else None
        for who in members:
            who.addresses.append((dt.date(1900, 1, 1), *address))
            if moved is not None:
                who.addresses.append(moved)
            who.home = home
            who.family = [m for m in members if m is not who]
        for who in members if self.with_rows else ():
            vehicles = 2 if rng.random() < 0.12 else 1
            for _ in range(vehicles):
                self._vehicle_chain(who, city)
        return Unit(members, self.rows)

    # -------------------------------------------------------------- organisations

    def _organisation(self, oid: str) -> Unit:
        rng = self.rng
        city = self._city()
        who = Who(oid, "organisation", None)
        place = (city.city or city.province)[:-1]
        trade_name, trade, form = (
            self._pick(ORG_TRADE_NAMES),
            self._pick(ORG_TRADES),
            self._pick(ORG_FORMS),
        )
        style = rng.random()
        if style < 0.55:
            who.name = f"{place}{trade_name}{trade}{form}"
        elif style < 0.8:
            who.name = f"{place}市{trade_name}{trade}{form}"
        else:
            who.name = f"{trade_name}（{place}）{trade}{form}"
        district = city.districts[int(rng.random() * len(city.districts))][0]
        while True:
            if rng.random() < 0.7:
                org = "MA" + "".join(self._pick(_USCC_BODY) for _ in range(6))
            else:
                org = self._digits(8)
            body = f"91{district}{org}{organisation_code_check_char(org)}"
            code = body + uscc_check_char(body)
            if code not in self.usccs:
                self.usccs.add(code)
                who.uscc = code
                break
        who.office = self._landline(city)
        who.mobiles.append((dt.date(1900, 1, 1), self._mobile()))
        if rng.random() < self.rates.new_phone:
            changed = self._day(self.start, self.as_of - dt.timedelta(days=30))
            who.mobiles.append((changed, self._mobile()))
        who.addresses.append((dt.date(1900, 1, 1), *self._address(city)))
        if rng.random() < self.rates.move / 2:
            day = self._day(self.start, self.as_of - dt.timedelta(days=20))
            who.addresses.append((day, *self._address(city)))
        roll = rng.random()
        if roll < 0.5:
            fleet = 1
        elif roll < 0.85:
            fleet = 2 + int(rng.random() * 2)
        else:
            fleet = 4 + int(rng.random() * 5)
        for _ in range(fleet if self.with_rows else 0):
            self._vehicle_chain(who, city)
        return Unit([who], self.rows)

    # -------------------------------------------------------------- vehicles

    def _vehicle(self, city: City, registered: dt.date) -> _Vehicle:
        """A car registered in ``city`` on ``registered`` (its plate unique in the book)."""
        rng = self.rng
        producer = self.t.producers[_weighted(rng, self.t.producer_cum)]
        brand, series = producer.series[int(rng.random() * len(producer.series))]
        prefix = self._pick(producer.prefixes)
        if prefix.endswith("6"):  # class 6 (SUV, MPV): length in decimetres
            main = f"{42 + int(rng.random() * 11)}{int(rng.random() * 10)}"
        else:  # class 7 (cars): displacement in decilitres
            main = f"{10 + int(rng.random() * 21)}{int(rng.random() * 10)}"
        code = prefix + main + self._pick(SUFFIXES)
        style = rng.random()
        if style < 0.45:
            make_model = f"{brand}牌{code}"
        elif style < 0.70:
            gap = " " if series[-1].isascii() and series[-1].isalnum() else ""
            make_model = f"{series}{gap}{code}"
        elif style < 0.90:
            make_model = f"{producer.name}{code}"
        else:
            make_model = f"{brand}牌{code}{self._pick(DESCRIPTORS)}"
        vds = "".join(rng.choices(_VIN_CHARS, k=5))
        year_code = _MODEL_YEAR[(registered.year - 1980) % 30]
        vin = f"{producer.wmi}{vds}0{year_code}{self._pick(_VIN_CHARS)}{self._digits(6)}"
        vin = vin[:8] + vin_check_digit(vin) + vin[9:]
        engine = self._pick(producer.engines) + self._pick(("", "", "", "A", "B", "C", "K"))
        engine += self._digits(7 if len(engine) < 6 else 6)
        electric = producer.name in ("比亚迪", "特斯拉中国")
        green = registered.year >= 2018 and rng.random() < (0.7 if electric else 0.12)
        abbreviation = city.plate[0]
        letters = MUNICIPAL_LETTERS.get(abbreviation)
        while True:
            office = self._pick(letters) if letters else city.plate[1]
            if green:
                serial = self._pick("DF") + self._pick(_PLATE_LETTERS + _DIGITS) + self._digits(4)
            else:
                chars = list(self._digits(5))
                roll = rng.random()
                for _ in range(0 if roll < 0.5 else 1 if roll < 0.85 else 2):
                    chars[int(rng.random() * 5)] = self._pick(_PLATE_LETTERS)
                serial = "".join(chars)
            plate = abbreviation + office + serial
            if plate not in self.plates:
                self.plates.add(plate)
                break
        return _Vehicle(plate, vin, engine, make_model, registered, producer.name)

    def _vehicle_chain(self, owner: Who, city: City) -> None:
        """One vehicle's policies from its first year in the book to ``as_of``, with the rows
        of every channel about them."""
        rng, rates, as_of, start_of_book = self.rng, self.rates, self.as_of, self.start
        previous: dict[str, str] = {}
        if rng.random() < 0.3:  # a new car, first insured within the book's years
            registered = self._day(start_of_book, as_of - _ONE_DAY)
            start, business = registered, "新保"
        else:
            registered = self._day(
                dt.date(max(2006, as_of.year - 15), 1, 1), start_of_book - _ONE_DAY
            )
            start = _add_years(registered, start_of_book.year - registered.year)
            if start < start_of_book:
                start = _add_years(start, 1)
            business = "续保" if rng.random() < 0.7 else "转保"
            if business == "续保":  # renews a policy from before the book's years
                for prefix in ("PDZA", "PDAA"):
                    previous[prefix] = self._policy_no(prefix, start.year - 1, city)
        vehicle = self._vehicle(city, registered)
        commercial = rng.random() < (0.9 if owner.kind == "organisation" else 0.78)
        on_file = ""
        lines = _LINES if commercial else _LINES[:1]
        while True:
            if business == "新保":
                issue = start
            else:
                issue = start - dt.timedelta(days=1 + int(rng.random() * 25))
            if issue > as_of:
                return
            end = _add_years(start, 1) - _ONE_DAY
            current = owner.mobile_at(issue)
            if not on_file:
                on_file = self._initial_mobile(owner, issue)
            elif on_file != current and rng.random() >= rates.stale_phone:
                on_file = current  # the insurer learns the new number at the renewal
            numbers: dict[str, str] = {}
            policy = None
            texts = self._dates(issue, start, end, vehicle.registered)
            for prefix, line in lines:
                numbers[prefix] = no = self._policy_no(prefix, start.year, city)
                renews = previous.get(prefix, "")
                policy = _Policy(no, line, business, renews, issue, start, end, on_file, texts)
                owner.policies.append(no)
                self._core_row(owner, policy, vehicle)
            assert policy is not None  # the last line: commercial if any, else compulsory
            if business != "续保" or rng.random() < 0.35:
                self._underwriting_row(owner, policy, vehicle)
            if owner.kind == "person" and rng.random() < (0.6 if business != "续保" else 0.08):
                self._face_row(owner, policy, vehicle)
            if rng.random() < rates.callback:
                on_file = self._callback_row(owner, policy)
                policy = policy._replace(on_file=on_file)
            # what happens during the year, in the order it happens
            last_day = min(end, as_of)
            events: list[tuple[dt.date, int]] = []
            if len(owner.addresses) > 1 and rng.random() < 0.6:
                moved = [a[0] for a in owner.addresses[1:] if start <= a[0] <= last_day]
                if moved:
                    events.append((moved[0], _MOVE))
            if start < last_day:
                if commercial and rng.random() < 0.04:
                    events.append((self._day(start + _ONE_DAY, last_day), _NEW_VEHICLE))
                if owner.family and rng.random() < 0.03:
                    events.append((self._day(start + _ONE_DAY, last_day), _NEW_INSURED))
                if rng.random() < 0.02:
                    events.append((self._day(start + _ONE_DAY, last_day), _CANCEL))
            if rng.random() < rates.claim:
                events.append((self._day(start, last_day), _CLAIM_EVENT))
            listed = end - dt.timedelta(days=45)
            if listed <= as_of:
                events.append((listed, _LISTED))
            events.sort()
            for day, event in events:
                if event == _MOVE:
                    for no in numbers.values():
                        self._endorsement(
                            owner, no, "地址变更", day, vehicle=vehicle, policy=policy
                        )
                elif event == _NEW_VEHICLE:
                    vehicle = self._vehicle(city, day)
                    self._endorsement(
                        owner,
                        numbers["PDAA"],
                        "换车",
                        day,
                        vehicle=vehicle,
                        policy=policy,
                        now=True,
                    )
                elif event == _NEW_INSURED:
                    owner = owner.family[int(rng.random() * len(owner.family))]
                    on_file = owner.mobile_at(day)
                    policy = policy._replace(on_file=on_file)
                    for no in numbers.values():
                        owner.policies.append(no)
                        self._endorsement(
                            owner, no, "被保险人变更", day, vehicle=vehicle, policy=policy, now=True
                        )
                elif event == _CLAIM_EVENT:
                    self._claim_row(owner, policy.no, day, vehicle, city)
                elif event == _CANCEL:
                    for no in numbers.values():
                        self._endorsement(owner, no, "退保", day, vehicle=vehicle, policy=policy)
                    return
                else:
                    self._renewal_rows(owner, policy, vehicle)
            if rng.random() < 0.08:  # lapses: the customer goes elsewhere or sells the car
                return
            previous = numbers
            start, business = end + _ONE_DAY, "续保"

    def _policy_no(self, prefix: str, year: int, city: City) -> str:
        self.counter += 1
        return f"{prefix}{year}{city.code}{self.unit:07d}{self.counter:03d}"

    def _initial_mobile(self, owner: Who, day: dt.date) -> str:
        """The mobile a new policy is entered with: the owner's, sometimes the head of the
        household's, sometimes mistyped (a stranger's number)."""
        rng = self.rng
        number = owner.mobile_at(day)
        head = owner.family[0] if owner.family and owner.member != "head" else None
        if head is not None and rng.random() < self.rates.family_phone:
            return head.mobile_at(day)
        if rng.random() < self.rates.wrong_number:
            position = 3 + int(rng.random() * 8)
            digit = str((int(number[position]) + 1 + int(rng.random() * 9)) % 10)
            wrong = number[:position] + digit + number[position + 1 :]
            if wrong not in owner.wrong:
                owner.wrong.append(wrong)
            return wrong
        return number

    # -------------------------------------------------------------- cells
    #
    # Each cell draws one number and compares it with cumulative thresholds of its kinds of
    # noise: the plain value is the common case and costs one draw.

    def _begin(self, who: Who, file: int, ref: str) -> None:
        """Start a row: the cells that follow are ``who``'s, in ``file``, row ``ref``."""
        self.who, self.file, self.ref = who, file, ref

    def _add(self, when: int, values: tuple[str, ...]) -> None:
        # (the rows' keys go to ``who.records`` once the unit's rows are in time order)
        self.rows.append(_new_row(Row, (when, self.file, self.ref, self.who, values)))

    def _defect(self, header: str, kind: str) -> None:
        self.who.defects.append((_CHANNELS[self.file], self.ref, header, kind))

    def _id_cell(self, header: str, u: float = -1.0) -> str:
        who = self.who
        rid = who.rid
        if rid is None:
            return ""
        rates = self.rates
        legacy = rates.legacy_id if who.rid15 is not None else 0.0
        typo = legacy + rates.id_typo
        variant = typo + rates.format
        if u < 0:
            u = self.rng.random()
        if u >= variant:
            return rid
        if u < legacy:
            self._defect(header, "legacy_id")
            return who.rid15 or rid
        rng = self.rng
        if u < typo:
            self._defect(header, "id_typo")
            position = int(rng.random() * 17)
            digit = str((int(rid[position]) + 1 + int(rng.random() * 9)) % 10)
            return rid[:position] + digit + rid[position + 1 :]
        self._defect(header, "format")
        roll = rng.random()
        if roll < 0.3 and rid.endswith("X"):
            return rid[:-1] + "x"
        if roll < 0.5:
            return "'" + rid
        if roll < 0.8:
            return f"{rid[:6]} {rid[6:14]} {rid[14:]}"
        return rid.translate(_FULL)

    def _uscc_cell(self, header: str) -> str:
        who = self.who
        uscc = who.uscc
        if uscc is None:
            return ""
        if self.rng.random() < self.rates.format:
            self._defect(header, "format")
            return uscc.lower() if self.rng.random() < 0.5 else " " + uscc
        return uscc

    def _name_cell(
        self, header: str, typo: float = 1.0, honorific: bool = False, u: float = -1.0
    ) -> str:
        who = self.who
        rates = self.rates
        polite = rates.honorific if honorific and who.surname else 0.0
        mistyped = polite + rates.name_typo * typo
        variant = mistyped + rates.format / 4
        if u < 0:
            u = self.rng.random()
        name = who.name
        if u >= variant:
            return name
        if u < polite:
            self._defect(header, "honorific")
            return f"{who.surname}{'先生' if who.gender == 'M' else '女士'}"
        if u < mistyped:
            positions = [i for i, ch in enumerate(name) if ch in TYPOS]
            if not positions:
                return name
            i = positions[int(self.rng.random() * len(positions))]
            self._defect(header, "name_typo")
            return name[:i] + self._pick(TYPOS[name[i]]) + name[i + 1 :]
        self._defect(header, "format")
        if who.kind == "organisation":
            return name.replace("（", "(").replace("）", ")") + " "
        return " ".join(name) if "·" not in name else name.replace("·", ".")

    def _mobile_cell(self, number: str, day: dt.date, header: str, u: float = -1.0) -> str:
        """A mobile number as a file has it; labels whose number it is when it is not the
        customer's current one."""
        who = self.who
        mobiles = who.mobiles
        if number != (mobiles[-1][1] if mobiles[-1][0] <= day else who.mobile_at(day)):
            if number in who.wrong:
                kind = "wrong_number"
            elif any(number == n for _, n in mobiles):
                kind = "stale_phone"
            elif any(number == n for m in who.family for _, n in m.mobiles):
                kind = "family_phone"
            else:
                kind = "other_phone"
            self._defect(header, kind)
        rates = self.rates
        typo = rates.phone_typo
        variant = typo + rates.format
        if u < 0:
            u = self.rng.random()
        if u >= variant:
            return number
        if u < typo:
            self._defect(header, "phone_typo")
            cut = 3 + int(self.rng.random() * 8)
            return number[:cut] + number[cut + 1 :]
        self._defect(header, "format")
        roll = int(self.rng.random() * 6)
        if roll == 0:
            return f"{number[:3]} {number[3:7]} {number[7:]}"
        if roll == 1:
            return f"{number[:3]}-{number[3:7]}-{number[7:]}"
        if roll == 2:
            return "+86 " + number
        if roll == 3:
            return "+86-" + number
        if roll == 4:
            return "0086" + number
        return number.translate(_FULL)

    def _landline_cell(self, line: tuple[str, str] | None, header: str, u: float = -1.0) -> str:
        if line is None:
            return ""
        area, subscriber = line
        if (self.rng.random() if u < 0 else u) >= self.rates.format:
            return f"{area}-{subscriber}"
        self._defect(header, "format")
        roll = int(self.rng.random() * 5)
        if roll == 0:
            return f"({area}){subscriber}"
        if roll == 1:
            return f"{area} {subscriber}"
        if roll == 2:
            return area + subscriber
        if roll == 3:
            return f"+86 {area[1:]} {subscriber}"
        return f"{area}-{subscriber}".translate(_FULL)

    def _address_cell(self, day: dt.date, header: str, stale: bool = False, u: float = -1.0) -> str:
        who = self.who
        addresses = who.addresses
        entry = addresses[0] if len(addresses) == 1 else who.address_at(day)
        rates = self.rates
        old = rates.stale_address if stale and entry is not addresses[0] else 0.0
        variant = old + rates.format
        if u < 0:
            u = self.rng.random()
        if u >= variant:
            return entry[1]
        if u < old:
            self._defect(header, "stale_address")
            return addresses[0][1]
        self._defect(header, "format")
        roll = self.rng.random()
        if roll < 0.6 and entry[2] != entry[1]:
            return entry[2]
        if roll < 0.8:
            return entry[3]
        return entry[1].translate(_FULL)

    def _plate_cell(self, plate: str, header: str, u: float = -1.0) -> str:
        if (self.rng.random() if u < 0 else u) >= self.rates.format:
            return plate
        self._defect(header, "format")
        roll = int(self.rng.random() * 4)
        if roll == 0:
            return f"{plate[:2]}·{plate[2:]}"
        if roll == 1:
            return f"{plate[:2]} {plate[2:]}"
        if roll == 2:
            return plate[0] + plate[1:].lower()
        return f"{plate[:2]}-{plate[2:]}"

    def _vin_cell(self, vin: str, header: str, u: float = -1.0) -> str:
        rates = self.rates
        typo = rates.vin_typo
        if u < 0:
            u = self.rng.random()
        if u >= typo + rates.format / 2:
            return vin
        if u < typo:
            self._defect(header, "vin_typo")
            position = 9 + int(self.rng.random() * 8)
            value = _VIN_VALUES[vin[position]]  # a character of the same value would still check
            replacement = self._pick([c for c in _DIGITS if _VIN_VALUES[c] != value])
            return vin[:position] + replacement + vin[position + 1 :]
        self._defect(header, "format")
        return vin.lower()

    def _date(self, day: dt.date) -> str:
        u = self.rng.random()
        if u >= self.th_date:
            return _iso(day)
        return _styled(day, u / self.th_date)

    def _dates(self, *days: dt.date) -> tuple[str, ...]:
        """The days of one row, all in one style (a file's rows mostly share one)."""
        u = self.rng.random()
        if u >= self.th_date:
            return tuple(map(_iso, days))
        style = u / self.th_date
        return tuple(_styled(day, style) for day in days)

    # -------------------------------------------------------------- rows

    def _core_row(self, who: Who, policy: _Policy, vehicle: _Vehicle) -> None:
        # The most frequent row: the plain path of each cell is inline.
        draw = self.rng.random
        self._begin(who, _CORE, policy.no)
        issue, start, end, registered = policy.texts
        u = draw()
        name = who.name if u >= self.th_name else self._name_cell("被保险人", u=u)
        rid = who.rid
        if rid is None:
            id_cell = ""
        else:
            u = draw()
            threshold = self.th_id15 if who.rid15 is not None else self.th_id
            id_cell = rid if u >= threshold else self._id_cell("身份证号", u)
        uscc = self._uscc_cell("统一社会信用代码") if who.uscc is not None else ""
        u = draw()
        plate = (
            vehicle.plate if u >= self.th_format else self._plate_cell(vehicle.plate, "车牌号", u)
        )
        make_model = vehicle.make_model
        if draw() < self.th_format / 4:
            make_model = make_model.translate(_FULL)
        u = draw()
        vin = vehicle.vin if u >= self.th_vin else self._vin_cell(vehicle.vin, "车架号", u)
        if len(who.addresses) == 1:
            u = draw()
            address = who.addresses[0][1]
            if u < self.th_format:
                address = self._address_cell(policy.issue, "客户地址", u=u)
        else:
            address = self._address_cell(policy.issue, "客户地址", stale=True)
        number = policy.on_file
        if len(who.mobiles) == 1 and number == who.mobiles[0][1]:  # the common case
            u = draw()
            mobile = (
                number
                if u >= self.th_mobile
                else self._mobile_cell(number, policy.issue, "移动电话", u)
            )
        else:
            mobile = self._mobile_cell(number, policy.issue, "移动电话")
        office = home = ""
        if who.office is not None and (who.kind == "organisation" or draw() < 0.6):
            office = self._landline_cell(who.office, "办公电话")
        if who.home is not None and draw() < 0.7:
            home = self._landline_cell(who.home, "家庭电话")
        values = (
            policy.no,
            policy.line,
            policy.business,
            policy.renews,
            issue,
            start,
            end,
            name,
            id_cell,
            uscc,
            plate,
            registered,
            make_model,
            vin,
            vehicle.engine,
            address,
            office,
            home,
            mobile,
        )
        self._add(self._moment(policy.issue), values)

    def _endorsement(
        self,
        who: Who,
        no: str,
        kind: str,
        day: dt.date,
        *,
        vehicle: _Vehicle,
        policy: _Policy,
        now: bool = False,
    ) -> None:
        """An endorsement of ``kind`` on policy ``no`` (of the year of ``policy``) asked for
        on ``day`` (or up to two weeks later, unless ``now``): the cover, the insured as they
        are then, the vehicle when it changes or changes hands; a cancellation ends the cover
        on its effective day."""
        rng = self.rng
        delay = 0 if now else int(rng.random() * 15)
        applied = min(day + dt.timedelta(days=delay), self.as_of)
        effective = applied + dt.timedelta(days=int(rng.random() * 4))
        self._begin(who, _ENDORSE, "E" + self._ref(no[:4], applied.year))
        changes_vehicle = kind in ("换车", "被保险人变更")
        values = (
            self.ref,
            no,
            kind,
            *self._dates(
                applied, effective, policy.start, effective if kind == "退保" else policy.end
            ),
            self._name_cell("被保险人"),
            self._id_cell("身份证号"),
            self._uscc_cell("统一社会信用代码"),
            self._address_cell(applied, "客户地址") if kind in ("地址变更", "被保险人变更") else "",
            self._mobile_cell(who.mobile_at(applied), applied, "移动电话")
            if kind == "被保险人变更"
            else "",
            self._plate_cell(vehicle.plate, "车牌号") if changes_vehicle else "",
            self._vin_cell(vehicle.vin, "车架号") if changes_vehicle else "",
            vehicle.engine if changes_vehicle else "",
            vehicle.make_model if changes_vehicle else "",
            self._date(vehicle.registered) if changes_vehicle else "",
        )
        self._add(self._moment(applied), values)

    def _underwriting_row(self, who: Who, policy: _Policy, vehicle: _Vehicle) -> None:
        day = policy.issue  # the proposal is signed when the policy is issued
        draw = self.rng.random
        self._begin(who, _UNDERWRITE, self._ref("TD" + policy.no[2:4], day.year))
        u = draw()
        name = who.name if u >= self.th_name else self._name_cell("被保险人", u=u)
        u = draw()
        plate = (
            vehicle.plate if u >= self.th_format else self._plate_cell(vehicle.plate, "车牌号", u)
        )
        values = (
            self.ref,
            policy.texts[0],
            policy.no,
            policy.line,
            name,
            name,
            self._id_cell("身份证号"),
            self._uscc_cell("统一社会信用代码"),
            self._mobile_cell(policy.on_file, day, "移动电话"),
            self._address_cell(day, "客户地址"),
            plate,
            self._vin_cell(vehicle.vin, "车架号"),
            vehicle.make_model,
        )
        self._add(self._moment(day), values)

    def _face_row(self, who: Who, policy: _Policy, vehicle: _Vehicle) -> None:
        issue = policy.issue
        self._begin(who, _FACE, self._ref("MQ", issue.year))
        values = (
            self.ref,
            self._date(issue),
            self._name_cell("客户姓名"),
            who.rid or "",  # read from the ID card
            self._mobile_cell(who.mobile_at(issue), issue, "手机号码"),
            self._address_cell(issue, "联系地址"),
            policy.no,
            self._plate_cell(vehicle.plate, "车牌号"),
        )
        self._add(self._moment(issue), values)

    def _callback_row(self, who: Who, policy: _Policy) -> str:
        """A call-back on the number on file; returns the number on file afterwards."""
        rng = self.rng
        day = policy.issue + dt.timedelta(days=1 + int(rng.random() * 15))
        on_file = policy.on_file
        if day > self.as_of:
            return on_file
        self._begin(who, _CALLBACK, self._ref("HF", day.year))
        current = who.mobile_at(day)
        note = ""
        if on_file in who.wrong:
            outcome, note, after = "错号", "接听人称不认识客户", current
        elif on_file == current:
            roll = rng.random()
            outcome = "接通" if roll < 0.85 else "无人接听" if roll < 0.95 else "拒访"
            after = on_file
        elif any(on_file == n for _, n in who.mobiles):
            outcome = "空号" if rng.random() < 0.5 else "停机"
            after = on_file
        else:  # a family member's number: they answer and pass the phone on
            outcome, note, after = "接通", "家属代接", on_file
        when = self._moment(day)
        values = (
            self.ref,
            _time_text(when),
            policy.no,
            self._name_cell("客户姓名", 2.0, True),
            self._mobile_cell(on_file, day, "回访号码"),
            _spelling(outcome, self.ref),
            note,
        )
        self._add(when, values)
        return after

    def _renewal_rows(self, who: Who, policy: _Policy, vehicle: _Vehicle) -> None:
        """The renewal list 45 days before the end, then perhaps a telesales call."""
        rng = self.rng
        end = policy.end
        listed = end - dt.timedelta(days=45)
        self._begin(who, _RENEWAL, self._ref("XB", listed.year))
        draw = rng.random
        listed_text, end_text = self._dates(listed, end)
        u = draw()
        name = who.name if u >= self.th_name else self._name_cell("被保险人", u=u)
        u = draw()
        plate = (
            vehicle.plate if u >= self.th_format else self._plate_cell(vehicle.plate, "车牌号", u)
        )
        values = (
            self.ref,
            listed_text,
            policy.no,
            policy.line,
            end_text,
            name,
            plate,
            self._mobile_cell(policy.on_file, listed, "联系电话"),
            self._address_cell(listed, "客户地址", stale=True),
        )
        self._add(self._moment(listed, 2, 3), values)
        if who.kind != "person" or rng.random() >= 0.5:
            return
        day = end - dt.timedelta(days=10 + int(rng.random() * 30))
        if day > self.as_of:
            return
        self._begin(who, _TELESALES, self._ref("TS", day.year))
        current = who.mobile_at(day)
        when = self._moment(day)
        telesales = (
            self.ref,
            _time_text(when),
            self._name_cell("客户姓名", 3.0, True),
            self._mobile_cell(current, day, "手机号码"),
            self._plate_cell(vehicle.plate, "车牌号") if rng.random() < 0.8 else "",
            policy.no if rng.random() < 0.6 else "",
            _TELESALES_RESULTS[bisect.bisect_right((0.45, 0.75, 0.9), rng.random())],
            "客户提供新号码" if current != policy.on_file else "",
        )
        self._add(when, telesales)

    def _claim_row(self, who: Who, no: str, day: dt.date, vehicle: _Vehicle, city: City) -> None:
        rng, rates = self.rng, self.rates
        reported = self._moment(day, 6, 23)
        happened = reported - 600 - int(rng.random() * 36000)
        self._begin(who, _CLAIM, self._ref("BA", day.year))
        if who.kind == "organisation":
            reporter = self._name(city, "M", 1980)[0]
            relation, phone = "雇员", self._mobile()
        elif who.family and rng.random() < 0.2:
            other = who.family[int(rng.random() * len(who.family))]
            reporter, relation = other.name, "配偶" if other.member == "spouse" else "家属"
            phone = other.mobile_at(day)
        else:
            reporter, relation, phone = "", "本人", who.mobile_at(day)
        with_id = who.kind == "person" and rng.random() >= rates.missing_claim_id
        if who.kind == "person" and not with_id:
            self._defect("证件号码", "missing_id")
        name = self._name_cell("被保险人", 3.0)
        values = (
            self.ref,
            _time_text(reported),
            _time_text(happened)[:16],
            no if rng.random() < 0.85 else "",
            self._plate_cell(vehicle.plate, "车牌号"),
            name,
            self._id_cell("证件号码") if with_id else "",
            name if relation == "本人" else reporter,
            relation,
            self._mobile_cell(phone, day, "报案人电话"),
            f"{city.city or city.province}{self._pick(STREETS)}附近",
        )
        self._add(reported, values)


@functools.lru_cache(maxsize=8192)
def _iso(day: dt.date) -> str:
    return day.isoformat()


def _styled(day: dt.date, style: float) -> str:
    """A day written with slashes, as eight digits or in Chinese (``style`` from 0 to 1)."""
    if style < 0.5:
        return f"{day.year}/{day.month}/{day.day}"
    if style < 0.8:
        return f"{day:%Y%m%d}"
    return f"{day.year}年{day.month}月{day.day}日"


def when_datetime(when: int) -> dt.datetime:
    """The China time of a row's ``when`` (seconds since 0001-01-01 00:00 China time)."""
    day = dt.date.fromordinal(when // 86400)
    seconds = when % 86400
    return dt.datetime(
        day.year,
        day.month,
        day.day,
        seconds // 3600,
        seconds // 60 % 60,
        seconds % 60,
        tzinfo=_CST,
    )


def _time_text(when: int) -> str:
    seconds = when % 86400
    day = dt.date.fromordinal(when // 86400).isoformat()
    return f"{day} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _valid(spans: tuple[tuple[int, int], ...], year: int) -> bool:
    return any((start == 0 or start <= year) and (end == 0 or year <= end) for start, end in spans)


@functools.cache
def _codes_in_use(city: City, year: int) -> tuple[str, ...]:
    """The county codes of a city's table in use in ``year``."""
    codes = tuple(code for code, spans in city.id_counties if _valid(spans, year))
    return codes or (city.id_counties[0][0],)  # every city's table covers 1930 onwards


def _city_of(code4: str) -> City:  # pragma: no cover - fallback of _twin_id only
    for city in CITIES:
        if city.code == code4:
            return city
    return CITIES[0]


def _code_full_width(make_model: str) -> str:
    return make_model.translate(_FULL)


def units(
    seed: int,
    people: int,
    organisations: int,
    *,
    as_of: dt.date,
    years: int,
    rates: Rates,
    rows: bool = True,
) -> Iterator[Unit]:
    """The units of the book these parameters describe, in order (without their vehicles,
    policies and rows when ``rows`` is False: the people are the same)."""
    generator = _Generator(seed, people, organisations, as_of=as_of, years=years, rates=rates)
    generator.with_rows = rows
    return generator.units()


#: How call centres write each outcome: a status with its detail, a phrase (see
#: `custmaster.workflows.outcomes`); the plain word first, which half of the rows keep.
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "接通": ("接通", "已接通", "已接通-本人", "接通（本人）", "回访成功", "通话成功，客户满意"),
    "无人接听": ("无人接听", "未接通（无人接听）", "无人接听（3次）", "回访失败-无人接听"),
    "拒访": ("拒访", "客户拒绝回访", "接通后挂断"),
    "错号": ("错号", "接通-非本人", "号码错误（非本人）", "接听人不认识客户"),
    "空号": ("空号", "回访失败-空号", "未接通-空号", "号码是空号"),
    "停机": ("停机", "未接通（停机）", "号码已停机"),
}


def _spelling(outcome: str, ref: str) -> str:
    """How the call-back of reference ``ref`` writes ``outcome``: the word itself for half of
    the rows, else one of its other spellings, chosen by the reference (the book's random
    stream is not drawn from, so the rest of the book does not change with the spellings)."""
    spellings = _SPELLINGS[outcome]
    pick = zlib.crc32(ref.encode()) % (2 * (len(spellings) - 1))
    return spellings[1 + pick] if pick < len(spellings) - 1 else outcome
