"""The vehicle-series classifier on a third set of strings written for evaluation only, and the
rules and catalogue facts its misses led to.

``tests/data/vehicle-unseen-3.csv`` holds 541 厂牌型号 strings as Chinese insurers' policy
extracts hold them, none repeating a string of another file of tests/data. Part 1 (431 strings:
joint ventures, domestic and new-energy brands, imports, trucks, buses, special vehicles,
motorcycles, tricycles, electric two-wheelers, Latin, pinyin, full-width and bare codes, a VIN
beside the text, strings naming no vehicle) was committed before the classifier was run on
it; part 2 (110 strings) after part 1's misses were seen, to probe other shapes, and before any
fix. A series is expected only where the string names it, as the catalogue names it. Before
the changes they led to the classifier got 420 of part 1's producers (97.4 %) and 263 of its
276 named series (95.3 %), with 6 strings given a wrong producer or series; 88 of part 2's
producers (80.0 %) and 53 of its 78 named series (67.9 %), with 8 wrong.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from _vehicle_helpers import (
    assert_held_out_set_is_new,
    catalog_builder,
    catalog_inputs,
    corpus_rows,
)
from custmaster.catalog import vehicle_series as vs
from custmaster.catalog._index import Index
from custmaster.catalog.vehicle_series import VehicleCatalog, VehicleClass, classify

NAME = "vehicle-unseen-3.csv"


ROWS = corpus_rows(NAME)


def _classify(row: dict[str, str]) -> VehicleClass:
    return classify(row["input"], vin=row["vin"] or None)


def test_the_set_is_new_and_its_expectations_are_catalogue_rows() -> None:
    assert_held_out_set_is_new(NAME, ROWS, 250)
    assert {row["set"] for row in ROWS} == {"part1", "part2"}


@pytest.mark.parametrize(
    ("part", "producers", "series"),
    [
        # What the classifier achieves now (part 2's one miss: JETOUR T2, the brand 捷途 of
        # 奇瑞汽车 and 奇瑞新能源 with no word deciding).
        ("part1", 1.0, 1.0),
        ("part2", 0.99, 1.0),
    ],
)
def test_accuracy_on_each_part(part: str, producers: float, series: float) -> None:
    rows = [row for row in ROWS if row["set"] == part]
    results = [(row, _classify(row)) for row in rows]
    right = [r.manufacturer == (row["expected_manufacturer_cn"] or None) for row, r in results]
    named = [(row, r) for row, r in results if row["expected_series_cn"]]
    misses = [
        (row["input"], r.manufacturer, r.series)
        for row, r in results
        if (r.manufacturer, r.series)
        != (row["expected_manufacturer_cn"] or None, row["expected_series_cn"] or None)
    ]
    assert sum(right) / len(rows) >= producers, misses
    assert sum(r.series == row["expected_series_cn"] for row, r in named) / len(named) >= series
    # Never confidently wrong: a producer or a series given is the expected one.
    wrong = [
        (row["input"], r.manufacturer, r.series)
        for row, r in results
        if (r.manufacturer is not None and r.manufacturer != row["expected_manufacturer_cn"])
        or (r.series is not None and r.series != row["expected_series_cn"])
    ]
    assert wrong == []


def test_strings_naming_no_vehicle_are_unclassified_with_a_reason() -> None:
    empty = [row for row in ROWS if not row["expected_manufacturer_cn"]]
    assert len(empty) >= 25
    for row in empty:
        result = _classify(row)
        assert (result.manufacturer, result.series, result.confidence) == (None, None, 0.0)
        assert result.reason in vs.REASONS, row["input"]


@pytest.mark.parametrize("kinds", [("moto", "ebike"), ("truck", "bus", "special"), ("import",)])
def test_each_kind_of_string_is_read(kinds: tuple[str, ...]) -> None:
    rows = [row for row in ROWS if row["style"].startswith(kinds)]
    assert len(rows) >= 20
    assert [
        row["input"]
        for row in rows
        if _classify(row).manufacturer != (row["expected_manufacturer_cn"] or None)
    ] == []


# --- the rules the misses led to ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "manufacturer", "series"),
    [
        # Each part of a name made of a Chinese and a Latin word names the series alone.
        ("凌放 2.5L", "一汽丰田", "凌放HARRIER"),
        ("TOYOTA HARRIER", "一汽丰田", "凌放HARRIER"),
        ("赛那 2.5L", "广汽丰田", "赛那SIENNA"),
        ("凯迪拉克凯雷德", "凯迪拉克(进口)", "凯雷德ESCALADE"),
        ("大众探歌", "一汽-大众", "T-ROC探歌"),
        ("劲炫 2.0L", "广汽三菱", "劲炫ASX"),
        ("丰田 致享", "广汽丰田", "YARiS L 致享"),
        # An accented name is also read without its accents.
        ("兰博基尼 Huracan EVO", "兰博基尼", "Huracán"),
        # A brand ending as a series name begins is written once.
        ("长安跨越王X5", "长安跨越", "跨越王X5"),
        ("东风风神L7 新能源", "东风乘用车", "风神L7新能源"),
    ],
)
def test_series_spellings_the_set_led_to(text: str, manufacturer: str, series: str) -> None:
    result = classify(text)
    assert (result.manufacturer, result.series) == (manufacturer, series)


@pytest.mark.parametrize(
    "text",
    [
        "新豹",  # 新豹MINI, 新豹3 and 新豹T3 all start with it: no part of 新豹MINI
        "货车",  # PN货车's Chinese part after a two-letter word
        "挑战者",  # 挑战者SUV: SUV is generic
    ],
)
def test_parts_that_say_too_little_name_no_series(text: str) -> None:
    assert classify(text).series is None


@pytest.mark.parametrize(
    ("text", "manufacturer", "series"),
    [
        ("HOWO T7H", "中国重汽", "豪沃T7H"),
        ("SITRAK C7H", "中国重汽", "汕德卡C7H"),
        ("SHACMAN X3000", "陕汽重卡", "德龙X3000"),
        ("HAOJUE HJ125-8", "大长江集团", None),
        ("YADEA 电动车", "雅迪科技", None),
    ],
)
def test_latin_names_of_more_makers(text: str, manufacturer: str, series: str | None) -> None:
    result = classify(text)
    assert (result.manufacturer, result.series) == (manufacturer, series)


def test_an_importer_named_like_a_brand_is_read_as_the_brand() -> None:
    # 五十铃 is also the catalogue's importer of the overseas D-MAX: alone it is ambiguous ...
    assert classify("五十铃").reason == "ambiguous_brand"
    assert classify("捷豹").reason == "ambiguous_brand"
    # ... and 庆铃五十铃 is 庆铃汽车's, without a conflict.
    result = classify("庆铃五十铃 ELF 100P")
    assert (result.manufacturer, result.conflicts) == ("庆铃汽车", ())
    # The importer's name with 进口, or an imported series, still names it.
    assert classify("进口五十铃").manufacturer == "五十铃"
    assert classify("捷豹XF").manufacturer == "捷豹"


@pytest.mark.parametrize(
    ("text", "manufacturer", "series"),
    [
        # A Latin alias glued to a brand word of other producers is that brand's model ...
        ("江淮帅铃H330", "江淮汽车", None),
        # ... not after a group's name (一汽 covers 奔腾) ...
        ("一汽奔腾X80", "一汽奔腾", "奔腾X80"),
        # ... nor after a space (野马 is a brand, and the Mustang's Chinese name).
        ("福特野马 Mustang", "福特(进口)", "Mustang"),
        # The brand's own series after its brand word is read as always.
        ("中华H330", "华晨中华", "中华H330"),
    ],
)
def test_a_latin_alias_glued_to_another_brand(
    text: str, manufacturer: str, series: str | None
) -> None:
    result = classify(text)
    assert (result.manufacturer, result.series) == (manufacturer, series)


@pytest.mark.parametrize(
    ("text", "series"),
    [
        ("宋 DM", "宋新能源"),
        ("途观L PHEV", "途观L新能源"),
        ("帕萨特 插电混动", "帕萨特新能源"),
        ("坦克500 Hi4-T", "坦克500新能源"),
        ("奥迪A6L 55 e-tron", "奥迪A6L新能源"),
        ("帝豪EV", "帝豪新能源"),
        ("秦BYD7152ST6HEV9插电式混合动力轿车", "秦新能源"),
        ("本田CR-V 锐·混动e+", "本田CR-V新能源"),
        # A hybrid is no new-energy vehicle, nor is an EVO.
        ("雅阁 锐·混动", "雅阁"),
        ("卡罗拉 双擎 1.8L", "卡罗拉"),
        ("帕萨特 EVO", "帕萨特"),
        # A series without a 新能源 sibling keeps its name.
        ("秦PLUS EV", "秦PLUS"),
    ],
)
def test_a_new_energy_sign_names_the_new_energy_series(text: str, series: str) -> None:
    assert classify(text).series == series


@pytest.mark.parametrize(
    ("text", "code", "series"),
    [
        # Two letters after the code and a space that are the code's producer's series name
        # without its brand are that series ...
        ("名爵牌CSA6452SCAA ZS", "CSA6452SCAA", "名爵ZS"),
        # ... two letters that are only a part of a name stay in the code.
        ("起亚牌YQZ7164E KX", "YQZ7164EKX", None),
        ("本田牌HG7203B BV", "HG7203BBV", None),
    ],
)
def test_two_letters_after_the_code(text: str, code: str, series: str | None) -> None:
    result = classify(text)
    assert (result.model_code, result.series) == (code, series)


@pytest.mark.parametrize(
    ("text", "manufacturer", "code"),
    [
        # An import's model code is the start of its VIN: its WMI names the producer.
        ("奔驰牌WDDWF4HB", "奔驰(进口)", "WDDWF4HB"),
        ("宝马牌WBAFR7104", "宝马(进口)", "WBAFR7104"),
        ("雷克萨斯牌JTJBARBZ", "雷克萨斯", "JTJBARBZ"),
        ("路虎牌SALGA2BE", "路虎(进口)", "SALGA2BE"),
        ("保时捷WP1AG2A5", "保时捷", "WP1AG2A5"),
        # Glued to the brand, and holding the enterprise code DD (曙光) in its letters.
        ("奔驰WDD2221", "奔驰(进口)", "WDD2221"),
    ],
)
def test_an_imports_code_gives_its_wmi(text: str, manufacturer: str, code: str) -> None:
    result = classify(text)
    assert (result.manufacturer, result.model_code) == (manufacturer, code)


@pytest.mark.parametrize(
    "text",
    [
        "奔驰牌XYZWF4HB",  # no catalogue WMI
        "奔驰牌WDDW",  # too short
        "奔驰牌LE4WF4HB",  # a Chinese WMI: no import's code
    ],
)
def test_only_a_foreign_wmi_makes_an_imports_code(text: str) -> None:
    assert classify(text).reason == "ambiguous_brand"


def test_a_domestic_code_is_no_imports_code() -> None:
    assert classify("奔驰牌BJ7204GEL").manufacturer == "北京奔驰"
    assert classify("SVW71413GJ").manufacturer == "上汽大众"


def test_among_importers_the_brands_own_is_its_namesake() -> None:
    result = classify("奔驰 进口")
    assert (result.manufacturer, result.confidence) == ("奔驰(进口)", 0.85)
    assert classify("宝马 进口").manufacturer == "宝马(进口)"
    # Among domestic producers and importers the brand still decides nothing.
    assert classify("奔驰").reason == "ambiguous_brand"


@pytest.mark.parametrize(
    ("text", "vin", "manufacturer", "series"),
    [
        ("奔驰 S级", "WDD2221831A123456", "奔驰(进口)", "奔驰S级"),
        ("奔驰AMG G63", "WDCYC7DF0KX123456", "梅赛德斯-AMG", "奔驰G级AMG"),
        ("路虎", "SALGA2BE0KA123456", "路虎(进口)", None),
        ("宝马X3", "LBVTY9102NS012345", "华晨宝马", "宝马X3"),
    ],
)
def test_foreign_wmi_of_a_vin(text: str, vin: str, manufacturer: str, series: str | None) -> None:
    result = classify(text, vin=vin)
    assert (result.manufacturer, result.series) == (manufacturer, series)
    assert result.conflicts == ()


@pytest.mark.parametrize(
    ("text", "manufacturer", "series"),
    [
        ("奔驰C63 AMG", "梅赛德斯-AMG", "奔驰C级AMG"),
        ("迈巴赫S480", "梅赛德斯-迈巴赫", "迈巴赫S级"),
        ("奔驰V260L", "福建奔驰", "奔驰V级"),
        ("BYD SEAL U DM-i", "比亚迪", "宋PLUS新能源"),
        ("BYD DOLPHIN MINI", "比亚迪", "海鸥"),
        ("NIO ET5 Touring", "蔚来", "蔚来ET5T"),
        ("丰田威兰达", "广汽丰田", "威兰达"),
        ("宝马i7", "宝马(进口)", "宝马i7"),
    ],
)
def test_curated_aliases_and_series(text: str, manufacturer: str, series: str) -> None:
    result = classify(text)
    assert (result.manufacturer, result.series) == (manufacturer, series)


@pytest.mark.parametrize(
    ("text", "manufacturer", "series"),
    [
        # A Latin or numbered model in brackets after its brand or family reads as after a space
        # (probing beyond the file: 小米(SU7) is how some systems write a new-energy model) ...
        ("腾势(D9)", "腾势汽车", "腾势D9"),  # not the brand's first series, 腾势
        ("小米（SU7 Max）", "小米汽车", "小米SU7"),
        ("风光(580)", "东风小康", "风光580"),
        ("MINI(COUNTRYMAN)", "MINI", "MINI COUNTRYMAN"),
        # ... while names with their own brackets keep them.
        ("欧蓝德(进口)", "三菱(进口)", "欧蓝德(进口)"),
        ("Aion S(埃安S)", "广汽埃安", "Aion S(埃安S)"),
    ],
)
def test_a_model_in_brackets(text: str, manufacturer: str, series: str) -> None:
    result = classify(text)
    assert (result.manufacturer, result.series) == (manufacturer, series)


# --- the build tool's curated WMI codes ---------------------------------------------------------


def test_curated_wmi_codes_are_appended_to_their_producers_rows(tmp_path: Path) -> None:
    builder = catalog_builder()
    source, curated = catalog_inputs(
        tmp_path, "奔驰,奔驰(进口),奔驰S级,,,,x\n奔驰,北京奔驰,奔驰C级,,BJ7,LE4,y\n"
    )
    none = tmp_path / "none.csv"
    wmi = tmp_path / "wmi.csv"
    wmi.write_text(
        "manufacturer_cn,wmi,why\n奔驰(进口),WDD|W1K,Mercedes-Benz\n梅赛德斯-AMG,WDD,absent\n",
        encoding="utf-8",
    )
    text = builder.render(source, curated, none, none, wmi)
    assert "奔驰,奔驰(进口),奔驰S级,,,WDD|W1K,x; wmi:curated" in text.splitlines()
    assert "奔驰,北京奔驰,奔驰C级,,BJ7,LE4,y" in text.splitlines()  # not named: unchanged
    assert "梅赛德斯-AMG" not in text  # a producer without rows adds nothing


def test_every_curated_wmi_producer_is_in_the_shipped_catalogue() -> None:
    with (Path(__file__).resolve().parent.parent / "tools" / "vehicle-series-wmi.csv").open(
        encoding="utf-8", newline=""
    ) as handle:
        rows = list(csv.DictReader(handle))
    catalog = VehicleCatalog.load()
    known = set(catalog.manufacturers())
    assert [row["manufacturer_cn"] for row in rows if row["manufacturer_cn"] not in known] == []
    wmi = Index(catalog.entries).wmi
    for row in rows:
        for code in row["wmi"].split("|"):
            assert row["manufacturer_cn"] in wmi[code], code
            assert code[0] != "L"  # a Chinese WMI belongs in the source
