"""The precompiled lookup structures of the vehicle-series classifier.

Private to `custmaster.catalog`. `Index` is built once per catalogue: a dictionary of every word
the classifier recognises (series names and aliases, brand words, producer names, descriptors),
keyed by its normalised spelling without spaces, with the word lengths per first two characters
so a scan tries only lengths that exist; the model-code prefixes by string; the WMI codes.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from custmaster.catalog._text import (
    ASCII_ALNUM,
    ASCII_LETTERS,
    MOTORCYCLE,
    CodeFinder,
    compact_gaps,
    import_code_pattern,
    is_cjk,
    key_of,
    motorcycle_letters,
)

if TYPE_CHECKING:
    from custmaster.catalog.vehicle_series import SeriesEntry

__all__ = [
    "CONVENTIONAL",
    "EXPORT_PLUG_IN",
    "EXPORT_PLUG_IN_BRANDS",
    "IMPORTED",
    "MISSPELLINGS",
    "NEW_ENERGY_SIGN",
    "NEW_ENERGY_WORDS",
    "P_ALIAS",
    "P_DERIVED",
    "P_NAME",
    "P_WEAK",
    "Index",
    "Word",
    "is_imported",
]

#: Match priorities of a series word: its name, a listed alias, the name without ``(进口)``,
#: a weak alias (three ASCII characters or fewer, or a generic part of a two-part name).
P_NAME, P_ALIAS, P_DERIVED, P_WEAK = 0, 1, 2, 3

IMPORTED = "(进口)"
_DIGITS = frozenset("0123456789")

# Latin words that are parts of two-part series names but say nothing on their own.
_GENERIC_PARTS = frozenset(
    {
        "COUPE",
        "SUPER",
        "CROSS",
        "SPORT",
        "SPORTS",
        "CLASSIC",
        "PLUS",
        "PRO",
        "MAX",
        "PHEV",
        "HYBRID",
        "TURBO",
        "WAGON",
    }
)
# Group names a brand may start with; the rest is also printed alone (广汽传祺 -> 传祺牌).
_GROUPS = ("广汽", "北汽", "东风", "长安", "一汽", "上汽")
_NOT_BRAND_WORDS = frozenset({"新能源", "集团", "制造", "轻型车", "跨越"})
# Former or formal names of producers seen on older documents.
_FORMER_NAMES: dict[str, tuple[str, ...]] = {
    "广州本田": ("广汽本田",),
    "广州丰田": ("广汽丰田",),
    "天津一汽丰田": ("一汽丰田",),
    "广汽长丰": ("广汽三菱",),
    "上海大众": ("上汽大众",),
    "上海通用": ("上汽通用",),
    "上海通用五菱": ("上汽通用五菱",),
    "悦达起亚": ("东风悦达起亚",),
    "神龙汽车": ("东风标致", "东风雪铁龙"),
    "东风神龙": ("东风标致", "东风雪铁龙"),
    "长安福特马自达": ("长安福特", "长安马自达"),
}
# Latin names of brands, as export models and some systems write them.
_LATIN_BRANDS: dict[str, str] = {
    "ACURA": "讴歌",
    "AUDI": "奥迪",
    "BENZ": "奔驰",
    "BMW": "宝马",
    "BUICK": "别克",
    "BYD": "比亚迪",
    "CADILLAC": "凯迪拉克",
    "CHERY": "奇瑞",
    "CHEVROLET": "雪佛兰",
    "CITROEN": "雪铁龙",
    "FORD": "福特",
    "GEELY": "吉利汽车",
    "HAVAL": "哈弗",
    "HONDA": "本田",
    "HYUNDAI": "现代",
    "INFINITI": "英菲尼迪",
    "JAGUAR": "捷豹",
    "KIA": "起亚",
    "LANDROVER": "路虎",
    "LEXUS": "雷克萨斯",
    "LINCOLN": "林肯",
    "MAZDA": "马自达",
    "MERCEDES-BENZ": "奔驰",
    "MITSUBISHI": "三菱",
    "NISSAN": "日产",
    "PEUGEOT": "标致",
    "PORSCHE": "保时捷",
    "SKODA": "斯柯达",
    "SUBARU": "斯巴鲁",
    "SUZUKI": "铃木",
    "TESLA": "特斯拉",
    "TOYOTA": "丰田",
    "VOLKSWAGEN": "大众",
    "VOLVO": "沃尔沃",
    "VW": "大众",
    "MERCEDES": "奔驰",
    # Imports whose names were missing (FERRARI 488, BENTLEY BENTAYGA, ASTON MARTIN DB11).
    "ALFAROMEO": "阿尔法·罗密欧",
    "ASTONMARTIN": "阿斯顿·马丁",
    "BENTLEY": "宾利",
    "CHRYSLER": "克莱斯勒",
    "DODGE": "道奇",
    "FERRARI": "法拉利",
    "FIAT": "菲亚特",
    "GENESIS": "捷尼赛思",
    "LAMBORGHINI": "兰博基尼",
    "MASERATI": "玛莎拉蒂",
    "MCLAREN": "迈凯伦",
    "OPEL": "欧宝",
    "RENAULT": "雷诺",
    "ROLLS-ROYCE": "劳斯莱斯",
    "ROLLSROYCE": "劳斯莱斯",
    # Chinese brands as their export badges and English-language systems write them.
    "AITO": "问界",
    "AVATR": "阿维塔",
    "BAOJUN": "宝骏",
    "CHANGAN": "长安",
    "DEEPAL": "深蓝汽车",
    "DENZA": "腾势",
    "DONGFENG": "东风",
    # FAW is the group's badge (FAW J6P trucks of 一汽解放, FAW VITA of 天津一汽): the group word.
    "FAW": "一汽",
    "EXEED": "星途",
    "FOTON": "福田",
    "GREATWALL": "长城",
    "GWM": "长城",
    "HONGQI": "红旗",
    "ISUZU": "五十铃",
    "IVECO": "依维柯",
    "JAC": "江淮",
    "JETTA": "捷达",
    "JETOUR": "捷途",
    "JMC": "江铃",
    "LEAPMOTOR": "零跑汽车",
    "LIAUTO": "理想汽车",
    "LIXIANG": "理想汽车",
    "LYNK&CO": "领克",
    "MAXUS": "上汽MAXUS",
    "MG": "名爵",
    "NETA": "哪吒汽车",
    "NIO": "蔚来",
    "ORA": "欧拉",
    "POLESTAR": "Polestar极星",
    "ROEWE": "荣威",
    "SERES": "SERES赛力斯",
    "TANK": "坦克",
    "TRUMPCHI": "广汽传祺",
    "VOYAH": "岚图汽车",
    "WULING": "五菱汽车",
    "XIAOMI": "小米汽车",
    "XPENG": "小鹏汽车",
    "ZEEKR": "极氪",
    "ARCFOX": "极狐",
    "FANGCHENGBAO": "方程豹",
    "LUXEED": "智界",
    "ONVO": "乐道",
    "STELATO": "享界",
    # Export badges of Chinese makers seen on English-language lists and imports' paperwork.
    "BESTUNE": "奔腾",
    "BORGWARD": "宝沃",
    "DFSK": "东风小康",
    "FORTHING": "东风风行",
    "HAIMA": "海马",
    "KAIYI": "凯翼",
    "LANDWIND": "陆风",
    "QOROS": "观致",
    "SOUEAST": "东南",
    "VENUCIA": "启辰",
    "ZOTYE": "众泰",
    # Trucks, buses and motorcycles (HOWO T7H, SHACMAN X3000, HAOJUE HJ125-8).
    "ANKAI": "安凯",
    "AUMAN": "欧曼",
    "CIMC": "中集",
    "CFMOTO": "春风",
    "DAYUN": "大运",
    "HAOJUE": "豪爵",
    "HIGER": "海格",
    "HONGYAN": "红岩",
    "HOWO": "豪沃",
    "JIALING": "嘉陵",
    "KYMCO": "光阳",
    "LONCIN": "隆鑫",
    "QIANJIANG": "钱江",
    "SANY": "三一",
    "SHACMAN": "陕汽",
    "SINOTRUK": "中国重汽",
    "SITRAK": "汕德卡",
    "SUNDIRO": "新大洲",
    "WUYANG": "五羊",
    "YUTONG": "宇通",
    "ZONGSHEN": "宗申",
    "ZOOMLION": "中联",
    # Electric two-wheelers.
    "AIMA": "爱玛",
    "LUYUAN": "绿源",
    "NINEBOT": "九号",
    "SUNRA": "新日",
    "TAILG": "台铃",
    "YADEA": "雅迪",
}
# Vehicle-type and trim words of 厂牌型号 strings: consumed by the scan so that no series name
# is read inside them.
_DESCRIPTORS = (
    "轿车",
    "普通轿车",
    "小型轿车",
    "微型轿车",
    "乘用车",
    "多用途乘用车",
    "运动型多用途乘用车",
    "越野乘用车",
    "客车",
    "小型普通客车",
    "小型客车",
    "轻型客车",
    "纯电动",
    "纯电动轿车",
    "插电式混合动力",
    "插电式混合动力轿车",
    "混合动力",
    "手自一体",
    "自动挡",
    "手动挡",
    "标准版",
    "豪华版",
    "舒适版",
    "运动版",
    "旗舰版",
    "标准型",
    "豪华型",
    "舒适型",
    "两驱",
    "四驱",
    "汽油",
    "柴油",
    "全新",
    "新款",
    "改款",
    "老款",
    # Commercial vehicles and motorcycles (城市客车 is no 林肯 城市).
    "城市客车",
    "公路客车",
    "旅游客车",
    "大型普通客车",
    "中型普通客车",
    "专用校车",
    "牵引车",
    "半挂牵引车",
    "重型半挂牵引车",
    "普通货车",
    "轻型普通货车",
    "中型普通货车",
    "重型普通货车",
    "自卸货车",
    "重型自卸货车",
    "厢式货车",
    "轻型厢式货车",
    "厢式运输车",
    "仓栅式运输车",
    "两轮摩托车",
    "普通二轮摩托车",
    "电动两轮摩托车",
    "轻便摩托车",
    # Sales alliances that name no producer (鸿蒙智行: 问界, 智界, 享界 …; not 北京汽车's 智行).
    "鸿蒙智行",
    "HIMA",
)
_MARKERS = {"进口": "import", "国产": "domestic"}
#: A producer with this in its name builds only new-energy vehicles (奇瑞新能源, 北汽新能源).
NEW_ENERGY = "新能源"
#: Signs of a new-energy vehicle in a model code's rest (BEV, PHEV, HEV, EV) or in the text.
_NEW_ENERGY_CODE = "EV"
NEW_ENERGY_WORDS = ("新能源", "纯电", "电动", "插电", "混动", "混合动力", "增程", "EV", "DM")
#: A new-energy sign in the text that names the 新能源 series of a series named beside it
#: (宋 DM, 途观L PHEV, 帝豪EV, 坦克500 Hi4-T, 帕萨特 插电混动, CR-V 锐·混动e+); a hybrid (混动,
#: 双擎, HEV) is none. German plug-ins name their trims by a number and ``e`` (宝马530Le,
#: X5 xDrive45e, X1 25Le, 奔驰C350eL, GLE350e, 揽胜 P400e), ``TFSI e`` (奥迪A6L 55TFSI e) or
#: ``E-Hybrid`` (保时捷), and Volvo's by ``E驱混动``; a decimal before the ``e`` is an engine's
#: size and a trim letter (凯美瑞 2.0E), no sign.
NEW_ENERGY_SIGN = re.compile(
    r"(?<![A-Z])(?:PHEV|BEV|EV|DM(?:-?[IP])?|HI4(?:-[TZ])?|EM-?[IP]|E-TRON|E-HYBRID)(?![A-Z])"
    r"|(?<![.0-9])[0-9]{2,3}L?EL?(?![A-Z0-9])|TFSI ?E(?![A-Z0-9])"
    r"|纯电|插电|插混|增程|新能源|混动E\+|E驱混动"
)
#: A plug-in trim named by a number and ``e`` without the ``L`` of a long wheelbase (宝马530e,
#: X3 xDrive30e, 奔驰GLC300e). 华晨宝马 and 北京奔驰 name the plug-ins they build as long
#: versions (530Le, X1 25Le, C350eL, E350e L), so for the brands of `EXPORT_PLUG_IN_BRANDS`
#: such a trim is an import's, as 进口 would say.
EXPORT_PLUG_IN = re.compile(r"(?<![.0-9])[0-9]{2,3}X?E(?![A-Z0-9])(?! L(?![A-Z0-9]))")
EXPORT_PLUG_IN_BRANDS = frozenset({"宝马", "奔驰"})
#: Misspellings typed for a brand or series name with a homophone from the input method
#: (哈佛H6, 郎逸, 卡洛拉, 五凌宏光), read as the name; none is a word of the catalogue.
MISSPELLINGS: dict[str, str] = {
    "哈佛": "哈弗",
    "五凌": "五菱",
    "郎逸": "朗逸",
    "卡洛拉": "卡罗拉",
    "凯美锐": "凯美瑞",
    "雅格": "雅阁",
    "英郎": "英朗",
    "帕沙特": "帕萨特",
    "速滕": "速腾",
    "迈藤": "迈腾",
    "宝莱": "宝来",
    "天簌": "天籁",
    "逍克": "逍客",
    "奇峻": "奇骏",
    "君悦": "君越",
    "昂克威": "昂科威",
    "途冠": "途观",
    "速藤": "速腾",
    "标志": "标致",
    "奔弛": "奔驰",
    "雪弗兰": "雪佛兰",
    "斯科达": "斯柯达",
    "英菲尼蒂": "英菲尼迪",
}
#: Appended to a shared prefix for a code without a new-energy sign (`Index.code_prefix`).
CONVENTIONAL = "-"


#: Importers the catalogue's source names by their brand alone, not ``<brand>(进口)``: its
#: 捷豹 rows are imported Jaguars (XF, F-PACE …; 奇瑞捷豹路虎 builds the domestic ones) and its
#: 五十铃 row the overseas D-MAX (庆铃汽车 and 江西五十铃 build the domestic Isuzus); and the
#: performance and luxury divisions of brands with a domestic producer, all of whose vehicles are
#: imported (梅赛德斯-AMG beside 北京奔驰, which builds the A 35 L AMG; 宝马M beside 华晨宝马), so
#: that 进口, a foreign WMI and the domestic preference count them as importers.
_IMPORTERS = frozenset({"捷豹", "五十铃", "梅赛德斯-AMG", "梅赛德斯-迈巴赫", "宝马M", "Audi Sport"})


def is_imported(manufacturer: str) -> bool:
    """Whether the catalogue's producer is an importer (``本田(进口)``, and `_IMPORTERS`)."""
    return manufacturer.endswith(IMPORTED) or manufacturer in _IMPORTERS


class Word:
    """One recognised spelling and what it says: series, brands, producers or a marker."""

    __slots__ = (
        "allowed",
        "brand_manufacturers",
        "brands",
        "key",
        "left",
        "manufacturers",
        "marker",
        "preferred",
        "right",
        "series",
        "single",
        "weak_manufacturers",
    )

    def __init__(self, key: str) -> None:
        self.key = key
        #: ``(priority, entry)`` pairs, best priority first.
        self.series: tuple[tuple[int, SeriesEntry], ...] = ()
        self.brands: tuple[str, ...] = ()
        self.manufacturers: frozenset[str] = frozenset()
        #: ``"import"``, ``"domestic"``, ``"descriptor"`` or ``""``.
        self.marker = ""
        #: Whether an ASCII letter or digit on the left must not touch the word.
        self.left = key[0] in ASCII_ALNUM
        #: 0: no check; 1: no ASCII letter or digit may follow; 2: a digit may follow (the word
        #: ends in three or more letters: ``奔驰GLC`` in ``奔驰GLC300``).
        self.right = 0
        if key[-1] in ASCII_ALNUM:
            run = len(key) - len(key.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
            self.right = 2 if run >= 3 else 1
        #: A single CJK character (秦, 汉, 唐): it must stand apart from other CJK text.
        self.single = len(key) == 1 and is_cjk(key)
        #: Producers of the series named by a name or strong alias, and of the best-ranked ones.
        self.allowed: frozenset[str] = frozenset()
        self.preferred: frozenset[str] = frozenset()
        #: Producers of the series named only by a weak alias.
        self.weak_manufacturers: frozenset[str] = frozenset()
        #: Producers of the brands.
        self.brand_manufacturers: frozenset[str] = frozenset()

    def finish(
        self,
        brand_manufacturers: Mapping[str, frozenset[str]],
        shared: dict[frozenset[str], frozenset[str]],
    ) -> None:
        """Precompute the producer sets the classifier intersects (equal sets are ``shared``)."""
        strong = [(p, e.manufacturer) for p, e in self.series if p < P_WEAK]
        if strong:
            best = strong[0][0]
            self.allowed = frozenset(m for _, m in strong)
            self.preferred = frozenset(m for p, m in strong if p == best)
            # An import's name that a domestic series of the same brand has as an alias
            # (Passat: 大众(进口) Passat, 上汽大众 帕萨特) prefers neither: the domestic
            # preference decides, at its lower confidence.
            best_brands = {e.brand for p, e in self.series if p == best}
            if all(map(is_imported, self.preferred)) and any(
                p < P_WEAK and not is_imported(e.manufacturer) and e.brand in best_brands
                for p, e in self.series
            ):
                self.preferred = self.allowed
        else:
            self.weak_manufacturers = frozenset(e.manufacturer for _, e in self.series)
        self.brand_manufacturers = frozenset(
            m for brand in self.brands for m in brand_manufacturers[brand]
        )
        for name in ("allowed", "preferred", "weak_manufacturers", "brand_manufacturers"):
            value = getattr(self, name)
            setattr(self, name, shared.setdefault(value, value))


def _is_weak_alias(key: str, series_key: str) -> bool:
    if not key.isascii():
        return False
    if len(key) <= 3:
        return True
    return key in _GENERIC_PARTS and key != series_key


def _derived(name: str, brand_forms: tuple[str, ...], names: list[str]) -> list[tuple[str, int]]:
    """Spellings derived from a series key, with their priorities: without ``(进口)`` or
    ``新能源`` at the end (宋PLUS新能源 -> 宋PLUS), and, weak, without the brand it starts with
    (极氪001 -> 001 for ``ZEEKR 001``; the catalogue's own aliases drop it the same way:
    本田CR-V -> CR-V), but not weak when that rest opens with two CJK characters and has three
    or more (长安启源A07 -> 启源A07). A rest of one character or of one or two digits is left
    out.

    A spelling ending in a CJK character, which no token boundary ends, is left out when
    another series name (``names``, sorted) starts with it: 域虎 (from 域虎新能源) would also be
    read in 域虎9, a series the catalogue lacks; unless it is a series name itself (欧蓝德 of
    欧蓝德(进口) beside 欧蓝德经典), read anyway, where it adds the import as a candidate that
    进口 in the text then picks.
    """
    found: list[tuple[str, int]] = []
    if name.endswith(IMPORTED):
        found.append((name[: -len(IMPORTED)], P_DERIVED))
    elif name.endswith("新能源") and len(name) > 3:
        base = name[:-3]
        found.append((base, P_WEAK if base.isascii() and len(base) <= 3 else P_DERIVED))
    rest = _brand_rest(name, brand_forms)
    if rest and len(rest) > 1 and not (rest.isdigit() and len(rest) < 3):
        # A rest of three or more characters opening with a CJK sub-brand or name (长安启源A07
        # -> 启源A07, 捷途山海T2 -> 山海T2, 五菱荣光小卡 -> 荣光小卡) is written alone and names the
        # series; a shorter one (大狗, 之光, 风景, 世纪) may be a common word: weak.
        strong = len(rest) >= 3 and is_cjk(rest[0]) and is_cjk(rest[1])
        found.append((rest, P_DERIVED if strong else P_WEAK))
    return [
        (key, priority)
        for key, priority in found
        if key.endswith(")")
        or not is_cjk(key[-1])
        or not _extended(key, name, names)
        or _is_name(key, names)
    ]


def _trim_number(key: str, text: str, end: int) -> bool:
    """Whether a word ending in exactly two Latin letters (a series of a brand that names its
    trims by the series and a three-digit number: 雷克萨斯ES, RX, NX) is followed at ``end`` by
    such a number (``ES300H``, ``RX450H``, ``NX260``): three digits, then no digit and, after
    any letters, no ``-`` (a motorcycle code: ``JH125-8``)."""
    if len(key) < 2 or key[-3:-2] in ASCII_LETTERS or not ASCII_LETTERS.issuperset(key[-2:]):
        return False
    number = text[end : end + 3]
    if len(number) < 3 or not all(c in _DIGITS for c in number):
        return False
    rest = text[end + 3 :].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return not rest or (rest[0] not in _DIGITS and rest[0] != "-")


def _long_wheelbase(key: str, text: str, end: int, gaps: frozenset[int]) -> bool:
    """Whether a word ending in a digit (``A8``, ``奥迪A8``) is followed at ``end`` by the
    long-wheelbase ``L`` that ends the token (``A8L``, ``奥迪A8L 55TFSI``): the same series.
    A series named with the ``L`` (``奥迪A6L``, ``Q5L``) is a longer word and is read first."""
    if key[-1] not in _DIGITS:
        return False
    after = end + 1
    return after == len(text) or after in gaps or text[after] not in ASCII_ALNUM


def _folded(key: str) -> str:
    """``key`` without the accents of its Latin letters (``HURACÁN`` -> ``HURACAN``), or ``""``
    when it has none."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", key) if not unicodedata.combining(c))
    return folded if folded != key and len(folded) == len(key) else ""


# Latin words of two-part names that say nothing alone (豪情SUV, 福克斯Active, 奥迪e-tron).
_GENERIC_LATIN = frozenset(
    {"SUV", "MPV", "CUV", "ACTIVE", "COOL", "LOVE", "FREE", "SPYDER", "E-TRON"}
)
_TWO_PARTS = re.compile(
    r"(?P<cjk1>[\u3400-\u4dbf\u4e00-\u9fff]{2,})(?P<latin1>[A-Z][A-Z-]*[A-Z])"
    r"|(?P<latin2>[A-Z][A-Z-]*[A-Z])(?P<cjk2>[\u3400-\u4dbf\u4e00-\u9fff]{2,})"
)


def _two_parts(key: str) -> tuple[str, ...]:
    """The parts of a series key made of two or more CJK characters and a Latin word of three
    letters or more, in either order and nothing else (凌放HARRIER, T-ROC探歌, YARISL致炫, 劲炫ASX),
    else ``()``: the CJK part, and the Latin part when it has four letters or more. A generic
    Latin word (``SUV``, ``PLUS``, ``E-TRON``) or a Roman numeral (赛豹III) makes no parts.

    >>> _two_parts('凌放HARRIER'), _two_parts('T-ROC探歌'), _two_parts('劲炫ASX')
    (('凌放', 'HARRIER'), ('T-ROC', '探歌'), ('劲炫',))
    >>> _two_parts('哈弗H6'), _two_parts('FJ酷路泽'), _two_parts('豪情SUV'), _two_parts('MG4EV')
    ((), (), (), ())
    """
    found = _TWO_PARTS.fullmatch(key)
    if found is None:
        return ()
    cjk = found.group("cjk1") or found.group("cjk2")
    latin = found.group("latin1") or found.group("latin2")
    letters = len(latin.replace("-", ""))
    generic = latin in _GENERIC_PARTS or latin in _GENERIC_LATIN or not latin.strip("IVX")
    if letters < 3 or generic or cjk == NEW_ENERGY:
        return ()
    if letters < 4:
        return (cjk,)
    return (cjk, latin) if found.group("cjk1") else (latin, cjk)


def _overlap(brand: str, key: str) -> int:
    """How many characters (two or more, fewer than both) end ``brand`` and begin ``key``: a
    brand and a series name sharing them are written once (长安跨越 and 跨越王X5: 2)."""
    for length in range(min(len(brand), len(key)) - 1, 1, -1):
        if brand.endswith(key[:length]):
            return length
    return 0


def _brand_rest(name: str, brand_forms: tuple[str, ...]) -> str:
    """What follows the brand a series key starts with (极氪001 -> 001), or ``""``."""
    for brand in brand_forms:
        rest = name[len(brand) :]
        if name.startswith(brand) and rest and rest[0] not in "(·-":
            return rest
    return ""


def _is_name(key: str, names: list[str]) -> bool:
    """Whether ``key`` is a series name of ``names`` (sorted): a spelling that is a word anyway
    (欧蓝德, of 欧蓝德(进口), is 广汽三菱's 欧蓝德), so deriving it adds no new reading."""
    at = bisect.bisect_left(names, key)
    return at < len(names) and names[at] == key


def _extended(key: str, own: str, names: list[str]) -> bool:
    """Whether a name of ``names`` (sorted) other than ``key`` and ``own`` starts with ``key``."""
    at = bisect.bisect_left(names, key)
    while at < len(names) and names[at].startswith(key):
        if names[at] not in (key, own):
            return True
        at += 1
    return False


def _brand_words(brand: str) -> list[str]:
    """Derived spellings of a brand as printed on driving licences (``大众汽车``, ``吉利``)."""
    words: list[str] = []
    latin = re.match(r"([A-Za-z]+)(.+)", brand)
    if latin and not latin.group(2).isascii():
        words.append(latin.group(2))  # SERES赛力斯 -> 赛力斯
        brand = latin.group(2)
    if brand.endswith("汽车") and len(brand) > 3:
        words.append(brand[:-2])
    elif not brand.isascii():
        words.append(brand + "汽车")
    for group in _GROUPS:
        rest = brand[len(group) :]
        if brand.startswith(group) and len(rest) >= 2 and rest not in _NOT_BRAND_WORDS:
            words.append(rest)
    return words


def _brand_forms(brand: str) -> tuple[str, ...]:
    """The brand's key, also without ``汽车`` (零跑汽车 -> 零跑) or its group (广汽传祺 -> 传祺),
    longest first."""
    key = key_of(brand)
    if not key:
        return ()
    forms = [key]
    if key.endswith("汽车") and len(key) > 3:
        forms.append(key[:-2])
    forms += (
        key[len(g) :]
        for g in _GROUPS
        if key.startswith(g) and len(key) - len(g) >= 2 and key[len(g) :] not in _NOT_BRAND_WORDS
    )
    return tuple(forms)


_LONG_WHEELBASE = frozenset({"L", "LI", "-L"})


def _local_versions(
    entries: Iterable[SeriesEntry], brand_manufacturers: Mapping[str, frozenset[str]]
) -> dict[tuple[str, str], str]:
    """(domestic producer, import's series) -> the long-wheelbase version of an imported series
    that a producer of its brand builds in China: the one series of that producer and brand
    whose name extends the import's, by ``L``, ``Li`` or ``-L`` (华晨宝马, 宝马X5 -> 宝马X5 Li;
    奇瑞捷豹路虎, 捷豹XF -> 捷豹XFL). Another extension (揽胜 -> 揽胜极光, 雪铁龙C4 -> C4世嘉)
    names another series, and two extensions name none."""
    own: dict[tuple[str, str], list[str]] = defaultdict(list)
    imported: list[SeriesEntry] = []
    for entry in entries:
        if not entry.series:
            continue
        if is_imported(entry.manufacturer):
            imported.append(entry)
        else:
            own[entry.manufacturer, entry.brand].append(
                key_of(entry.series) + "\x00" + entry.series
            )
    found: dict[tuple[str, str], str] = {}
    for entry in imported:
        base = key_of(entry.series)
        for producer in brand_manufacturers.get(entry.brand, ()):
            longer = {
                key.split("\x00", 1)[1]
                for key in own.get((producer, entry.brand), ())
                if key.startswith(base) and not key.startswith(base + "\x00")
            }
            if len(longer) == 1:
                (name,) = longer
                if key_of(name)[len(base) :] in _LONG_WHEELBASE:
                    found[producer, entry.series] = name
    return found


class Index:
    """Everything a `Classifier` looks up, built from catalogue entries."""

    __slots__ = (
        "brand_manufacturers",
        "code_finder",
        "coded",
        "conventional",
        "enterprise",
        "foreign_wmi",
        "import_code",
        "local_versions",
        "manufacturer_brands",
        "new_energy",
        "pairs",
        "prefix_lengths",
        "prefixes",
        "singles",
        "split_prefixes",
        "wmi",
        "words",
    )

    def __init__(self, entries: Iterable[SeriesEntry]) -> None:
        entries = tuple(entries)
        brand_mfrs: dict[str, set[str]] = defaultdict(set)
        mfr_brands: dict[str, set[str]] = defaultdict(set)
        prefixes: dict[str, set[str]] = defaultdict(set)
        wmi: dict[str, set[str]] = defaultdict(set)
        series: dict[str, dict[SeriesEntry, int]] = defaultdict(dict)

        def add_series(key: str, entry: SeriesEntry, priority: int) -> None:
            if key:
                best = series[key].get(entry, priority)
                series[key][entry] = min(best, priority)

        names = sorted({key_of(entry.series) for entry in entries if entry.series})
        # An alias that is the start of its own series' name and the full name of another series
        # of its brand is a part of a two-part name (奔驰GLE of 奔驰GLE AMG, 哈弗H6 of 哈弗H6
        # Coupe): it names that other series only.
        named = {(entry.brand, key_of(entry.series)) for entry in entries if entry.series}
        parts: list[tuple[str, SeriesEntry]] = []
        latin_forms: dict[str, list[str]] = defaultdict(list)
        for latin_name, latin_brand in _LATIN_BRANDS.items():
            latin_forms[latin_brand].append(key_of(latin_name))
        for entry in entries:
            if entry.brand:
                brand_mfrs[entry.brand].add(entry.manufacturer)
                mfr_brands[entry.manufacturer].add(entry.brand)
            for prefix in entry.model_code_prefixes:
                prefixes[prefix].add(entry.manufacturer)
            for code in entry.wmi:
                wmi[code].add(entry.manufacturer)
            if not entry.series:
                continue
            name = key_of(entry.series)
            brand_forms = _brand_forms(entry.brand)
            spellings = [(name, P_NAME)]
            spellings += _derived(name, brand_forms, names)
            for alias in entry.aliases:
                key = key_of(alias)
                if key != name and name.startswith(key) and (entry.brand, key) in named:
                    continue
                spellings.append((key, P_WEAK if _is_weak_alias(key, name) else P_ALIAS))
            # An accented name is also typed without its accents (Huracán: HURACAN).
            spellings += [(_folded(k), p) for k, p in spellings if not k.isascii() and _folded(k)]
            parts.extend((part, entry) for part in _two_parts(name))
            latins = latin_forms.get(entry.brand, ())
            for key, priority in spellings:
                add_series(key, entry, priority)
                # The brand written before a name or alias (丰田RAV4, 本田Fit, TOYOTA CAMRY):
                # never weak; a brand ending as the name begins is written once (长安跨越 and
                # 跨越王X5: 长安跨越王X5).
                qualified = P_ALIAS if priority == P_WEAK else priority
                for brand in (*brand_forms, *latins) if key.isascii() else brand_forms:
                    if key and not key.startswith(brand):
                        add_series(brand + key, entry, qualified)
                        overlap = _overlap(brand, key)
                        if overlap:
                            add_series(brand + key[overlap:], entry, qualified)
            # The rest of a name after its brand, after another spelling of the brand: 哪吒U for
            # 哪吒汽车U, MAZDA 6 for 马自达6, LYNK&CO 01 for 领克01 (alone, such a rest is too
            # short to be read).
            imported = name.endswith(IMPORTED)
            rest = _brand_rest(name[: -len(IMPORTED)] if imported else name, brand_forms)
            if rest:
                for brand in (*brand_forms, *latins) if rest.isascii() else brand_forms:
                    if not rest.startswith(brand):
                        add_series(brand + rest, entry, P_DERIVED if imported else P_ALIAS)

        known = {e.manufacturer for e in entries}
        manufacturer_words: dict[str, set[str]] = defaultdict(set)
        for mfr in known:
            key = key_of(mfr)
            manufacturer_words[key].add(mfr)
            if "-" in key:
                manufacturer_words[key.replace("-", "")].add(mfr)
            if key.endswith(IMPORTED):
                manufacturer_words["进口" + key[: -len(IMPORTED)]].add(mfr)
        for former, targets in _FORMER_NAMES.items():
            present = {t for t in targets if t in known}
            if present and key_of(former) not in manufacturer_words:
                manufacturer_words[key_of(former)] |= present

        brand_words: dict[str, set[str]] = defaultdict(set)
        for brand in brand_mfrs:
            brand_words[key_of(brand)].add(brand)
        derived_words = {brand: _brand_words(brand) for brand in brand_mfrs}
        for latin, brand in _LATIN_BRANDS.items():
            if brand in derived_words:
                derived_words[brand].append(latin)
        for brand, derived_list in derived_words.items():
            for derived in map(key_of, derived_list):
                taken = derived in series or derived in manufacturer_words
                if derived and not taken and derived not in brand_words:
                    brand_words[derived].add(brand)

        # Each part of a name made of a Chinese and a Latin part (凌放HARRIER, T-ROC探歌, YARiS L
        # 致炫) is written alone and names the series, unless it is another name, brand or
        # producer.
        spoken = {*names, *brand_words, *manufacturer_words}
        brands_of_part: dict[str, set[str]] = defaultdict(set)
        branded = set()  # names whose CJK part is a brand: 摩根Aero is the brand and a model
        for part, entry in parts:
            brands_of_part[part].add(entry.brand)
            if part in brand_words:
                branded.add(entry)
        for part, entry in parts:
            rivals = series.get(part, {}).keys() - {entry}
            if part in spoken or rivals or len(brands_of_part[part]) > 1 or entry in branded:
                continue
            # a CJK part that another name starts with (新豹 of 新豹MINI, 新豹T3) says too little
            if is_cjk(part[-1]) and _extended(part, key_of(entry.series), names):
                continue
            add_series(part, entry, P_DERIVED)

        words: dict[str, Word] = {}

        def word(key: str) -> Word:
            if key not in words:
                words[key] = Word(key)
            return words[key]

        for key, by_entry in series.items():
            ranked = sorted(by_entry.items(), key=lambda item: (item[1], item[0].series))
            if key in brand_words or key in manufacturer_words:
                ranked = [item for item in ranked if item[1] == P_NAME]
            if ranked:
                word(key).series = tuple((priority, entry) for entry, priority in ranked)
        for key, brands in brand_words.items():
            word(key).brands = tuple(sorted(brands))
        for key, mfrs in manufacturer_words.items():
            # An importer named like a brand that has other producers (五十铃, 捷豹) is read as
            # that brand: 五十铃 alone may be 庆铃汽车's or 江西五十铃's, 庆铃五十铃 is 庆铃's.
            brand_makers = {m for b in brand_words.get(key, ()) for m in brand_mfrs[b]}
            kept = {m for m in mfrs if not (is_imported(m) and brand_makers - {m})}
            if kept:
                word(key).manufacturers = frozenset(kept)
        for key, marker in _MARKERS.items():
            if key not in words:
                word(key).marker = marker
        for descriptor in _DESCRIPTORS:
            if descriptor not in words:
                word(descriptor).marker = "descriptor"

        pairs: dict[str, set[int]] = defaultdict(set)
        for key in words:
            if len(key) > 1:
                pairs[key[:2]].add(len(key))

        self.brand_manufacturers = {b: frozenset(m) for b, m in brand_mfrs.items()}
        shared: dict[frozenset[str], frozenset[str]] = {}
        for item in words.values():
            item.finish(self.brand_manufacturers, shared)
        self.words = words
        self.pairs = {c: tuple(sorted(lengths, reverse=True)) for c, lengths in pairs.items()}
        self.singles = {key: w for key, w in words.items() if len(key) == 1}
        self.prefixes = {p: frozenset(m) for p, m in prefixes.items()}
        # A prefix shared by a producer of new-energy vehicles only and others (SQR: 奇瑞新能源,
        # 奇瑞汽车) gets a second key for codes without a new-energy sign, which names the same
        # producers (the code alone still does not decide) and, in ``conventional``, the others.
        self.conventional: dict[str, frozenset[str]] = {}
        for prefix, found in list(self.prefixes.items()):
            if prefix.endswith(MOTORCYCLE):
                continue
            others = frozenset(m for m in found if NEW_ENERGY not in m)
            if others and others != found:
                self.prefixes[prefix + CONVENTIONAL] = found
                self.conventional[prefix + CONVENTIONAL] = others
        #: Prefixes that `code_prefix` splits by the code's powertrain.
        self.split_prefixes = frozenset(p[: -len(CONVENTIONAL)] for p in self.conventional)
        #: Producers with a model-code prefix in the catalogue.
        self.coded = frozenset(m for found in prefixes.values() for m in found)
        cars = [p for p in prefixes if not p.endswith(MOTORCYCLE)]
        self.prefix_lengths = tuple(sorted({len(p) for p in cars}, reverse=True))
        # The producers of each enterprise code (the letters: BJ is 福田汽车's BJ1/BJ4 and
        # 北京汽车's BJ2/BJ7), for each prefix (and its `CONVENTIONAL` key).
        by_letters: dict[str, set[str]] = defaultdict(set)
        for prefix in cars:
            by_letters[prefix.rstrip("0123456789")] |= prefixes[prefix]
        #: Prefix -> the producers of every prefix with the same enterprise code, for the
        #: prefixes whose enterprise code has other producers than their own.
        self.enterprise: dict[str, frozenset[str]] = {}
        for key, own in self.prefixes.items():
            if not key.endswith(MOTORCYCLE) or key in self.conventional:
                group = frozenset(by_letters[key.rstrip("0123456789" + CONVENTIONAL)])
                if group != own:
                    self.enterprise[key] = group
        self.wmi = {w: frozenset(m) for w, m in wmi.items()}
        #: WMI codes assigned outside China: an import's model code starts with one (奔驰牌WDD…).
        self.foreign_wmi = frozenset(w for w in wmi if w[0] != "L")
        #: Finds an import's model code: 7-10 VIN characters opening with a `foreign_wmi`.
        self.import_code = import_code_pattern(self.foreign_wmi)
        #: (producer, series) -> the producer's series of the same name and 新能源 (宋 -> 宋新能源).
        self.new_energy: dict[tuple[str, str], str] = {}
        series_of = {(e.manufacturer, e.series) for e in entries if e.series}
        for producer, name in series_of:
            base = name[: -len(NEW_ENERGY)].rstrip()
            if name.endswith(NEW_ENERGY) and (producer, base) in series_of:
                self.new_energy[producer, base] = name
        self.manufacturer_brands = {m: tuple(sorted(b)) for m, b in mfr_brands.items()}
        self.local_versions = _local_versions(entries, self.brand_manufacturers)
        self.code_finder = CodeFinder(prefixes, words, self.tail_word)

    def tail_word(self, head: str, tail: str, rest: str) -> bool:
        """Whether ``tail``, a piece a stray space joined to the model code ``head``, begins a
        word (read on with ``rest``, the text after it) that is no suffix of the code: a word
        of more than three characters (``MODEL Y``), or a series word of three characters of
        the code's producer (``MG5`` after a 上汽乘用车 ``CSA7`` code), not a piece of the
        maker's suffix (``HG7203B BV``, ``BYD7150 ST5HEV4``); a piece of two characters is
        the suffix's unless it opens with a letter and names a series of the code's producer
        (``CA7180AT6 H5``, ``YQZ7164E K3``, ``CSA6452SCAA ZS``: a stray space splits a code in
        its digits or before its suffix far more often than two characters before its end).

        >>> from custmaster.catalog.vehicle_series import VehicleCatalog
        >>> index = Index(VehicleCatalog.load())
        >>> [index.tail_word(*case) for case in (('CSA7150ACS', 'MG5', ''),
        ...     ('TSL6480BEVBR0', 'MODEL', ' Y'), ('HG7203B', 'BV', ''), ('BYD7150', 'ST5', ''),
        ...     ('CA7180AT6', 'H5', ''), ('HG7203B', 'H5', ''), ('CSA6452SCAA', 'ZS', ''))]
        [True, True, False, False, True, False, True]
        """
        text, gaps = compact_gaps((tail + rest)[:32])
        for length in self.pairs.get(text[:2], ()):
            if length < len(tail):
                break
            if length > len(text):
                continue
            found = self.words.get(text[:length])
            if found is None or not self._fits(found, text, 0, length, gaps=gaps, last_end=-1):
                continue
            if length > 3:
                return True
            # A piece of two characters is the maker's suffix (HG7203B BV) unless it is a
            # letter and a digit naming a series of the code's producer (CA7180AT6 H5), or two
            # letters that are such a series' name without its brand (CSA6452SCAA ZS: 名爵ZS;
            # not KX, a part of KX CROSS).
            letters = tail[1:] in ASCII_LETTERS
            if length < 3 and (
                tail[0] not in ASCII_LETTERS or (not letters and tail[1:] not in _DIGITS)
            ):
                return False
            producers = self.prefixes.get(self.prefix_of(head.replace(" ", "")), frozenset())
            return any(
                entry.manufacturer in producers
                and not (
                    length < 3
                    and letters
                    and _brand_rest(key_of(entry.series), _brand_forms(entry.brand)) != tail
                )
                for _, entry in found.series
            )
        return False

    def importer_namesakes(self, brands: Iterable[str]) -> frozenset[str]:
        """Importers named after one of ``brands`` (奔驰 -> 奔驰(进口), not 梅赛德斯-AMG)."""
        return frozenset(
            m
            for brand in brands
            for m in self.brand_manufacturers.get(brand, ())
            if key_of(m) == key_of(brand) + IMPORTED
        )

    def namesakes(self, brands: Iterable[str]) -> frozenset[str]:
        """Domestic producers named after one of ``brands`` (奇瑞 -> 奇瑞汽车, 东风 -> 东风汽车)."""
        found: set[str] = set()
        for brand in brands:
            base = key_of(brand)
            base = base[:-2] if base.endswith("汽车") and len(base) > 3 else base
            for name in (base, base + "汽车"):
                found.update(
                    m
                    for m in self.brand_manufacturers.get(brand, ())
                    if key_of(m) == name and not is_imported(m)
                )
        return frozenset(found)

    def prefix_of(self, code: str) -> str:
        """The longest catalogue prefix ``code`` starts with, or ``""``; its producers are
        ``prefixes[prefix]``.

        A model code is always longer than a prefix it starts with (its letters and at least
        four digits; a prefix has at most two), so ``code[:prefix_lengths[0]]`` gives the same
        for a car code. A motorcycle code (``HJ125-7``: `motorcycle_prefix`) is recognised only
        when the ``-`` after its displacement is in ``code``.
        """
        prefixes = self.prefixes
        if MOTORCYCLE in code:
            found = self.motorcycle_prefix(code)
            if found:
                return found
        for length in self.prefix_lengths:
            prefix = code[:length]
            if prefix in prefixes:
                return prefix
        return ""

    def motorcycle_prefix(self, code: str) -> str:
        """The catalogue prefix of a motorcycle model code (``HJ125-7`` -> ``HJ-``), or ``""``
        when ``code`` is no motorcycle code or its enterprise code is not in the catalogue.

        >>> from custmaster.catalog.vehicle_series import VehicleCatalog
        >>> index = Index(VehicleCatalog.load())
        >>> index.motorcycle_prefix('HJ125-7'), index.motorcycle_prefix('LF7160-A')
        ('HJ-', '')
        """
        letters = motorcycle_letters(code)
        if letters is None or letters + MOTORCYCLE not in self.prefixes:
            return ""
        return letters + MOTORCYCLE

    def code_prefix(self, code: str, prefix: str | None = None) -> str:
        """`prefix_of` (or the given ``prefix`` of ``code``), with `CONVENTIONAL` appended when
        the prefix is one of ``split_prefixes`` and the code shows no new-energy sign: no ``EV``
        (BEV, PHEV, HEV) after the prefix and, for a car (class 7), a displacement that is not
        ``00`` (``SQR7000BEVJ``).

        >>> from custmaster.catalog.vehicle_series import VehicleCatalog
        >>> index = Index(VehicleCatalog.load())
        >>> [index.code_prefix(code) for code in ('SQR6460J2', 'SQR7000BEVJ', 'HG7240')]
        ['SQR6-', 'SQR7', 'HG7']
        """
        if prefix is None:
            prefix = self.prefix_of(code)
        if prefix not in self.split_prefixes:
            return prefix
        rest = code[len(prefix) :]
        if _NEW_ENERGY_CODE in rest or (prefix[-1] == "7" and rest[:2] == "00"):
            return prefix
        return prefix + CONVENTIONAL

    def scan(self, text: str, gaps: frozenset[int]) -> list[tuple[int, Word]]:
        """Leftmost-longest words of ``text`` (compact form), respecting token boundaries.

        ``gaps`` are the positions where white space was removed: a boundary for Latin words.
        """
        hits: list[tuple[int, Word]] = []
        n = len(text)
        i = 0
        last_end = -1
        while i < n:
            found = self.match_at(text, i, gaps, last_end)
            if found is None:
                i += 1
                continue
            hits.append((i, found))
            i += len(found.key)
            last_end = i
        return hits

    def match_at(self, text: str, i: int, gaps: frozenset[int], last_end: int) -> Word | None:
        """The longest acceptable word starting at ``i``, or ``None``."""
        n = len(text)
        lengths = self.pairs.get(text[i : i + 2], ())
        for length in lengths:
            end = i + length
            if end > n:
                continue
            found = self.words.get(text[i:end])
            if found is not None and self._fits(found, text, i, end, gaps=gaps, last_end=last_end):
                return found
        found = self.singles.get(text[i])
        if found is not None and self._fits(found, text, i, i + 1, gaps=gaps, last_end=last_end):
            return found
        return None

    def _fits(
        self, found: Word, text: str, i: int, end: int, *, gaps: frozenset[int], last_end: int
    ) -> bool:
        """Whether ``found`` may be read at ``text[i:end]`` (token boundaries)."""
        if found.left and i and i not in gaps and text[i - 1] in ASCII_ALNUM:
            return False
        if found.right and end < len(text) and end not in gaps:
            after = text[end]
            if (
                after in ASCII_ALNUM
                and (found.right == 1 or after in ASCII_LETTERS)
                and not (after in _DIGITS and _trim_number(found.key, text, end))
                and not (after == "L" and _long_wheelbase(found.key, text, end, gaps))
            ):
                return False
            # The integer part of a number is no word's final digit (旗云 1.5T is not 旗云1).
            if after == "." and found.key[-1] in _DIGITS and text[end + 1 : end + 2] in _DIGITS:
                return False
        return not found.single or self._stands_apart(text, i, gaps, last_end)

    def _stands_apart(self, text: str, i: int, gaps: frozenset[int], last_end: int) -> bool:
        if i and i != last_end and i not in gaps and is_cjk(text[i - 1]):
            return False
        j = i + 1
        if j >= len(text) or j in gaps or not is_cjk(text[j]):
            return True
        # Another word starts right after it (秦插电式混合动力): boundaries are not checked here.
        if text[j] in self.singles:
            return True
        n = len(text)
        return any(
            j + length <= n and text[j : j + length] in self.words
            for length in self.pairs.get(text[j : j + 2], ())
        )
