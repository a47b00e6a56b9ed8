"""The vehicle-series classifier on a fourth set of strings written for evaluation only, and the
rules and catalogue facts its misses led to.

``tests/data/vehicle-unseen-4.csv`` holds 314 厂牌型号 strings in the styles the earlier sets
cover least, none repeating a string of another file of tests/data: new-energy makers and their
series with their 公告 codes (理想牌LXA…, 赛力斯牌SCM…, 小米牌BJ7000MBEV… built under 北京汽车's
code, 深蓝牌SC7…, 腾势牌BYD6…), plug-in variants of imports and joint ventures (宝马530Le,
X5 xDrive45e, 奔驰C350eL, 揽胜 P400e), AMG, M and RS models, the X5 built in Shenyang since 2022
(Li trims, BMW6… codes, LBV VINs), heavy and light trucks, pick-ups, vans, buses, motorcycles,
three-wheelers, tractors, trailers and strings naming no vehicle. It was committed before the
classifier was run on any of them. A series is expected only where the string names it, as the
catalogue names it (two series the catalogue lacked then, 华晨宝马 宝马X5 Li and Audi Sport
奥迪RS Q8, were named as it now names them). Before the changes it led to the classifier got 304
of the 314 producers (96.8 %) and 170 of the 191 named series (89.0 %), with 15 strings given a
wrong producer or series: the long X5 read as the import, plug-in trims read as the petrol
series, 奔驰A35L AMG as the imported AMG, 奥迪RS Q8 as the 奥迪TT RS, and a 福田雷沃 tractor as
福田汽车 (written with no producer, as the catalogue had no tractor maker; it now expects
雷沃重工, which the catalogue has gained). Part 1 (314 strings) was committed before the
classifier was run on it; part 2 (111 strings) after part 1's misses were fixed, to probe other
shapes (licences printing a new-energy brand over a contract maker's code, alliance and partner
names, M Performance trims, Latin truck badges, launches of 2024-2025), and before any fix for
it. Before its fixes part 2 had 103 of 111 producers (92.8 %) and 66 of its 78 named series
(84.6 %) right, with 8 strings wrong: 鸿蒙智行 read as 北京汽车's 智行, 五征奥驰 as 五征汽车,
DONGFENG KL and 东风奕派 as 东风汽车, and series the catalogue lacked read as their elders
(猛士917 as 猛士, 天龙旗舰KX as 天龙, e-tron GT as e-tron).
"""

from __future__ import annotations

import pytest

from _vehicle_helpers import assert_held_out_set_is_new, assert_part_is_right, corpus_rows
from custmaster.catalog import vehicle_series as vs
from custmaster.catalog._index import is_imported
from custmaster.catalog.vehicle_series import VehicleClass, classify

NAME = "vehicle-unseen-4.csv"


ROWS = corpus_rows(NAME)


def _classify(row: dict[str, str]) -> VehicleClass:
    return classify(row["input"], vin=row["vin"] or None)


def test_the_set_is_new_and_its_expectations_are_catalogue_rows() -> None:
    assert_held_out_set_is_new(NAME, ROWS, 250)
    assert {row["set"] for row in ROWS} == {"part1", "part2"}


# What the classifier still misses, neither wrong: 雅马哈巧格i, a brand of two makers and a
# scooter the catalogue lacks. (宝马X5 BMW6502EX, whose series word 宝马X5 is the import's, is
# read as the X5 Li since vehicle-unseen-5.csv: the one X5 华晨宝马 builds.)
MISSES: dict[str, list[tuple[str, str | None, str | None]]] = {
    "part1": [],
    "part2": [("雅马哈巧格i 125", None, None)],
}


@pytest.mark.parametrize("part", ["part1", "part2"])
def test_accuracy_on_each_part_and_never_confidently_wrong(part: str) -> None:
    rows = [row for row in ROWS if row["set"] == part]
    assert_part_is_right(rows, _classify, MISSES[part])


def test_strings_the_catalogue_cannot_know_are_unclassified_with_a_reason() -> None:
    empty = [row for row in ROWS if not row["expected_manufacturer_cn"]]
    assert len(empty) >= 20
    assert {row["style"] for row in empty} >= {
        "none",
        "trailer_unknown_maker",
        "tractor_unknown_maker",
        "moto_unknown_maker",
        "farm_unknown_maker",
    }
    for row in empty:
        result = _classify(row)
        assert (result.manufacturer, result.series, result.confidence) == (None, None, 0.0)
        assert result.reason in vs.REASONS, row["input"]


@pytest.mark.parametrize(
    "kinds",
    [
        ("nev",),
        ("phev", "import"),
        ("truck", "special"),
        ("lt_", "pickup", "van"),
        ("bus",),
        ("moto", "ebike", "farm", "tractor", "trailer"),
    ],
)
def test_each_kind_of_string_is_read(kinds: tuple[str, ...]) -> None:
    rows = [row for row in ROWS if row["style"].startswith(kinds)]
    assert len(rows) >= 12
    known = {text for found in MISSES.values() for text, _, _ in found}
    assert [
        row["input"]
        for row in rows
        if _classify(row).manufacturer != (row["expected_manufacturer_cn"] or None)
        and row["input"] not in known
    ] == []


# --- the rules and catalogue facts the misses led to -------------------------------------------


@pytest.mark.parametrize(
    ("text", "manufacturer", "series"),
    [
        # A number and e (or Le) names a German plug-in trim ...
        ("宝马X5 xDrive45e", "宝马(进口)", "宝马X5新能源"),
        ("宝马 X1 25Le", "华晨宝马", "宝马X1新能源"),
        ("奔驰GLE350e", "奔驰(进口)", "奔驰GLE新能源"),
        ("揽胜运动版 P400e", "路虎(进口)", "揽胜运动版新能源"),
        # ... as do TFSI e, E-Hybrid and Volvo's E驱混动.
        ("奥迪A6L 55 TFSI e", "一汽-大众", "奥迪A6L新能源"),
        ("Cayenne E-Hybrid", "保时捷", "Cayenne新能源"),
        ("沃尔沃XC60 T8 E驱混动", "沃尔沃亚太", "沃尔沃XC60新能源"),
        # A decimal before the E is an engine size and a trim letter; a TSI is no TFSI e.
        ("途观L 2.0E", "上汽大众", "途观L"),
        ("帕萨特 330TSI", "上汽大众", "帕萨特"),
        # A plug-in sign beside a series without a 新能源 row keeps the series.
        ("奔驰E350e L", "北京奔驰", "奔驰E级"),
    ],
)
def test_plug_in_trims_name_the_new_energy_series(
    text: str, manufacturer: str, series: str
) -> None:
    result = classify(text)
    assert (result.manufacturer, result.series) == (manufacturer, series)


def test_performance_divisions_of_importers_count_as_importers() -> None:
    assert is_imported("梅赛德斯-AMG")
    assert is_imported("宝马M")
    assert not is_imported("北京奔驰")
    # The A-Class AMG is 北京奔驰's (A 35 L) and the import's: 进口 now picks the import ...
    result = classify("奔驰A级AMG 进口")
    assert (result.manufacturer, result.series) == ("梅赛德斯-AMG", "奔驰A级AMG(进口)")
    # ... and, without it, the domestic one is read, as its own trim name says.
    assert classify("奔驰A级AMG").manufacturer == "北京奔驰"
    assert classify("奔驰A35L AMG").series == "奔驰A级AMG"
    # Among importers only, the brand's namesake is kept.
    assert classify("奔驰 进口").manufacturer == "奔驰(进口)"


@pytest.mark.parametrize(
    ("text", "vin", "manufacturer", "series"),
    [
        # The X5 built in Shenyang since 2022 is read by its Li trims, its code or its VIN ...
        ("宝马X5 xDrive30Li", None, "华晨宝马", "宝马X5 Li"),
        ("宝马X5L", None, "华晨宝马", "宝马X5 Li"),
        ("宝马牌BMW6502DX", None, "华晨宝马", None),
        ("宝马X5", "LBVJY9106PN123456", "华晨宝马", "宝马X5 Li"),
        # ... while a plain X5 and the i trims stay the imported X5, as the earlier sets pin.
        ("宝马X5", None, "宝马(进口)", "宝马X5"),
        ("宝马X5 xDrive40i", None, "宝马(进口)", "宝马X5"),
        ("宝马X5 M 进口", None, "宝马M", "宝马X5 M"),
    ],
)
def test_the_x5_of_shenyang(
    text: str, vin: str | None, manufacturer: str, series: str | None
) -> None:
    result = classify(text, vin=vin)
    assert (result.manufacturer, result.series) == (manufacturer, series)


@pytest.mark.parametrize(
    ("text", "manufacturer", "series"),
    [
        ("奥迪RS Q8", "Audi Sport", "奥迪RS Q8"),
        ("宝马745Le xDrive", "宝马(进口)", "宝马7系新能源"),
        ("奔驰C350eL", "北京奔驰", "奔驰C级新能源"),
        ("奔驰S580e", "奔驰(进口)", "奔驰S级新能源"),
        ("合众牌THZ6470BEVS003", "合众汽车", None),
        ("福田雷沃牌M904-D", "雷沃重工", None),  # a tractor maker, not 福田汽车
        ("雷沃牌M1004-D 轮式拖拉机", "雷沃重工", None),
    ],
)
def test_catalogue_facts_the_set_led_to(text: str, manufacturer: str, series: str | None) -> None:
    result = classify(text)
    assert (result.manufacturer, result.series) == (manufacturer, series)


@pytest.mark.parametrize(
    ("text", "manufacturer", "series"),
    [
        # A sales alliance names no producer, and no series inside it (智行 is 北京汽车's).
        ("鸿蒙智行 问界M7", "赛力斯", "问界M7"),
        ("HIMA 智界R7", "奇瑞汽车", "智界R7"),
        # FAW is the group's badge: the series decides, and alone it decides nothing.
        ("FAW J6P 460", "一汽解放", "解放J6P"),
        ("FAW VITA", None, None),
        # A group's name before its brand built by another of its producers.
        ("五征奥驰X3", "飞碟汽车", None),
        ("五征牌7YP-1150A", "五征汽车", None),
        # A truck line's short name after the brand's Latin badge.
        ("DONGFENG KL 465", "东风商用车", "天龙KL"),
        # Series launched 2021-2024 the catalogue lacked, read as their elders before.
        ("东风奕派eπ007", "东风乘用车", "东风奕派eπ007"),
        ("猛士917", "东风汽车", "猛士917"),
        ("天龙旗舰KX", "东风商用车", "天龙旗舰KX"),
        ("奥迪e-tron GT", "奥迪(进口)", "奥迪e-tron GT"),
        ("奥迪RS e-tron GT", "Audi Sport", "奥迪RS e-tron GT"),
        ("AMG SL63", "梅赛德斯-AMG", "奔驰SL级AMG"),
    ],
)
def test_part_two_led_to(text: str, manufacturer: str | None, series: str | None) -> None:
    result = classify(text)
    assert (result.manufacturer, result.series) == (manufacturer, series)
