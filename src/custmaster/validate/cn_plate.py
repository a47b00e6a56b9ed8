"""Plate (机动车号牌号码, Chinese vehicle registration plate number, GA 36-2018).

A plate number issued by the traffic police (公安交通管理部门) has, in order:

* the province abbreviation (省份简称), one of
  京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼;
* the letter of the issuing office (发牌机关代号), ``A`` usually being the provincial capital;
  ``I`` is never used, ``O`` marks public-security units (secondary sources);
* the serial (序号), digits and letters without ``I`` and ``O`` (read as 1 and 0).

Kinds recognised (``Plate.kind``):

* ``standard``: 5 serial characters, ``闽D·12345``, ``京A·B23C4`` (blue and yellow plates,
  motorcycles);
* ``new_energy_small``: 6 serial characters on the green plate of small new-energy vehicles; the
  first says the energy type, the second is a letter or digit, the last four are digits:
  ``粤B·D12345``. GA 36-2018 gives ``D`` for pure-electric (纯电动) and ``F`` for other
  new-energy vehicles (plug-in hybrid, range extender, fuel cell); as ``D``/``F`` numbers ran
  out, offices went on with ``A B C E`` (pure-electric) and ``G H J K`` (other). The extension is
  accepted as widely implemented, from secondary sources only;
* ``new_energy_large``: 5 digits then ``D`` or ``F`` on the yellow-green plate of large
  new-energy vehicles: ``粤B·12345D``;
* 4 serial characters and a suffix: ``police`` (``京A·0001警``), ``learner`` (教练车,
  ``苏A·1234学``), ``trailer`` (``鲁B·1234挂``), ``test`` (``沪A·1234试``), ``oversize``
  (特型机动车, ``苏A·1234超``; secondary sources), ``consulate`` (``沪A·0012领``) and
  ``hk_macau`` (Hong Kong and Macao vehicles registered in Guangdong, always ``粤Z``:
  ``粤Z·1234港``, ``粤Z·1234澳``);
* ``embassy``: ``使`` and 6 digits, the embassy's 3-digit code and a 3-digit serial:
  ``使014·578``;
* ``emergency``: the 应急救援专用号牌 of the national fire and rescue teams (国办发〔2018〕114号):
  the province, the team letter ``X`` (消防救援) or ``S`` (森林消防), 4 digits and ``应急``:
  ``京·X2345应急``. Any other 应急 plate (``粤A·1234应急``: an office letter where the team
  letter belongs) is refused with ``cn_plate.emergency``;
* ``temporary``: the paper 临时行驶车号牌 of a vehicle not yet registered, an office letter and
  6 digits (GA 36-2018; secondary sources): ``粤B·123456``. The wording spreadsheets write
  with it, before or after (``临时号牌：``, ``临时车牌``, ``临``, ``（临时）``, ``(临牌)``), is
  removed, and so are brackets round the number after it (``临时号牌(粤B654321)``); a 6-digit
  serial is no other kind of plate, so the number alone is read the same.

Not recognised, and refused with ``cn_plate.province`` because the traffic police do not
issue them (a decision: such vehicles are registered and insured outside the civil system):
military plates, the current ones (``VA·12345``, ``KA·12345``) and those before 2005 with a
military-region character (``北K·12345``, ``沈A12345``, ``空A·12345``); armed-police plates of
2007 (``WJ01-12345``, ``WJ31-消0010``) and 2012 (``WJ京12345``, ``WJ琼·1234X``); 民航 plates
of airside vehicles (``民航·A1234``).

GA 36-2018 allows at most two letters in a standard serial; older plates may have more, so more
letters are accepted with the warning ``cn_plate.serial_letters`` (an error with
``strict=True``).

`compact` removes spaces and the separators ``- · • . ・ ‧ ∙``, the ideographic full stop
``。``, the dashes ``‐ ‑ ‒ – — ― −`` and zero-width characters, folds full-width letters and
digits and upper-cases. Quotation marks, a spreadsheet's leading apostrophe and the punctuation
of a list after the plate (``粤B12345；``) are removed; a suffix written in brackets
(``冀A1234(挂)``, ``京A0235（警）``) or ``挂车`` for ``挂`` is read as the suffix. An
embassy plate of the wrong length (``使15601``) is ``cn_plate.embassy``. Entries such as
``新车未上牌`` (insured before registration) are refused with the code
``cn_plate.unregistered`` so callers can treat them apart.

More information:

* GA 36-2018 中华人民共和国机动车号牌
* https://zh.wikipedia.org/wiki/中华人民共和国机动车号牌

>>> validate('闽d 12345')
'闽D12345'
>>> format('粤b-d12345')
'粤B·D12345'
>>> parse('粤B12345F').kind, parse('粤B12345F').energy
('new_energy_large', 'non_pure_electric')
>>> mask('闽D·12388')
'闽D·***88'
>>> validate('闽D1234O')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidFormat: [cn_plate.serial] value=闽*****O: ...
>>> validate('粤B·12345A')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidFormat: [cn_plate.new_energy] value=粤******A: ...
>>> validate('新车未上牌')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [cn_plate.unregistered] value=新***牌: ...
>>> validate('新车(待上牌)')
Traceback (most recent call last):
    ...
custmaster.errors.InvalidComponent: [cn_plate.unregistered] value=新*****): ...
"""

from __future__ import annotations

import re
from typing import Literal

import attrs

from custmaster.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
    ValidationWarning,
)
from custmaster.validate._mask import mask_unknown
from custmaster.validate._text import MAX_INPUT, error, fold_width, label_pattern, without_label

__all__ = [
    "ERROR_CODES",
    "PROVINCES",
    "WARNING_CODES",
    "Plate",
    "PlateKind",
    "compact",
    "format",
    "is_valid",
    "mask",
    "parse",
    "validate",
]

ERROR_CODES: dict[str, str] = {
    "cn_plate.type": "The plate number is not a string.",
    "cn_plate.masked": "The plate number is already masked ('*'); the full value is needed.",
    "cn_plate.unregistered": "The vehicle has no plate yet (e.g. 新车未上牌).",
    "cn_plate.length": "The plate number has the wrong number of characters for its kind.",
    "cn_plate.province": "The plate number does not start with a province abbreviation or 使.",
    "cn_plate.authority": "The second character is not an issuing-office letter (A-Z, not I).",
    "cn_plate.serial": "The serial has characters other than digits and letters without I and O.",
    "cn_plate.new_energy": "An 8-character plate is not a valid new-energy plate number.",
    "cn_plate.hk_macau": "港/澳 plates are issued only as 粤Z.",
    "cn_plate.embassy": "An embassy plate is 使 followed by 6 digits.",
    "cn_plate.emergency": "An 应急 plate is a province, X or S, 4 digits and 应急.",
    "cn_plate.serial_letters": "The serial has more than the two letters GA 36-2018 allows.",
}

_ZH: dict[str, str] = {
    "cn_plate.type": "车牌号不是字符串。",
    "cn_plate.masked": "车牌号已脱敏（含 *），需要完整号码。",
    "cn_plate.unregistered": "车辆尚未上牌（如“新车未上牌”）。",
    "cn_plate.length": "车牌号位数与其号牌种类不符。",
    "cn_plate.province": "车牌号不以省份简称或“使”开头。",
    "cn_plate.authority": "车牌号第二位不是发牌机关代号（A-Z，不含 I）。",
    "cn_plate.serial": "车牌序号只能包含数字和字母（不含 I、O）。",
    "cn_plate.new_energy": "8 位车牌号不是有效的新能源号牌号码。",
    "cn_plate.hk_macau": "港、澳号牌只用于粤Z。",
    "cn_plate.embassy": "使馆号牌为“使”加 6 位数字。",
    "cn_plate.emergency": "应急号牌为省份简称、X 或 S、4 位数字加“应急”。",
    "cn_plate.serial_letters": "序号中的字母多于 GA 36-2018 允许的两位。",
}

#: The codes `parse` reports as warnings (``strict=True`` raises them as errors).
WARNING_CODES: frozenset[str] = frozenset({"cn_plate.serial_letters"})

#: Province abbreviation -> province-level division.
PROVINCES: dict[str, str] = {
    "京": "北京市",
    "津": "天津市",
    "沪": "上海市",
    "渝": "重庆市",
    "冀": "河北省",
    "豫": "河南省",
    "云": "云南省",
    "辽": "辽宁省",
    "黑": "黑龙江省",
    "湘": "湖南省",
    "皖": "安徽省",
    "鲁": "山东省",
    "新": "新疆维吾尔自治区",
    "苏": "江苏省",
    "浙": "浙江省",
    "赣": "江西省",
    "鄂": "湖北省",
    "桂": "广西壮族自治区",
    "甘": "甘肃省",
    "晋": "山西省",
    "蒙": "内蒙古自治区",
    "陕": "陕西省",
    "吉": "吉林省",
    "闽": "福建省",
    "贵": "贵州省",
    "粤": "广东省",
    "青": "青海省",
    "藏": "西藏自治区",
    "川": "四川省",
    "宁": "宁夏回族自治区",
    "琼": "海南省",
}

PlateKind = Literal[
    "standard",
    "new_energy_small",
    "new_energy_large",
    "police",
    "learner",
    "trailer",
    "test",
    "oversize",
    "consulate",
    "hk_macau",
    "embassy",
    "emergency",
    "temporary",
]
Energy = Literal["pure_electric", "non_pure_electric"]

_SUFFIXES: dict[str, PlateKind] = {
    "警": "police",
    "学": "learner",
    "挂": "trailer",
    "试": "test",
    "超": "oversize",
    "领": "consulate",
    "港": "hk_macau",
    "澳": "hk_macau",
}
_UNREGISTERED = frozenset(
    {"新车", "新车未上牌", "未上牌", "新车未上", "未上", "无牌", "无牌照", "暂无", "无", "待定"}
)
#: Words of an entry saying the vehicle has no plate yet, in any arrangement (新车(待上牌),
#: 暂未上牌, 临时牌照): checked only in entries without a digit, which no plate is.
_UNREGISTERED_WORDS = re.compile(
    r"新车|[未待]上[牌户]|[未待](?:挂|领|办)牌|无(?:车|号)?牌|临时?(?:号|车)?牌"
)
_SEPARATORS = re.compile(r"[\s\-·•.・‧∙_。‐‑‒–—―−\u200b-\u200d\u2060\ufeff]+")
#: What a cell adds around the plate: quotation marks, a spreadsheet's leading apostrophe and
#: the punctuation of a list or sentence after it (``粤B12345；``).
_WRAPPING = re.compile(r"^['\"“”‘’]+|[\"“”‘’,;，；、。]+$")
#: A suffix written in brackets (``冀A1234(挂)``) or as a word (``冀A1234挂车``).
_BRACKETED_SUFFIX = re.compile(r"[(\[【]([警学挂试超领港澳])[)\]】]$|(挂)车$")
#: A plate colour written before or after the number, bracketed or not (蓝, 黄牌, (渐变绿)),
#: or the word for the green plates' kind (新能源).
_COLOUR_NOTE = re.compile(
    r"[(（\[【]?(?:渐变绿|黄绿|新能源|蓝|黄|白|绿|黑)(?:色|牌|色牌)?[)）\]】]?(?=$)"
    r"|^[(（\[【]?(?:渐变绿|黄绿|新能源|蓝|黄|白|绿|黑)(?:色|牌|色牌)?[)）\]】]?(?=[\u4e00-\u9fff])"
)
#: A compact entry longer than this may carry a colour note (the shortest plate has 7).
_NOTED_MIN = 7
_SERIAL = re.compile(r"[A-HJ-NP-Z0-9]+")
_AUTHORITY = re.compile(r"[A-HJ-Z]")
_EMBASSY = re.compile(r"使[0-9]{6}")
_SMALL_NEV = re.compile(r"[ABCDEFGHJK][A-HJ-NP-Z0-9][0-9]{4}")
_LARGE_NEV = re.compile(r"[0-9]{5}[DF]")
_TEMPORARY = re.compile(r"[0-9]{6}")
#: The suffix of 应急 plates and the plate after the province: team letter and 4 digits.
_EMERGENCY = "应急"
_EMERGENCY_BODY = re.compile(r"[XS][0-9]{4}")
#: The wording of a temporary plate before or after its number (临时号牌：, 临, （临时）, (临牌)),
#: removed from entries with a digit (without one, the entry says there is no plate yet).
_TEMPORARY_WORDS = re.compile(
    r"^[(\[【]?临(?:时)?(?:行驶车)?(?:号牌|车牌|牌照|牌)?(?:号码|号)?[)\]】]?:?"
    r"|[(\[【]?临(?:时)?(?:号牌|车牌|牌照|牌)?[)\]】]?$"
)
#: The number in brackets after the wording was removed: ``临时号牌(粤B654321)``.
_IN_BRACKETS = re.compile(r"[(\[【](.+)[)\]】]")
_PURE_ELECTRIC = frozenset("ABCDE")


#: A label before the plate in a cell: 车牌号：, 号牌号码 … (`without_label`).
_LABEL = label_pattern("车牌号码|车牌号|车牌|号牌号码|号牌号|号牌|牌照号码|牌照号|牌照")


def _error(cls: type[ValidationError], value: object, code: str) -> ValidationError:
    return error(cls, value, code=code, codes=ERROR_CODES, zh=_ZH[code])


def _warning(code: str) -> ValidationWarning:
    return ValidationWarning(code=code, message_en=ERROR_CODES[code], message_zh=_ZH[code])


def _mask_repr(value: str) -> str:
    return repr(_mask_compact(value))


@attrs.frozen
class Plate:
    """The parts of a plate number; ``repr`` shows the plate masked and leaves out the serial."""

    #: The plate number in compact form (no separator).
    plate: str = attrs.field(repr=_mask_repr)
    #: The kind of plate (see the module notes).
    kind: PlateKind
    #: Province abbreviation (``'闽'``); ``'使'`` for embassy plates.
    province: str
    #: The province-level division (``'福建省'``); ``None`` for embassy plates.
    province_name: str | None
    #: Issuing-office letter; for embassy plates the embassy's 3-digit code, for 应急 plates
    #: the team letter (``X`` 消防救援, ``S`` 森林消防).
    authority: str
    #: The serial without the suffix character.
    serial: str = attrs.field(repr=False)
    #: For new-energy plates, ``'pure_electric'`` (纯电动) or ``'non_pure_electric'``.
    energy: Energy | None = None
    #: Doubts about a plate number that is still accepted.
    warnings: tuple[ValidationWarning, ...] = ()

    def format(self) -> str:
        """The plate number as printed, ``闽D·12345``."""
        return _format_compact(self.plate)

    def mask(self) -> str:
        """The display form, ``闽D·***45``."""
        return _mask_compact(self.plate)


def compact(value: str) -> str:
    """Remove separators and a note of the plate's colour, fold full-width forms and
    upper-case; no validation.

    Some systems write the plate's colour with it (``闽D12345(蓝)``, ``闽D12345 黄牌``,
    ``粤B·D12345（新能源）``); the colour is no part of the number (GA 36 gives it by the plate's
    kind). A label before it (``车牌号：``, ``号牌号码``) is removed too.

    >>> compact(' 京a·ｆ0236 ')
    '京AF0236'
    >>> compact('闽D12345（蓝牌）'), compact('黄 闽D·12345')
    ('闽D12345', '闽D12345')
    """
    if not isinstance(value, str):
        raise _error(InvalidFormat, value, code="cn_plate.type")
    if len(value) > MAX_INPUT:
        raise _error(InvalidLength, value, code="cn_plate.length")
    plate = _SEPARATORS.sub("", without_label(fold_width(value), _LABEL)).upper()
    plate = _WRAPPING.sub("", plate)
    if len(plate) > _NOTED_MIN:
        plate = _COLOUR_NOTE.sub("", plate)
        if "临" in plate and any(c.isdigit() for c in plate):
            plate = _TEMPORARY_WORDS.sub("", plate)
            if (inner := _IN_BRACKETS.fullmatch(plate)) is not None:
                plate = inner.group(1)
        plate = _BRACKETED_SUFFIX.sub(lambda m: m.group(1) or m.group(2), plate)
    return plate


def _split(plate: str) -> tuple[str, str, str]:
    """(head, serial, suffix) of a valid compact plate: head is 闽D or 使014."""
    if plate[0] == "使":
        return plate[:4], plate[4:], ""
    if plate.endswith(_EMERGENCY):
        return plate[:1], plate[1:-2], _EMERGENCY
    if plate[-1] in _SUFFIXES:
        return plate[:2], plate[2:-1], plate[-1]
    return plate[:2], plate[2:], ""


def _format_compact(plate: str) -> str:
    head, serial, suffix = _split(plate)
    return f"{head}·{serial}{suffix}"


def _mask_compact(plate: str) -> str:
    head, serial, suffix = _split(plate)
    return f"{head}·{'*' * (len(serial) - 2)}{serial[-2:]}{suffix}"


def _check(value: object) -> tuple[str, PlateKind, Energy | None, tuple[ValidationWarning, ...]]:
    plate = compact(value)  # type: ignore[arg-type]
    if "*" in plate:
        raise _error(InvalidFormat, plate, code="cn_plate.masked")
    if plate in _UNREGISTERED or (
        _UNREGISTERED_WORDS.search(plate) and not any(c.isdigit() for c in plate)
    ):
        raise _error(InvalidComponent, plate, code="cn_plate.unregistered")
    if plate[:1] == "使":
        if not _EMBASSY.fullmatch(plate):
            raise _error(InvalidFormat, plate, code="cn_plate.embassy")
        return plate, "embassy", None, ()
    if len(plate) < 7:
        raise _error(InvalidLength, plate, code="cn_plate.length")
    if plate[0] not in PROVINCES:
        raise _error(InvalidComponent, plate, code="cn_plate.province")
    if plate.endswith(_EMERGENCY):
        if not _EMERGENCY_BODY.fullmatch(plate[1:-2]):
            raise _error(InvalidFormat, plate, code="cn_plate.emergency")
        return plate, "emergency", None, ()
    if not _AUTHORITY.fullmatch(plate[1]):
        raise _error(InvalidComponent, plate, code="cn_plate.authority")
    rest = plate[2:]
    suffix_kind = _SUFFIXES.get(rest[-1])
    if suffix_kind is not None:
        serial = rest[:-1]
        if len(serial) != 4:
            raise _error(InvalidLength, plate, code="cn_plate.length")
        if not _SERIAL.fullmatch(serial):
            raise _error(InvalidFormat, plate, code="cn_plate.serial")
        if suffix_kind == "hk_macau" and plate[:2] != "粤Z":
            raise _error(InvalidComponent, plate, code="cn_plate.hk_macau")
        return plate, suffix_kind, None, ()
    if len(rest) == 5:
        if not _SERIAL.fullmatch(rest):
            raise _error(InvalidFormat, plate, code="cn_plate.serial")
        letters = sum(c.isalpha() for c in rest)
        warnings = (_warning("cn_plate.serial_letters"),) if letters > 2 else ()
        return plate, "standard", None, warnings
    if len(rest) == 6:
        if _SMALL_NEV.fullmatch(rest):
            energy: Energy = "pure_electric" if rest[0] in _PURE_ELECTRIC else "non_pure_electric"
            return plate, "new_energy_small", energy, ()
        if _LARGE_NEV.fullmatch(rest):
            energy = "pure_electric" if rest[-1] == "D" else "non_pure_electric"
            return plate, "new_energy_large", energy, ()
        if _TEMPORARY.fullmatch(rest):
            return plate, "temporary", None, ()
        if not _SERIAL.fullmatch(rest):
            raise _error(InvalidFormat, plate, code="cn_plate.serial")
        raise _error(InvalidFormat, plate, code="cn_plate.new_energy")
    raise _error(InvalidLength, plate, code="cn_plate.length")


def _checked(
    value: object, strict: bool
) -> tuple[str, PlateKind, Energy | None, tuple[ValidationWarning, ...]]:
    result = _check(value)
    if strict and result[3]:
        raise _error(InvalidComponent, result[0], code=result[3][0].code)
    return result


def validate(value: str, *, strict: bool = False) -> str:
    """Return the compact plate number or raise a `custmaster.ValidationError`.

    ``strict=True`` raises the warnings of `parse` as `InvalidComponent` errors.

    >>> validate('京A·ABC12')
    '京AABC12'
    >>> validate('京A·ABC12', strict=True)
    Traceback (most recent call last):
        ...
    custmaster.errors.InvalidComponent: [cn_plate.serial_letters] value=京*****2: ...
    """
    return _checked(value, strict)[0]


def is_valid(value: object, *, strict: bool = False) -> bool:
    """Whether ``value`` is a valid plate number; never raises.

    >>> is_valid('粤Z·1234港'), is_valid('粤A·1234港'), is_valid(None)
    (True, False, False)
    """
    try:
        _checked(value, strict)
    except ValidationError:
        return False
    return True


def format(value: str, *, strict: bool = False) -> str:
    """Return the plate number as printed, a middle dot after the issuing office.

    >>> format('京A0001警'), format('使014578')
    ('京A·0001警', '使014·578')
    """
    return _format_compact(_checked(value, strict)[0])


def mask(value: str) -> str:
    """Display form of PRIVACY.md: province, office letter and the last 2 serial characters.

    The suffix of special plates is kept (``京A·**01警``). An invalid plate number is masked as
    an unknown value. Never raises.

    >>> mask('粤B D12345'), mask('京A0001警')
    ('粤B·****45', '京A·**01警')
    >>> mask(None)
    '<NoneType>'
    """
    try:
        return _mask_compact(_check(value)[0])
    except ValidationError:
        try:
            return mask_unknown(compact(value))
        except ValidationError:
            return mask_unknown(value)


def parse(value: str, *, strict: bool = False) -> Plate:
    """Validate the plate number and return its parts (see `Plate`).

    >>> p = parse('粤B·D12345')
    >>> p.kind, p.province_name, p.authority, p.energy
    ('new_energy_small', '广东省', 'B', 'pure_electric')
    >>> p
    Plate(plate='粤B·****45', kind='new_energy_small', province='粤', province_name='广东省',
          authority='B', energy='pure_electric', warnings=())
    """
    plate, kind, energy, warnings = _checked(value, strict)
    head, serial, _ = _split(plate)
    if kind == "embassy":
        return Plate(plate, kind, "使", None, head[1:], serial, None, warnings)
    if kind == "emergency":  # the team letter (X, S) stands where the office letter is
        return Plate(plate, kind, head, PROVINCES[head], serial[0], serial[1:], None, warnings)
    return Plate(plate, kind, head[0], PROVINCES[head[0]], head[1], serial, energy, warnings)
