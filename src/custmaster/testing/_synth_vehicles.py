"""Vehicles for the synthetic book: producers from the classifier's catalogue.

Private data for `custmaster.testing.synth`. The producers are those of the shipped vehicle
series catalogue (`custmaster.catalog.vehicle_series.VehicleCatalog`) that have both model
code prefixes (GB 9417 enterprise code and class digit, ``HG7``) and a VIN WMI (``LHG``), so
that every make/model string can be classified and every VIN names its maker. Only the rows of
passenger cars count: the catalogue's commercial rows (source ``commercial:curated``: buses
such as 宇通 ``ZK6``, trucks, special vehicles, motorcycles) never give a private car its
producer, series or code, so adding them leaves the book unchanged. Each producer
comes with a rough share of the private-car market (`MARKET`, weights, not statistics) and
the engine model codes its engine numbers start with (`ENGINES`).

A make/model string (厂牌型号) is written as the driving licence and the core systems write
it: the brand and 牌 then the model code (``本田牌HG7203A``), the series then the model code
(``雅阁HG7240ABCVT``), or the producer then the model code (``广汽本田HG7180F``).
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from custmaster.catalog.vehicle_series import VehicleCatalog

__all__ = [
    "COMMERCIAL",
    "DESCRIPTORS",
    "ENGINES",
    "MARKET",
    "SUFFIXES",
    "Producer",
    "producers",
]

#: The source tag of the catalogue's commercial-vehicle and motorcycle rows
#: (``tools/vehicle-series-commercial.csv``): no private car is drawn from them.
COMMERCIAL = "commercial:curated"

#: Producer -> market weight.
MARKET: dict[str, int] = {
    "上汽大众": 10, "一汽-大众": 10, "上汽通用": 8, "比亚迪": 9, "吉利汽车": 7, "东风日产": 6,
    "广汽本田": 5, "一汽丰田": 5, "广汽丰田": 5, "长城汽车": 5, "上汽通用五菱": 5, "东风本田": 4,
    "奇瑞汽车": 4, "长安福特": 3, "北京现代": 3, "上汽乘用车": 3, "华晨宝马": 3, "北京奔驰": 3,
    "特斯拉中国": 3, "广汽乘用车": 2, "东风悦达起亚": 2, "一汽红旗": 2, "长安马自达": 1,
    "一汽奔腾": 1, "东风标致": 1, "东风雪铁龙": 1, "江淮汽车": 1, "东风乘用车": 1, "沃尔沃亚太": 1,
}  # fmt: skip

#: Producer -> engine model codes (the start of its engine numbers).
ENGINES: dict[str, tuple[str, ...]] = {
    "上汽大众": ("EA211", "EA888", "CSS", "DJS"), "一汽-大众": ("EA211", "DKX", "CST"),
    "上汽通用": ("LFV", "LI6", "L2B"), "比亚迪": ("BYD473QA", "BYD476ZQA", "TZ220XS"),
    "吉利汽车": ("JLC4G15", "JLH3G15", "JLB4G14"), "东风日产": ("HR16", "MR20", "HR15"),
    "广汽本田": ("L15B", "R18Z", "K20C"), "一汽丰田": ("2ZR", "8NR", "M20C"),
    "广汽丰田": ("2ZR", "A25A", "M15A"), "长城汽车": ("GW4G15", "GW4B15"),
    "上汽通用五菱": ("LAR", "LJO"), "东风本田": ("L15B", "R18Z"),
    "奇瑞汽车": ("SQRE4G15", "SQRF4J16"), "长安福特": ("CAF488", "CAF479"),
    "北京现代": ("G4FG", "G4NA"), "上汽乘用车": ("15S4C", "20L4E"), "华晨宝马": ("B48", "B38"),
    "北京奔驰": ("M264", "M274"), "特斯拉中国": ("TZ180XS", "3D3"),
    "广汽乘用车": ("4A15J1", "4B20J1"), "东风悦达起亚": ("G4FG", "G4NA"),
    "一汽红旗": ("CA4GB20", "CA4GC20"), "长安马自达": ("PE", "P5"), "一汽奔腾": ("CA4GB15",),
    "东风标致": ("EC5", "10B"), "东风雪铁龙": ("EC5", "10B"), "江淮汽车": ("HFC4GA3",),
    "东风乘用车": ("DFMA15",), "沃尔沃亚太": ("B4204T",),
}  # fmt: skip

#: Suffixes after the digits of a model code.
SUFFIXES: tuple[str, ...] = (
    "", "A", "B", "AB", "BBV", "MX", "E6", "DM", "GH", "TL", "L2", "AC5", "F", "CVT", "ABCVT",
)  # fmt: skip
#: Words some systems append to the make/model.
DESCRIPTORS: tuple[str, ...] = ("轿车", "普通轿车", "多用途乘用车", "运动型多用途乘用车")


class Producer(NamedTuple):
    """One producer: its series ``(brand, series)``, car and SUV code prefixes, WMI, engines."""

    name: str
    weight: int
    series: tuple[tuple[str, str], ...]
    prefixes: tuple[str, ...]
    wmi: str
    engines: tuple[str, ...]


@functools.cache
def producers() -> tuple[Producer, ...]:
    """The producers of the shipped catalogue with passenger-car series, car and SUV model-code
    prefixes (class 6 or 7) and a WMI, by name; commercial rows are left out."""
    catalog = VehicleCatalog.load()
    found: dict[str, tuple[list[tuple[str, str]], set[str], set[str]]] = {}
    for entry in catalog:
        if COMMERCIAL in entry.source:
            continue
        series, prefixes, wmis = found.setdefault(entry.manufacturer, ([], set(), set()))
        if entry.series:
            series.append((entry.brand or entry.manufacturer, entry.series))
        prefixes.update(p for p in entry.model_code_prefixes if p[-1] in "67")
        wmis.update(entry.wmi)
    result = []
    for name in sorted(found):
        series, prefixes, wmis = found[name]
        if not (series and prefixes and wmis):
            continue
        result.append(
            Producer(
                name=name,
                weight=MARKET.get(name, 1),
                series=tuple(series),
                prefixes=tuple(sorted(prefixes)),
                wmi=sorted(wmis)[0],
                engines=ENGINES.get(name, ("4G15", "4G18")),
            )
        )
    return tuple(result)
