"""Vehicle series (车系) classification of 厂牌型号 (make/model) strings.

Insurers' core systems hold the make/model of a vehicle as free text copied from the driving
licence or typed by an agent: ``本田牌HG7203A``, ``别克牌SGM7153BB普通轿车``, ``雅阁HG7240ABCVT``,
``思迪HG71 35DM``, ``ＨＧ７１５１Ａ``. `classify` reads such a string, and optionally the VIN,
and returns a `VehicleClass`: the producer (厂商, ``广汽本田``), the series (车系, ``雅阁``) when
its name or an alias is in the text, the brand, the model code (车辆型号) in upper-case ASCII,
a confidence between 0 and 1, the rule that decided and, when nothing decides, a reason code.

The catalogue (`VehicleCatalog`) lists 2,528 series of 306 producers (autohome's 2019 series
list, the 2024 best-sellers, a curated supplement of 2020-2026 series and curated commercial
vehicles and motorcycles), with aliases, brand words, model-code prefixes (enterprise code +
class digit, GB 9417: ``HG7`` is a 广汽本田 car, ``CA4`` a 一汽解放 tractor; a motorcycle
enterprise code and ``-``: ``HJ-`` is 豪爵) and VIN WMI codes.
Users extend or override it with their own CSV file of the same columns.

How a string is read (the lookup structures are built once per catalogue):

1. NFKC (full-width ``ＨＧ７２４０`` becomes ``HG7240``), upper case, white space folded;
   placeholders (``不详``, ``无``, ``N/A``, only punctuation) stop here.
2. The model code: a catalogue enterprise code followed by 4-6 digits and the maker's suffix, a
   stray space allowed (``HG71 35DM``, ``BYD7150 ST5HEV4``) unless the piece after it begins a
   word (``TSL6480BEVBR0 MODEL Y``, or three characters, or a letter and a digit, naming a
   series of the code's producer: ``CSA7150ACS MG5``, ``CA7180AT6 H5``); it may be glued to a
   series name (``AccordHG7201MT``). Its longest catalogue prefix gives the producers (``CAM7``
   before ``CA7``). A motorcycle code is its enterprise code, a displacement of 2-3 digits, type
   letters, ``-`` and a sequence (``HJ125-7``, ``WH110T-2``). Other codes (2-4 letters, 4-6
   digits) are reported but name no producer. A model year or a decimal number is not part of a
   code (``Golf 2019款``, ``BJ 212 1.5T``), nor is a year after a space or glued to a word
   (``Golf 2019``, ``GOLF2019``: not ``LF2019``). A string without a model code may hold a VIN
   (17 VIN characters, the last four digits), whose WMI, when it is a catalogue one, is read as
   if the VIN had been given, an import's model code (the start of its VIN: 7-10 characters
   opening with a catalogue WMI assigned outside China, ``奔驰牌WDDWF4HB``), read as its WMI, or
   a code cut short at its end after 牌 (``本田牌HG71``), read by its catalogue prefix unless it
   is a catalogue word (``北京牌BJ40``).
3. Words, leftmost and longest first, outside the model code: series names and aliases (also
   after any spelling of their brand, ``丰田RAV4``, ``TOYOTA CAMRY``, ``Mazda 6``; also without
   ``新能源``, ``宋PLUS``, or without their brand when three characters or more remain that
   open with two CJK characters, ``启源A07``), producer names (``广汽本田``, ``一汽大众``,
   ``北京・现代``: a separator between CJK characters joins them; former names such as
   ``广州本田``), brand words (``本田``,
   ``大众汽车``, ``吉利``, ``传祺``, ``BMW``, ``ZEEKR``), the markers
   进口 and 国产, and descriptors (``普通轿车``, ``手自一体``, ``全新``), which are skipped. Latin
   words only count on token boundaries, so ``DS`` or ``CC`` never match inside ``DSXX`` or a
   model code, and a model year separates words (``RAV42023款``); a word followed by 牌 is a
   brand, not a series (``捷达牌``), and a number's integer part ends no word (``旗云 1.5T``);
   a series ending in two Latin letters may be followed by a three-digit trim number
   (``雷克萨斯ES300h``).
4. Each source names a set of producers; they are intersected in the order model code, WMI,
   producer name, series, brand. A source that contradicts the others is skipped and listed in
   ``conflicts`` (and lowers the confidence). Short aliases (three ASCII characters or fewer,
   ``Q5``, ``X1``, ``GL8``) only narrow a choice made by another source. The text comes first
   when it names only producers without enterprise codes of their own and the code's producer
   is outside their brand: the code was issued to a contract maker (``蔚来牌HFC…``). A brand
   word or producer name naming another producer of the code's enterprise code (the letters:
   ``BJ`` is 福田汽车's ``BJ1`` and 北京汽车's ``BJ2``/``BJ7``) decides without conflict
   (``北京汽车牌BJ1020``), unless the code's producer builds that brand (``东风牌DFL7…`` is
   东风日产's).
5. Several producers left are narrowed, in turn, by the word 进口/国产 or the VIN's region, the
   short aliases, the best-ranked spelling of a series (a name before an alias), the brand's
   namesake producer (``奇瑞牌`` -> 奇瑞汽车 rather than 奇瑞新能源; among importers, ``奔驰 进口``
   -> 奔驰(进口)), the powertrain (a code and
   text without a new-energy sign are not those of a producer of new-energy vehicles only:
   ``捷途牌SQR6460J2`` -> 奇瑞汽车, method ``powertrain``) and, when a series name
   exists under one domestic producer and importers (``Model Y``: 特斯拉中国, 特斯拉(进口)), the
   domestic producer at confidence 0.6 (method ``domestic_preference``). Importers are the
   producers named ``…(进口)`` and the brands' divisions whose vehicles are all imported
   (梅赛德斯-AMG, 梅赛德斯-迈巴赫, 宝马M, Audi Sport). Otherwise the string stays unclassified
   with the candidates listed.
6. A series is reported only when its name or alias is in the text and belongs to the chosen
   producer; several series tying (``City``: 锋范, 锋范经典, 思迪) give none. A new-energy sign
   in the text (``DM``, ``PHEV``, ``EV``, ``插电``, ``纯电``, a plug-in trim such as ``45e``,
   ``530Le``, ``P400e``, ``TFSI e``, ``E-Hybrid`` …) gives the producer's 新能源 series of that
   name (``宋 DM``: 宋新能源; ``宝马X5 xDrive45e``: 宝马X5新能源).

Confidence scale:

| confidence | when |
| --- | --- |
| 1.0 | the model code or WMI names one producer, and the text or the other code agrees |
| 0.95 | the code or WMI alone, or a shared code narrowed by the text (``北京汽车牌BJ1020``) |
| 0.9 | text only: a producer name or a series name |
| 0.85 | text only: a series alias (``Accord``), a brand with one producer, a brand's namesake |
| 0.85 | ``powertrain`` (a shared prefix narrowed by the text and the powertrain) |
| 0.6 | ``domestic_preference`` |
| −0.2 | when some source contradicted the decision (``conflicts`` is not empty) |
| 0.0 | unclassified (``reason`` says why) |

More information:

* GB 9417 汽车产品型号编制规则 (model code: enterprise code, class digit, main parameter, sequence)
* GB 16735 道路车辆 车辆识别代号 (VIN; positions 1-3 are the WMI), `custmaster.validate.vin`
* https://www.autohome.com.cn/car/ (汽车之家 车型库: brands, producers, series)

>>> r = classify('本田牌HG7203A轿车')
>>> r.manufacturer, r.brand, r.series, r.model_code, r.method, r.confidence
('广汽本田', '本田', None, 'HG7203A', 'model_code_prefix', 1.0)
>>> r = classify('雅阁ＨG7241MT')
>>> r.manufacturer, r.series, r.evidence
('广汽本田', '雅阁', ('model_code_prefix', 'series_alias'))
>>> classify('长安牌SC7164').manufacturer
'长安汽车'
>>> r = classify('SC7164AC')
>>> r.manufacturer, r.reason, r.candidates
(None, 'ambiguous_prefix', ('长安汽车', '长安铃木'))
>>> classify('Model Y').manufacturer, classify('Model Y').method
('特斯拉中国', 'domestic_preference')
>>> classify('奔驰E260').reason
'ambiguous_brand'
>>> classify('不详').reason
'placeholder'
>>> classify('飞度', vin='LHGGK5848H8000001').confidence
1.0
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from os import PathLike
from typing import Any, Final, TypeVar, cast

import attrs

from custmaster.catalog._index import (
    EXPORT_PLUG_IN,
    EXPORT_PLUG_IN_BRANDS,
    MISSPELLINGS,
    NEW_ENERGY_SIGN,
    NEW_ENERGY_WORDS,
    P_NAME,
    Index,
    Word,
    is_imported,
)
from custmaster.catalog._text import (
    ASCII_ALNUM,
    DOTS,
    GLUED_TAILS,
    compact_gaps,
    drop_model_years,
    is_year_code,
    join_cjk,
    key_of,
    placeholder_reason,
)
from custmaster.errors import InvalidFormat, ValidationError
from custmaster.validate import vin as _vin

__all__ = [
    "COLUMNS",
    "ERROR_CODES",
    "METHODS",
    "REASONS",
    "Classifier",
    "SeriesEntry",
    "VehicleCatalog",
    "VehicleClass",
    "classify",
    "default_classifier",
]

#: Columns of a catalogue CSV file; ``manufacturer_cn`` and ``series_cn`` are required.
COLUMNS: Final = (
    "brand_cn",
    "manufacturer_cn",
    "series_cn",
    "series_aliases",
    "model_code_prefixes",
    "wmi",
    "source",
)

ERROR_CODES: dict[str, str] = {
    "vehicle_series.columns": "A catalogue CSV file lacks the manufacturer_cn or series_cn column.",
    "vehicle_series.manufacturer": "A catalogue row has an empty manufacturer_cn.",
    "vehicle_series.prefix": "A model-code prefix is not 1-4 letters followed by up to 2 digits "
    "or, for a motorcycle enterprise code, by '-'.",
    "vehicle_series.wmi": "A WMI is not 3 ASCII letters or digits.",
}

_ZH: dict[str, str] = {
    "vehicle_series.columns": "车系目录 CSV 文件缺少 manufacturer_cn 或 series_cn 列。",
    "vehicle_series.manufacturer": "车系目录中有一行的 manufacturer_cn 为空。",
    "vehicle_series.prefix": "车辆型号前缀应为 1-4 个字母加至多 2 位数字"
    "，摩托车企业代号为字母加“-”。",
    "vehicle_series.wmi": "WMI 应为 3 位字母或数字。",
}

#: Why a string was left unclassified (``VehicleClass.reason``).
REASONS: dict[str, str] = {
    "empty": "No make/model text: None, empty or white space only.",
    "not_text": "The value is not a string.",
    "placeholder": "A placeholder such as 不详, 无, 暂无, N/A, or only punctuation.",
    "no_match": "No series, brand, producer name, known model code or known WMI was found.",
    "unknown_model_code": "A model code was found, but its prefix is not in the catalogue and "
    "nothing else names the producer.",
    "weak_alias": "Only a short alias (three ASCII characters or fewer: Q5, X1, GT) was found; "
    "it cannot decide alone.",
    "ambiguous_prefix": "The model-code prefix is shared by several producers (SC7, BJ7, DC7, "
    "CA7, SQR7) and nothing in the text picks one.",
    "ambiguous_wmi": "The WMI is shared by several producers (LDC, LFP, LWV) and nothing picks "
    "one.",
    "ambiguous_manufacturer": "A producer name that covers several producers (神龙汽车) and "
    "nothing picks one.",
    "ambiguous_series": "The series name exists under several producers and nothing picks one.",
    "ambiguous_brand": "The brand has several producers (本田: 广汽本田, 东风本田, 本田(进口)) and "
    "nothing picks one.",
}

#: The rules that can decide the producer (``VehicleClass.method``) or support it (``evidence``).
METHODS: dict[str, str] = {
    "model_code_prefix": "The longest catalogue prefix of the model code (HG7 -> 广汽本田).",
    "wmi": "The VIN's World Manufacturer Identifier (LHG -> 广汽本田).",
    "wmi_region": "To choose between a domestic producer and an importer: whether the VIN's WMI "
    "was assigned in China (starts with L).",
    "manufacturer_name": "A producer name in the text (广汽本田, 一汽大众, 广州本田).",
    "series_alias": "A series name or alias in the text (雅阁, Accord, yage).",
    "brand": "A brand word in the text (本田牌, 大众汽车牌, 吉利牌).",
    "brand_namesake": "A brand word leaving several producers, one of which bears the brand's "
    "name (奇瑞牌 -> 奇瑞汽车 rather than 奇瑞新能源; among importers only, 奔驰 进口 -> "
    "奔驰(进口) rather than 梅赛德斯-AMG).",
    "import_marker": "The word 进口 or 国产 in the text.",
    "powertrain": "A shared model-code prefix and a brand, producer or series word leaving a "
    "producer of new-energy vehicles only (奇瑞新能源) and another: a code and text without a "
    "new-energy sign (EV, DM, 纯电动, 新能源 …) are the other's (捷途牌SQR6460J2 -> 奇瑞汽车).",
    "domestic_preference": "A series name under a domestic producer and an importer, nothing "
    "else deciding: the domestic producer is assumed.",
    "domestic_code": "To choose between a domestic producer and an importer: a GB 9417 model "
    "code whose enterprise code the catalogue lacks (路虎牌SQJ6451K1), or of another producer "
    "than the brand's (林肯牌CAF6450A6, built under licence), was announced in China, so the "
    "vehicle is domestic.",
}

_PREFIX = re.compile(r"[A-Z]{1,4}(?:[0-9]{0,2}|-)")
# A VIN standing alone in the text (17 characters without I, O, Q, a letter among them, the
# last four digits as ISO 3779 has them): some systems write it into the make/model field
# (``LSVNV2187J2123456``, ``车架号LVS…``). Only a catalogue WMI makes it one (`_classify`).
_VIN_IN_TEXT = re.compile(r"(?<![A-Z0-9])(?=[0-9]*[A-Z])[A-HJ-NPR-Z0-9]{13}[0-9]{4}(?![A-Z0-9])")
# A model code cut short at the end of the text after 牌 (a column cut to its width): letters
# and one to three digits (``本田牌HG71``), read by its catalogue prefix when it is no word.
_CUT_CODE = re.compile(r"牌 ?([A-Z]{2,4}[0-9]{1,3})$")
_WMI = re.compile(r"[A-Z0-9]{3}")
# A Latin or numbered model in brackets (full-width ones are ASCII after NFKC): 腾势(D9).
_LATIN_IN_BRACKETS = re.compile(r"[(\[]([A-Z0-9][A-Z0-9 .+-]*)[)\]]")
_HARD = ("model_code_prefix", "wmi")
_AMBIGUOUS = {
    "model_code_prefix": "ambiguous_prefix",
    "wmi": "ambiguous_wmi",
    "manufacturer_name": "ambiguous_manufacturer",
    "series_alias": "ambiguous_series",
    "brand": "ambiguous_brand",
}
_TEXT = frozenset({"manufacturer_name", "series_alias", "brand"})
# Brand words that are a group's name and cover several of its producers' brands (一汽X80).
_GROUP_WORDS = frozenset({"一汽", "上汽", "东风", "广汽", "北汽", "长安"})
_NAMES = frozenset({"manufacturer_name", "brand"})
_REGION = frozenset({"import", "domestic"})
_MISSPELT = re.compile("|".join(sorted(MISSPELLINGS, key=len, reverse=True)))
_nfkc = unicodedata.normalize
_T = TypeVar("_T")
_Source = tuple[str, frozenset[str], frozenset[str]]


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


@attrs.frozen
class SeriesEntry:
    """One catalogue row: a series of one producer, with its aliases and the producer's codes."""

    #: Brand as autohome lists it (``本田``); may be empty in user rows.
    brand: str
    #: Producer (厂商): ``广汽本田``, ``本田(进口)``.
    manufacturer: str
    #: Series (车系) name; empty for a row that only adds producer facts (prefixes, WMI).
    series: str
    #: Other spellings of the series.
    aliases: tuple[str, ...] = ()
    #: Model-code prefixes of the producer (``HG7``, ``HG6``), upper-case ASCII.
    model_code_prefixes: tuple[str, ...] = ()
    #: VIN WMI codes of the producer (``LHG``).
    wmi: tuple[str, ...] = ()
    #: Where the facts come from.
    source: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """``(manufacturer, series)``: a user row with the same key replaces this one."""
        return (self.manufacturer, self.series)


def _error(code: str, where: str) -> InvalidFormat:
    return InvalidFormat(f"{where}: {ERROR_CODES[code]}", code=code, message_zh=_ZH[code])


def _entry(row: Mapping[str, str | None], where: str) -> SeriesEntry:
    def cell(column: str) -> str:
        return (row.get(column) or "").strip()

    manufacturer = cell("manufacturer_cn")
    if not manufacturer:
        raise _error("vehicle_series.manufacturer", where)
    prefixes = tuple(key_of(p) for p in _split(cell("model_code_prefixes")))
    if not all(_PREFIX.fullmatch(p) for p in prefixes):
        raise _error("vehicle_series.prefix", where)
    wmi = tuple(key_of(w) for w in _split(cell("wmi")))
    if not all(_WMI.fullmatch(w) for w in wmi):
        raise _error("vehicle_series.wmi", where)
    return SeriesEntry(
        brand=cell("brand_cn"),
        manufacturer=manufacturer,
        series=cell("series_cn"),
        aliases=_split(cell("series_aliases")),
        model_code_prefixes=prefixes,
        wmi=wmi,
        source=cell("source"),
    )


def _read_csv(handle: Iterable[str], origin: str) -> list[SeriesEntry]:
    reader = csv.DictReader(handle)
    header = set(reader.fieldnames or ())
    if not {"manufacturer_cn", "series_cn"} <= header:
        raise _error("vehicle_series.columns", origin)
    return [_entry(row, f"{origin} line {reader.line_num}") for row in reader]


class VehicleCatalog:
    """The series catalogue: an ordered collection of `SeriesEntry`, one per (producer, series).

    Build it with `load` (the shipped catalogue, optionally extended by your CSV files) or from
    entries or rows. When two entries have the same ``(manufacturer, series)`` the later one
    replaces the earlier one in place; entries without series (producer facts: a brand word,
    prefixes, WMI) replace each other only when their brand is also the same.

    >>> catalog = VehicleCatalog.load()
    >>> len(catalog) > 2000, '广汽本田' in catalog.manufacturers()
    (True, True)
    >>> extra = VehicleCatalog.from_rows([
    ...     {'brand_cn': '江铃', 'manufacturer_cn': '江铃汽车', 'series_cn': '域虎',
    ...      'model_code_prefixes': 'JX1'}])
    >>> merged = catalog.merged(extra)
    >>> len(merged) == len(catalog) + 1
    True
    """

    __slots__ = ("_entries",)

    def __init__(self, entries: Iterable[SeriesEntry] = ()) -> None:
        by_key: dict[tuple[str, ...], SeriesEntry] = {}
        for entry in entries:
            # Rows without series give producer facts: one per producer and brand (中国重汽:
            # 豪沃, 斯太尔, 黄河 …).
            by_key[entry.key if entry.series else (*entry.key, entry.brand)] = entry
        self._entries = tuple(by_key.values())

    @classmethod
    def load(
        cls,
        path: str | PathLike[str] | None = None,
        extra: Sequence[str | PathLike[str]] = (),
    ) -> VehicleCatalog:
        """Read the catalogue: ``path`` (default: the one shipped with custmaster), then each
        ``extra`` file in turn, whose rows replace rows with the same producer and series and
        add the others.

        Files are UTF-8 CSV (a BOM is accepted) with the columns of `COLUMNS`; cells holding
        several values separate them with ``|``. Raises `custmaster.errors.InvalidFormat` with
        a ``vehicle_series.*`` code for a bad file and `OSError` when a file cannot be read.
        """
        if isinstance(path, str) and not path:
            path = None
        if path is None:
            entries = _read_csv(io.StringIO(_shipped_text()), "vehicle_series.csv")
        else:
            entries = _read_path(path)
        for more in extra:
            entries.extend(_read_path(more))
        return cls(entries)

    @classmethod
    def from_rows(
        cls, rows: Iterable[Mapping[str, str | None]], *, origin: str = "rows"
    ) -> VehicleCatalog:
        """Build a catalogue from mappings with the keys of `COLUMNS` (missing keys are empty)."""
        return cls(_entry(row, f"{origin} row {n}") for n, row in enumerate(rows, start=1))

    def merged(self, *others: VehicleCatalog) -> VehicleCatalog:
        """A new catalogue: this one, then each of ``others`` replacing and adding entries."""
        return VehicleCatalog([*self._entries, *(e for other in others for e in other)])

    @property
    def entries(self) -> tuple[SeriesEntry, ...]:
        """All entries in file order."""
        return self._entries

    def manufacturers(self) -> tuple[str, ...]:
        """Every producer of the catalogue, sorted."""
        return tuple(sorted({e.manufacturer for e in self._entries}))

    def series_of(self, manufacturer: str) -> tuple[str, ...]:
        """The series of one producer, in catalogue order.

        >>> VehicleCatalog.load().series_of('广汽本田')[1:4]
        ('皓影', '飞度', '锋范')
        """
        return tuple(e.series for e in self._entries if e.manufacturer == manufacturer and e.series)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[SeriesEntry]:
        return iter(self._entries)

    def __repr__(self) -> str:
        producers = len({e.manufacturer for e in self._entries})
        return f"VehicleCatalog({len(self._entries)} series, {producers} manufacturers)"


def _shipped_text() -> str:
    resource = importlib.resources.files("custmaster.catalog").joinpath("data/vehicle_series.csv")
    return resource.read_text(encoding="utf-8-sig")


def _read_path(path: str | PathLike[str]) -> list[SeriesEntry]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return _read_csv(handle, str(path))


@attrs.frozen
class VehicleClass:
    """The classification of one make/model string.

    ``manufacturer`` is ``None`` when the string does not decide the producer; ``reason`` (a key
    of `REASONS`) then says why and ``candidates`` lists the producers still possible.
    ``series`` is set only when a series name or alias of the chosen producer is in the text.
    """

    #: Producer (厂商) as the catalogue names it, or ``None``.
    manufacturer: str | None
    #: Series (车系) of that producer, or ``None``.
    series: str | None
    #: Brand, when the series, a brand word or the producer's only brand gives it.
    brand: str | None
    #: The model code (车辆型号) found in the text, upper-case ASCII without spaces.
    model_code: str | None
    #: 0.0 (unclassified) to 1.0, on the scale of the module documentation.
    confidence: float
    #: The rule (a key of `METHODS`) that decided the producer, or ``None``.
    method: str | None
    #: Every rule that found the decided producer (or the candidates) possible, in order.
    evidence: tuple[str, ...] = ()
    #: Rules whose finding contradicted the decision and were overruled.
    conflicts: tuple[str, ...] = ()
    #: Why the producer is unknown (a key of `REASONS`); ``None`` when classified.
    reason: str | None = None
    #: Producers still possible when ambiguous.
    candidates: tuple[str, ...] = ()

    @property
    def classified(self) -> bool:
        """Whether the producer was decided."""
        return self.manufacturer is not None


def _unclassified(
    reason: str,
    *,
    brand: str | None = None,
    evidence: tuple[str, ...] = (),
    candidates: Iterable[str] = (),
) -> VehicleClass:
    return VehicleClass(
        manufacturer=None,
        series=None,
        brand=brand,
        model_code=None,
        confidence=0.0,
        method=None,
        evidence=evidence,
        reason=reason,
        candidates=tuple(sorted(candidates)),
    )


def _wmi_of(vin: object) -> str | None:
    """The WMI of a 17-character VIN (compacted as `custmaster.validate.vin` does), or ``None``."""
    if type(vin) is str and len(vin) == 17 and vin.isascii() and vin.isalnum():
        # already compact but for case (a stored VIN): what compacting would give
        return vin[:3].upper()
    try:
        compact = _vin.compact(vin)  # type: ignore[arg-type]
    except ValidationError:
        return None
    if len(compact) != 17 or not (compact.isascii() and compact.isalnum()):
        return None
    return compact[:3]


def _chunks(values: Iterable[_T], size: int = 1 << 14) -> Iterator[list[_T]]:
    """``values`` as lists of ``size`` (the last one shorter)."""
    if isinstance(values, list):
        for start in range(0, len(values), size):
            yield values[start : start + size]
        return
    iterator = iter(values)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


class _Reading:
    """The evidence found in one string (one way of cutting out the model code)."""

    __slots__ = (
        "brands",
        "coded",
        "conventional",
        "enterprise",
        "marker",
        "series_hits",
        "sources",
        "weak",
    )

    def __init__(self, coded: bool) -> None:
        #: Whether a model code was cut out of the text.
        self.coded = coded
        #: Sources, strongest first: (rule, producers allowed, producers preferred).
        self.sources: list[_Source] = []
        self.series_hits: list[tuple[int, Word]] = []
        self.weak: frozenset[str] = frozenset()
        self.brands: list[str] = []
        self.marker = ""
        #: The producers of a shared prefix other than those building new-energy vehicles
        #: only, when neither the code nor the text shows a new-energy sign; else empty.
        self.conventional: frozenset[str] = frozenset()
        #: The producers of the model code's enterprise code (every class digit) when it has
        #: others than the code's prefix, else empty.
        self.enterprise: frozenset[str] = frozenset()

    @property
    def agrees(self) -> bool:
        """Whether the model-code prefix is confirmed by a producer, series or brand word."""
        sources = self.sources
        if not sources or sources[0][0] != "model_code_prefix":
            return False
        prefix = sources[0][1]
        return any(rule in _TEXT and prefix & allowed for rule, allowed, _ in sources) or bool(
            prefix & self.weak
        )


class _Draft(VehicleClass):
    """A `VehicleClass` under construction: plain slot stores (no frozen ``__setattr__``), then
    `_with_code` turns it into a `VehicleClass` by assigning ``__class__``, which adds no slot."""

    __slots__ = ()
    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__


_new_draft = object.__new__


def _with_code(found: VehicleClass, code: str) -> VehicleClass:
    """``attrs.evolve(found, model_code=code)`` at a fifth of the cost (one call per distinct
    string): a `_Draft` filled by plain slot stores, which the interpreter specialises (a frozen
    class's setters each cost a call), then given its class."""
    draft: Any = _new_draft(_Draft)  # the frozen fields are read-only to the type checker
    draft.manufacturer = found.manufacturer
    draft.series = found.series
    draft.brand = found.brand
    draft.model_code = code
    draft.confidence = found.confidence
    draft.method = found.method
    draft.evidence = found.evidence
    draft.conflicts = found.conflicts
    draft.reason = found.reason
    draft.candidates = found.candidates
    draft.__class__ = VehicleClass
    result: VehicleClass = draft
    return result


class Classifier:
    """Classify 厂牌型号 strings with one catalogue; results are cached per distinct input.

    Building one indexes the catalogue (about 50 ms); reuse it. ``cache_size`` bounds the LRU
    cache of results keyed by the raw string and WMI (real books repeat strings heavily), and
    the caches of decisions keyed by the normalised text around its model code and the code's
    prefix (distinct strings mostly differ in the code: ``本田牌HG7203A`` and ``本田牌HG7240AB``
    are decided once).

    >>> catalog = VehicleCatalog.load().merged(VehicleCatalog.from_rows([
    ...     {'brand_cn': '江铃', 'manufacturer_cn': '江铃汽车', 'series_cn': '域虎',
    ...      'model_code_prefixes': 'JX1'}]))
    >>> Classifier(catalog).classify('江铃牌JX1032TSGA6').manufacturer
    '江铃汽车'
    """

    __slots__ = (
        "_cache_size",
        "_cached",
        "_catalog",
        "_decided",
        "_decisions",
        "_finder",
        "_head",
        "_heads",
        "_imports",
        "_index",
        "_search",
        "_split",
        "_split_prefixes",
    )

    def __init__(self, catalog: VehicleCatalog | None = None, *, cache_size: int = 1 << 17):
        self._catalog = catalog if catalog is not None else VehicleCatalog.load()
        index = self._index = Index(self._catalog.entries)
        self._finder = index.code_finder
        self._search = index.code_finder.search
        self._imports = index.import_code.search
        self._split = index.code_finder.split
        self._split_prefixes = index.split_prefixes
        # The prefix of a code depends on its first few characters only: cache by those.
        self._head = index.prefix_lengths[0] if index.prefix_lengths else 0
        self._heads: dict[str, tuple[str, bool]] = {}
        self._decisions: dict[str, VehicleClass] = {}
        self._cache_size = cache_size
        # Keys: the string alone (no VIN), or (string, WMI).
        self._cached = functools.lru_cache(maxsize=cache_size)(self._classify)
        self._decided = functools.lru_cache(maxsize=cache_size)(self._decide)

    @property
    def catalog(self) -> VehicleCatalog:
        """The catalogue this classifier was built from."""
        return self._catalog

    def classify(self, make_model: object, vin: object = None) -> VehicleClass:
        """Classify one 厂牌型号 string; ``vin`` (optional) adds the WMI as evidence.

        Never raises: a non-string gives reason ``not_text``, ``None`` gives ``empty``, and an
        invalid VIN is ignored.
        """
        if vin is None and type(make_model) is str:
            return self._cached(make_model)
        wmi = _wmi_of(vin) if vin is not None else None
        if make_model is None:
            make_model = ""
        if not isinstance(make_model, str):
            return _unclassified("not_text")
        return self._cached(make_model) if wmi is None else self._cached(make_model, wmi)

    def classify_many(
        self, make_models: Iterable[object], vins: Iterable[object] | None = None
    ) -> list[VehicleClass]:
        """`classify` each value (with the VIN at the same position when ``vins`` is given).

        Works through the values in chunks: each distinct value (or value and VIN) of a chunk
        is classified once, and equal inputs give the same result object.
        """
        out: list[VehicleClass] = []
        if vins is None:
            one: Callable[..., VehicleClass] = self.classify
            cached = self._cached
            for chunk in _chunks(make_models):
                try:  # every value is set below
                    found = cast("dict[object, VehicleClass]", dict.fromkeys(chunk))
                except TypeError:  # an unhashable value: no deduplication
                    out += map(one, chunk)
                    continue
                for value in found:
                    found[value] = cached(value) if type(value) is str else one(value)
                out += map(found.__getitem__, chunk)
            return out
        for pairs in _chunks(zip(make_models, vins, strict=True)):
            try:
                by_pair = cast("dict[tuple[object, object], VehicleClass]", dict.fromkeys(pairs))
            except TypeError:
                out += (self.classify(value, vin) for value, vin in pairs)
                continue
            for value, vin in by_pair:
                by_pair[value, vin] = self.classify(value, vin)
            out += map(by_pair.__getitem__, pairs)
        return out

    def cache_clear(self) -> None:
        """Empty the result caches."""
        self._cached.cache_clear()
        self._decided.cache_clear()
        self._decisions.clear()
        self._heads.clear()

    def _head_facts(self, head: str) -> tuple[str, bool]:
        """The catalogue prefix of a code starting with ``head`` (`Index.prefix_of`) and whether
        the code is `CodeFinder.alone`, remembered (at most 4,096 heads)."""
        heads = self._heads
        if len(heads) >= 1 << 12:
            heads.clear()
        facts = heads[head] = (self._index.prefix_of(head), self._finder.alone(head))
        return facts

    def _decision(self, prefix: str, before: str, after: str) -> VehicleClass:
        """`_decide` the text around a model code (no VIN), remembered by
        ``f"{prefix}\\x00{before}\\x00{after}"`` (a prefix holds no NUL) up to ``cache_size``."""
        decisions = self._decisions
        if len(decisions) >= self._cache_size:
            decisions.clear()
        found = decisions[f"{prefix}\x00{before}\x00{after}"] = self._decide(
            f"{before}\x00{after}", prefix, None
        )
        return found

    def _classify(self, text: str, wmi: str | None = None) -> VehicleClass:
        """Normalise, cut out the model code, and decide on the rest (cached) and its prefix.

        The common case is inline (this runs once per distinct string): `normalise` (its
        VIN-style dots are left to `_read`: no model code holds one), then the model code
        (unless glued to a word on the left with another code inside its letters), then the
        decision cached for a string without VIN.
        """
        if not text.isascii():
            text = _nfkc("NFKC", text)
        spaced = " ".join(text.upper().split())
        parts = self._split(spaced, 1)
        match = None
        if len(parts) == 3:
            before, code, after = parts
            if " " in code or code.endswith(GLUED_TAILS):
                matched = code
                code, kept = self._finder.trim(matched, after)
                after = matched[kept:] + after
            head = code[: self._head]
            facts = self._heads.get(head)
            if facts is None:
                facts = self._head_facts(head)
            prefix, alone = facts
            if prefix in self._split_prefixes:
                prefix = self._index.code_prefix(code, prefix)
            # Glued to a word on the left, a code may have others inside its letters, be a
            # model year ending the word (GOLF2019) or a piece of an import's code (WDD2221).
            glued = before and before[-1] in ASCII_ALNUM
            if glued and wmi is None:
                imported = self._import_code(spaced)
                if imported is not None:
                    return imported
            if not glued or (alone and not is_year_code(code)):
                if wmi is None:
                    found = self._decisions.get(f"{prefix}\x00{before}\x00{after}")
                    if found is None:
                        found = self._decision(prefix, before, after)
                else:
                    found = self._decided(f"{before}\x00{after}", prefix, wmi)
                return _with_code(found, code)
            match = self._search(spaced)
        codes = self._finder.find_from(spaced, match)
        if not codes:
            if wmi is None:
                vin = _VIN_IN_TEXT.search(spaced)
                # A VIN written in the make/model field, of a catalogue WMI (not a pinyin name
                # and a year: LUZUNDABAWANG2023): read its WMI, and the rest of the text.
                if vin is not None and vin.group()[:3] in self._index.wmi:
                    rest = f"{spaced[: vin.start()]} {spaced[vin.end() :]}".strip()
                    return self._decided(rest, None, vin.group()[:3])
                if self._imports(spaced) is not None:
                    imported = self._import_code(spaced)
                    if imported is not None:
                        return imported
            cut = _CUT_CODE.search(spaced)
            if cut is not None:
                fragment = cut.group(1)
                prefix = self._index.prefix_of(fragment)
                if prefix and fragment not in self._index.words:
                    before = spaced[: cut.start(1)].rstrip()
                    return _with_code(self._decided(f"{before}\x00", prefix, wmi), fragment)
            return self._decided(spaced, None, wmi)
        prefix_of = self._index.code_prefix
        if len(codes) == 1:
            start, end, code = codes[0]
            if wmi is None and code[:3] in self._index.foreign_wmi and not prefix_of(code):
                # an import's model code (the start of its VIN: 奔驰 WDD2221), no GB 9417 code
                imported = self._import_code(spaced)
                if imported is not None:
                    return imported
            return _with_code(
                self._decided(f"{spaced[:start]}\x00{spaced[end:]}", prefix_of(code), wmi), code
            )
        # A code glued to a Latin series name may start inside it (风骏7EVCC7174: VCC or CC);
        # take the first cut whose prefix the text agrees with.
        cuts = [(f"{spaced[:start]}\x00{spaced[end:]}", prefix_of(c), c) for start, end, c in codes]
        skeleton, prefix, code = next(
            (cut for cut in cuts if self._read(cut[0], cut[1], wmi).agrees), cuts[0]
        )
        return _with_code(self._decided(skeleton, prefix, wmi), code)

    def _import_code(self, spaced: str) -> VehicleClass | None:
        """The classification of a string holding an import's model code, which licences print
        as the first 7-10 characters of its VIN (``奔驰牌WDDWF4HB``, ``雷克萨斯JTJBARBZ``): the
        code's WMI, a catalogue WMI assigned outside China, is read as if the VIN had been
        given. ``None`` when there is no such code (a catalogue word is none)."""
        search = self._imports
        found = search(spaced)
        while found is not None:
            code = found.group()
            if code not in self._index.words:
                rest = f"{spaced[: found.start()]} {spaced[found.end() :]}".strip()
                return _with_code(self._decided(rest, None, code[:3]), code)
            found = search(spaced, found.end())
        return None

    def _decide(self, spaced: str, prefix: str | None, wmi: str | None) -> VehicleClass:
        """The classification of a normalised string whose model code, if any, is cut out.

        ``prefix`` is ``None`` when the text has no model code, else the code's catalogue
        prefix (``""`` when unknown); the result's ``model_code`` is left ``None``.
        """
        blank = None
        if prefix is None:
            blank = placeholder_reason(spaced)
            if blank is not None:
                if wmi is None:
                    return _unclassified(blank)
                spaced = ""
        reading = self._read(spaced, prefix, wmi)
        sources = reading.sources
        if len(sources) > 1 and sources[0][0] in _HARD:
            reordered = self._made_under_licence(sources)
            if reordered is None and reading.enterprise:
                reordered = self._same_enterprise(sources, reading.enterprise)
            sources = reordered or sources
        series_hits = reading.series_hits
        weak = reading.weak
        brands = reading.brands
        marker = reading.marker
        brand = brands[0] if len(set(brands)) == 1 else None

        candidates: frozenset[str] | None = None
        used: list[str] = []
        conflicts: list[str] = []
        method: str | None = None
        hard_decisive = False
        for rule, allowed, _ in sources:
            narrowed = allowed if candidates is None else candidates & allowed
            if not narrowed:
                conflicts.append(rule)
                continue
            candidates = narrowed
            used.append(rule)
            if rule in _HARD and len(allowed) == 1:
                hard_decisive = True
            if method is None and len(candidates) == 1:
                method = rule

        if candidates is None:
            if weak:
                return _unclassified("weak_alias", brand=brand, candidates=weak)
            reason = blank or ("unknown_model_code" if reading.coded else "no_match")
            return _unclassified(reason, brand=brand)
        if len(candidates) > 1:
            if marker:
                marker_rule = "import_marker"
            elif wmi is not None:
                marker, marker_rule = ("domestic" if wmi[0] == "L" else "import"), "wmi_region"
            elif prefix == "" or "model_code_prefix" in conflicts:
                # a model code whose enterprise code the catalogue lacks, or one of another
                # producer than the text names (a brand built under licence): made in China
                marker, marker_rule = "domestic", "domestic_code"
            else:
                marker_rule = "import_marker"
            refined = self._refine(
                candidates,
                region=(marker, marker_rule),
                weak=weak,
                sources=sources,
                brands=brands,
                named_series=bool(series_hits),
                used=used,
                conventional=reading.conventional,
            )
            if len(refined) > 1:
                return _unclassified(
                    _AMBIGUOUS[used[0]],
                    brand=brand,
                    evidence=tuple(dict.fromkeys(used)),
                    candidates=refined,
                )
            candidates = refined
            method = method or used[-1]
        (manufacturer,) = candidates

        series, series_priority, series_brand = (
            self._series(series_hits, manufacturer) if series_hits else (None, None, None)
        )
        if series is None and series_hits:
            series, series_priority, series_brand = self._local_version(series_hits, manufacturer)
            if series is not None and "series_alias" in conflicts:
                # the series word named the import: its local version agrees with the code
                conflicts = [rule for rule in conflicts if rule != "series_alias"]
                used.append("series_alias")
        if series is not None:
            # 宋 DM, 途观L PHEV: the producer's 新能源 series of that name
            new_energy = self._index.new_energy.get((manufacturer, series))
            if new_energy is not None and NEW_ENERGY_SIGN.search(spaced):
                series = new_energy
        if method == "domestic_preference":
            confidence = 0.6
        elif "brand_namesake" in used or "powertrain" in used:
            confidence = 0.85
        elif "model_code_prefix" in used or "wmi" in used:
            both_hard = "wmi" in used and "model_code_prefix" in used
            agree = both_hard or any(rule in _TEXT for rule in used)
            confidence = 1.0 if hard_decisive and agree else 0.95
        elif "manufacturer_name" in used or series_priority == P_NAME:
            confidence = 0.9
        else:
            confidence = 0.85
        if conflicts:
            confidence = round(confidence - 0.2, 2)
        return VehicleClass(
            manufacturer,
            series,
            series_brand or self._brand(brands, manufacturer),
            None,
            confidence,
            method,
            tuple(dict.fromkeys(used)) if len(used) > 1 else tuple(used),
            tuple(dict.fromkeys(conflicts)) if conflicts else (),
        )

    def _read(self, spaced: str, prefix: str | None, wmi: str | None) -> _Reading:
        """Gather the evidence of a normalised string whose model code is cut out (``prefix``
        as in `_decide`)."""
        index = self._index
        reading = _Reading(prefix is not None)
        sources = reading.sources
        if prefix:
            by_prefix = index.prefixes[prefix]
            sources.append(("model_code_prefix", by_prefix, by_prefix))
            enterprise = index.enterprise.get(prefix)
            if enterprise is not None:
                reading.enterprise = enterprise
            conventional = index.conventional.get(prefix)
            if conventional and not any(sign in spaced for sign in NEW_ENERGY_WORDS):
                reading.conventional = conventional
        if wmi is not None:
            by_wmi = index.wmi.get(wmi)
            if by_wmi is not None:
                sources.append(("wmi", by_wmi, by_wmi))
        by_series: list[_Source] = []
        by_brand: list[_Source] = []
        if not spaced.isascii():
            # VIN-style dots: after the model code is cut out (no code has one), so that the
            # hot path need not look for them.
            spaced = join_cjk(spaced.translate(DOTS))
            if _MISSPELT.search(spaced) is not None:
                spaced = _MISSPELT.sub(lambda m: MISSPELLINGS[m.group()], spaced)
        if "(" in spaced or "[" in spaced:
            # brackets around a Latin or numbered model part words as spaces do (小米(SU7),
            # 腾势(D9): 腾势D9, 风光(580)); 飞度(进口) and Aion S(埃安S) keep theirs, as names do
            spaced = _LATIN_IN_BRACKETS.sub(r" \1 ", spaced)
        compact, gaps = compact_gaps(drop_model_years(spaced))
        previous: Word | None = None
        previous_end = -1
        for hit in index.scan(compact, gaps) if compact else ():
            word = hit[1]
            # A Latin alias glued to a brand word of other producers is that brand's model
            # (江淮帅铃H330 is no 中华H330), unless the brand is a group's (一汽X80 is 奔腾X80);
            # after a space it may be a name (福特野马 Mustang: 野马 is also a brand).
            glued = (
                previous_end == hit[0]
                and previous is not None
                and previous.brands
                and word.allowed
                and hit[0] not in gaps
                and word.key.isascii()
                and previous.key not in _GROUP_WORDS
                and previous.brand_manufacturers.isdisjoint(word.allowed)
            )
            previous = word
            previous_end = hit[0] + len(word.key)
            if glued:
                continue
            # 牌 marks a brand (捷达牌, 思铭牌) of a vehicle announced in China: the same word is
            # not read as a series then, nor as an importer that bears the brand's name (捷豹牌:
            # 奇瑞捷豹路虎's, not the importer 捷豹's); a series name that is no brand word
            # (瑞虎牌) still says whose brand it is.
            branded = compact.startswith("牌", hit[0] + len(word.key))
            makers = word.manufacturers
            if branded and word.brands and makers:
                makers = frozenset(m for m in makers if not is_imported(m))
            if makers:
                sources.append(("manufacturer_name", makers, makers))
            if word.series:
                if not branded:
                    reading.series_hits.append(hit)
                    if word.allowed:
                        by_series.append(("series_alias", word.allowed, word.preferred))
                    else:
                        reading.weak |= word.weak_manufacturers
                elif word.allowed and not word.brands:
                    by_brand.append(("brand", word.allowed, word.allowed))
            if word.brands:
                reading.brands.extend(word.brands)
                by_brand.append(("brand", word.brand_manufacturers, word.brand_manufacturers))
            if word.marker in _REGION and not reading.marker:
                reading.marker = word.marker
        sources += by_series
        sources += by_brand
        if (
            not reading.marker
            and "E" in spaced
            and EXPORT_PLUG_IN.search(spaced)
            and self._export_brand(reading)
        ):
            reading.marker = "import"
        return reading

    @staticmethod
    def _export_brand(reading: _Reading) -> bool:
        """Whether the text names a brand of `EXPORT_PLUG_IN_BRANDS`, by a brand word or a
        series of that brand."""
        if not EXPORT_PLUG_IN_BRANDS.isdisjoint(reading.brands):
            return True
        return any(
            entry.brand in EXPORT_PLUG_IN_BRANDS
            for _, word in reading.series_hits
            for _, entry in word.series
        )

    def _made_under_licence(self, sources: list[_Source]) -> list[_Source] | None:
        """The sources with the text first when the text names producers of their own brand
        that have no enterprise code in the catalogue and the codes name a producer outside that
        brand: such a brand's vehicles carry their contract maker's codes (蔚来 cars built by 江淮
        carry HFC codes, 领克 cars MR codes of 吉利, 图雅诺 vans BJ codes of 福田). The codes
        are then overruled (listed in ``conflicts``). ``None`` when the rule does not apply.

        A brand's own joint ventures and importers carry its name (北京牌BH… is 北京现代, not
        北京越野; 宝马X5 BMW6… is 华晨宝马, not 宝马(进口)), and a producer may build a brand it
        does not carry in its name (庆铃汽车 builds 五十铃 trucks), so the codes keep the lead
        there.
        """
        text = [source for source in sources if source[0] in _TEXT]
        if not text:
            return None
        named: frozenset[str] | None = None
        for _, allowed, _ in text:
            narrowed = allowed if named is None else named & allowed
            if narrowed:
                named = narrowed
        index = self._index
        if not named or not named.isdisjoint(index.coded):
            return None
        hard = [source for source in sources if source[0] in _HARD]
        coded = frozenset(m for _, allowed, _ in hard for m in allowed)
        if not named.isdisjoint(coded) or self._builds_brand_of(coded, named):
            return None
        return [*text, *(source for source in sources if source[0] not in _TEXT)]

    def _builds_brand_of(self, coded: frozenset[str], named: frozenset[str]) -> bool:
        """Whether a producer of ``coded`` builds a brand of the ``named`` producers: it bears
        the brand in its name (东风日产 for 东风, 北京现代 for 北京) or has the brand itself
        (五十铃牌QL…: 庆铃汽车 is a 五十铃 maker too)."""
        index = self._index
        brands = {
            base[:-2] if base.endswith("汽车") and len(base) > 3 else base
            for m in named
            for base in map(key_of, index.manufacturer_brands.get(m, ()))
        }
        makers = [key_of(m) for m in coded]
        if any(brand in maker for brand in brands for maker in makers):
            return True
        return any(
            b in brands for m in coded for b in map(key_of, index.manufacturer_brands.get(m, ()))
        )

    def _same_enterprise(
        self, sources: list[_Source], enterprise: frozenset[str]
    ) -> list[_Source] | None:
        """The sources with the model code standing for its whole enterprise code when a brand
        word or producer name names another producer of that enterprise code: producers of one
        group share its letters and split the class digits (``BJ1`` 福田汽车 trucks, ``BJ2``/``BJ7``
        北京汽车), and the name printed before the code decides (``北京汽车牌BJ1020`` is
        北京汽车's, without conflict). ``None`` when the rule does not apply: no such name, the
        name agrees with the code's own producers, or they build its brand (``东风牌DFL7168…``
        stays 东风日产's, not 东风商用车's, whose trucks are DFL4…).
        """
        coded = sources[0]
        if coded[0] != "model_code_prefix":
            return None
        named: frozenset[str] | None = None
        for rule, allowed, _ in sources:
            if rule in _NAMES:
                narrowed = allowed if named is None else named & allowed
                if narrowed:
                    named = narrowed
        if not named or not named.isdisjoint(coded[1]) or named.isdisjoint(enterprise):
            return None
        if self._builds_brand_of(coded[1], named):
            return None
        return [("model_code_prefix", enterprise, enterprise), *sources[1:]]

    def _refine(
        self,
        candidates: frozenset[str],
        *,
        region: tuple[str, str],
        weak: frozenset[str],
        sources: list[_Source],
        brands: list[str],
        named_series: bool,
        used: list[str],
        conventional: frozenset[str] = frozenset(),
    ) -> frozenset[str]:
        """Narrow several candidate producers by the weaker rules, appending each that helped
        to ``used``: the import/domestic marker or VIN region, weak aliases, the best-ranked
        series spelling, the brand's namesake producer, the powertrain (when the text named
        the candidates: ``conventional``), then the domestic preference."""
        marker, marker_rule = region
        steps: list[tuple[str, Iterable[str]]] = []
        if marker:
            importer = marker == "import"
            steps.append((marker_rule, [m for m in candidates if is_imported(m) == importer]))
        steps.append(("series_alias", weak))
        steps += [(rule, preferred) for rule, _, preferred in sources if rule == "series_alias"]
        for rule, allowed in steps:
            narrowed = candidates & frozenset(allowed)
            if narrowed and narrowed != candidates:
                candidates = narrowed
                used.append(rule)
                if len(candidates) == 1:
                    return candidates
        namesakes = self._index.namesakes(brands) & candidates
        if not namesakes and all(map(is_imported, candidates)):
            # importers only (进口, a foreign WMI): the brand's own (奔驰(进口), not 梅赛德斯-AMG)
            namesakes = self._index.importer_namesakes(brands) & candidates
        if len(namesakes) == 1:
            used.append("brand_namesake")
            return namesakes
        if conventional and any(rule in _TEXT for rule in used):
            narrowed = candidates & conventional
            if narrowed and narrowed != candidates:
                used.append("powertrain")
                if len(narrowed) == 1:
                    return narrowed
                candidates = narrowed
        domestic = frozenset(m for m in candidates if not is_imported(m))
        if named_series and len(domestic) == 1:
            used.append("domestic_preference")
            return domestic
        return candidates

    @staticmethod
    def _series(
        hits: list[tuple[int, Word]], manufacturer: str
    ) -> tuple[str | None, int | None, str | None]:
        """The series of ``manufacturer`` named in the text: best priority, then the longest
        and first word; ``None`` when several series tie (``City``: 锋范, 锋范经典, 思迪).

        Returns the series, its match priority and its brand.
        """
        best: tuple[int, int, int] | None = None
        chosen: dict[str, str] = {}
        for position, word in hits:
            for priority, entry in word.series:
                if entry.manufacturer != manufacturer:
                    continue
                rank = (priority, -len(word.key), position)
                if best is None or rank < best:
                    best, chosen = rank, {entry.series: entry.brand}
                elif rank == best:
                    chosen[entry.series] = entry.brand
        if best is None:
            return None, None, None
        if len(chosen) > 1 and len({key_of(name) for name in chosen}) > 1:
            return None, None, None
        # One series, or one spelled twice (长安CS35 PLUS, 长安CS35PLUS): the first name.
        series = min(chosen)
        return series, best[0], chosen[series] or None

    def _local_version(
        self, hits: list[tuple[int, Word]], manufacturer: str
    ) -> tuple[str | None, int | None, str | None]:
        """The domestic version of an import's series named in the text, when the code or VIN
        chose a domestic producer of its brand that builds one series whose name extends the
        import's (宝马X5 BMW6502EX: the 华晨宝马 宝马X5 Li; the X5 itself is imported)."""
        local = self._index.local_versions
        found = {
            (local[manufacturer, entry.series], priority, entry.brand)
            for _, word in hits
            for priority, entry in word.series
            if (manufacturer, entry.series) in local
        }
        if len({series for series, _, _ in found}) != 1:
            return None, None, None
        series, priority, brand = min(found, key=lambda item: item[1])
        return series, priority, brand or None

    def _brand(self, brands: list[str], manufacturer: str) -> str | None:
        for brand in brands:
            if manufacturer in self._index.brand_manufacturers[brand]:
                return brand
        own = self._index.manufacturer_brands.get(manufacturer, ())
        return own[0] if len(own) == 1 else None


@functools.cache
def default_classifier() -> Classifier:
    """The module's shared `Classifier` over the shipped catalogue, built on first use."""
    return Classifier()


def classify(make_model: object, vin: object = None) -> VehicleClass:
    """Classify one 厂牌型号 string with the shipped catalogue (see the module documentation).

    >>> classify('比亚迪牌BYD7152WT6HEVC').manufacturer
    '比亚迪'
    """
    return default_classifier().classify(make_model, vin)
