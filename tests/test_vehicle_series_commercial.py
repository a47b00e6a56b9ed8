"""The vehicle-series classifier on commercial vehicles and motorcycles: the producers, brands,
enterprise codes and WMI of ``tools/vehicle-series-commercial.csv``.

``tests/data/make-model-commercial.csv`` is a hold-out set written as 行驶证 and policy extracts
write trucks, tractors, buses, vans, pick-ups and motorcycles: brand + 牌 + code
(``解放牌CA4250P66K24T1A1E5``, ``豪爵牌HJ125-7``), producer names, brand + series
(``豪沃T7H``, ``东风天龙KL``), bare codes, full-width and lower-case codes, and brand words with
a VIN (its WMI: ``LZZ`` 中国重汽, ``LZG`` 陕汽, ``LFW`` 一汽解放, ``LZY`` 宇通; the serials are
made up). Model codes are realistic in shape, not checked against announcements.

``tests/data/make-model-commercial-codes.csv`` is a second hold-out set of 70 strings, written
before the rules it checks: bus codes (``ZK6``, ``KLQ6``, ``XMQ6``, ``XML6``), 江淮's truck lines,
motorcycle codes (``HJ125-7``, bare, lower-case, full-width), ``BJ`` codes under 北京汽车 and
福田, and the makers added with it (华菱星马, 北奔, 三一, 徐工, 程力, 中联).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from _vehicle_helpers import (
    assert_acceptance_thresholds,
    assert_expectations_are_catalogue_rows,
    catalog_builder,
    catalog_inputs,
)
from custmaster.catalog import vehicle_series as vs
from custmaster.catalog.vehicle_series import Classifier, VehicleCatalog, classify

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

with (DATA / "make-model-commercial.csv").open(encoding="utf-8", newline="") as _handle:
    ROWS = list(csv.DictReader(_handle))
with (DATA / "make-model-commercial-codes.csv").open(encoding="utf-8", newline="") as _handle:
    CODE_ROWS = list(csv.DictReader(_handle))


def _classify(row: dict[str, str]) -> vs.VehicleClass:
    return classify(row["input"], vin=row["vin"] or None)


def test_the_set_is_large_and_its_expectations_are_catalogue_rows() -> None:
    assert len(ROWS) >= 120
    assert len({row["input"] for row in ROWS}) == len(ROWS)
    assert sum(row["style"].startswith("moto") for row in ROWS) >= 15
    assert sum(bool(row["vin"]) for row in ROWS) >= 5
    assert_expectations_are_catalogue_rows(ROWS)


def test_accuracy_on_commercial_vehicles_meets_the_acceptance_thresholds() -> None:
    assert_acceptance_thresholds(ROWS, _classify)


def test_the_second_hold_out_set_meets_the_acceptance_thresholds() -> None:
    assert len(CODE_ROWS) >= 60
    assert len({row["input"] for row in CODE_ROWS}) == len(CODE_ROWS)
    producers = set(VehicleCatalog.load().manufacturers())
    misses = []
    for row in CODE_ROWS:
        assert not row["expected_manufacturer_cn"] or row["expected_manufacturer_cn"] in producers
        result = _classify(row)
        expected = (row["expected_manufacturer_cn"] or None, row["expected_series_cn"] or None)
        if (result.manufacturer, result.series) != expected:
            misses.append((row["input"], result.manufacturer, result.series))
    assert len(misses) <= 0.05 * len(CODE_ROWS), misses
    assert sum(row["style"].startswith("moto") for row in CODE_ROWS) >= 20


def test_strings_that_do_not_decide_stay_unclassified() -> None:
    empty = [row for row in ROWS if not row["expected_manufacturer_cn"]]
    assert empty
    for row in empty:
        result = _classify(row)
        assert (result.manufacturer, result.confidence) == (None, 0.0), row["input"]
        assert result.reason in vs.REASONS
        assert len(result.candidates) >= 2


@pytest.mark.parametrize(
    ("text", "manufacturer"),
    [
        # The strings of the request, all unclassified before.
        ("解放牌CA1040P40K2L2E6A84", "一汽解放"),
        ("重汽牌ZZ4257N3247E1", "中国重汽"),
        ("豪沃牌ZZ1167H4715F1", "中国重汽"),
        ("陕汽牌SX4250MB4", "陕汽重卡"),
        ("欧曼牌BJ4259SNFKB", "福田汽车"),
        ("时代牌BJ1032V4JV5", "福田汽车"),
        ("乘龙牌LZ4250H7DB", "东风柳汽"),
        ("红岩牌CQ4256HTVG324", "上汽红岩"),
        ("凯马牌KMC1046", "凯马汽车"),
        ("跃进牌NJ1041", "上汽跃进"),
    ],
)
def test_brand_and_enterprise_code_agree(text: str, manufacturer: str) -> None:
    result = classify(text)
    assert (result.manufacturer, result.series) == (manufacturer, None)
    assert (result.method, result.confidence) == ("model_code_prefix", 1.0)
    assert result.evidence == ("model_code_prefix", "brand")


@pytest.mark.parametrize(
    ("text", "manufacturer"),
    [
        ("宇通牌ZK6122HQB5Y", "宇通客车"),
        ("海格牌KLQ6125ZAE51", "苏州金龙"),
        ("金龙牌XMQ6127AYD5C", "厦门金龙"),
        ("金旅牌XML6122J15", "厦门金旅"),
    ],
)
def test_bus_codes_name_their_producer(text: str, manufacturer: str) -> None:
    result = classify(text)
    assert (result.manufacturer, result.method, result.confidence) == (
        manufacturer,
        "model_code_prefix",
        1.0,
    )
    assert result.conflicts == ()
    code = text.partition("牌")[2]
    assert classify(code).manufacturer == manufacturer
    assert classify(code).method == "model_code_prefix"


def test_commercial_rows_give_the_synthetic_book_no_private_car(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # custmaster.testing.synth draws private cars from producers with class 6/7 codes, a WMI
    # and series: 宇通客车 (ZK6, LZY) and 苏州金龙 (KLQ6, LKL) have all three, through the
    # commercial rows, and are still not drawn.
    from custmaster.testing import _synth_vehicles as sv

    shipped = sv.producers()
    names = {p.name for p in shipped}
    assert names.isdisjoint({"宇通客车", "苏州金龙", "厦门金龙", "厦门金旅", "大长江集团"})
    assert "江淮汽车" in names
    # More commercial rows, even with series and class 6 codes, change nothing.
    more = VehicleCatalog.from_rows(
        [
            {"brand_cn": "江淮", "manufacturer_cn": "江淮汽车", "series_cn": "骏铃V6",
             "model_code_prefixes": "HFC1|HFC6", "wmi": "LJ1", "source": sv.COMMERCIAL},
            {"brand_cn": "金旅", "manufacturer_cn": "厦门金旅", "series_cn": "金旅考斯特",
             "model_code_prefixes": "XML6", "wmi": "L00", "source": sv.COMMERCIAL},
        ]
    )  # fmt: skip
    merged = VehicleCatalog.load().merged(more)
    monkeypatch.setattr(
        sv, "VehicleCatalog", type("Fake", (), {"load": staticmethod(lambda: merged)})
    )
    assert sv.producers.__wrapped__() == shipped
    # The same bus row from the source would be a passenger car's (so the test can fail).
    bus = {"brand_cn": "金旅", "manufacturer_cn": "厦门金旅", "series_cn": "金旅考斯特",
           "model_code_prefixes": "XML6", "wmi": "L00", "source": "autohome2019"}  # fmt: skip
    merged = VehicleCatalog.load().merged(VehicleCatalog.from_rows([bus]))
    assert "厦门金旅" in {p.name for p in sv.producers.__wrapped__()}


def test_a_shared_code_is_decided_by_the_brand_word() -> None:
    # SY6 is 金杯海狮's (华晨雷诺) and 中华's (华晨中华); the brand word picks one.
    result = classify("金杯牌SY6543US3BH")
    assert (result.manufacturer, result.method, result.confidence) == ("华晨雷诺", "brand", 0.95)
    assert classify("SY6543US3BH").candidates == ("华晨中华", "华晨雷诺")
    # EQ1 is shared by 东风商用车 and 东风汽车股份 light trucks: the brand 东风 covers both.
    assert classify("东风牌EQ1040").candidates == ("东风商用车", "东风汽车股份")
    assert classify("东风牌DFA1040S35D6").manufacturer == "东风汽车股份"


@pytest.mark.parametrize(
    ("text", "manufacturer"),
    [
        # Passenger-car codes with the same letters keep their producers.
        ("东风日产牌DFL7168VBL2", "东风日产"),
        ("LZ6451XQ", "东风风行"),
        ("五菱牌LZW6376NF", "上汽通用五菱"),
        ("红旗牌CA7200A", "一汽红旗"),
        ("北京奔驰牌BJ7204GEL", "北京奔驰"),
        ("捷途牌SQR6460J2", "奇瑞汽车"),
        ("力帆牌LF7160", "力帆汽车"),
        ("力帆牌", "力帆汽车"),
    ],
)
def test_passenger_car_readings_are_unchanged(text: str, manufacturer: str) -> None:
    assert classify(text).manufacturer == manufacturer


@pytest.mark.parametrize(
    ("text", "manufacturer", "confidence"),
    [
        # BJ is the enterprise code of 北汽福田 (BJ1 trucks, BJ4, BJ5) and of 北京汽车 and its
        # off-road and Jeep makers (BJ2, BJ7); the name before the code decides.
        ("北京汽车牌BJ1020", "北京汽车", 0.95),
        ("北京汽车牌BJ2022", "北京汽车", 0.95),
        ("北京吉普牌BJ2021E", "北京吉普", 0.95),
        ("北京牌BJ2032F7VA1", "北京越野", 0.95),
        # The class digit's own producer: the code decides and the name agrees.
        ("北汽福田牌BJ5049XXY-A1", "福田汽车", 1.0),
        ("时代牌BJ1043V8JEA-FA", "福田汽车", 1.0),
    ],
)
def test_a_name_decides_between_producers_of_one_enterprise_code(
    text: str, manufacturer: str, confidence: float
) -> None:
    result = classify(text)
    assert (result.manufacturer, result.conflicts) == (manufacturer, ())
    assert result.confidence == confidence
    assert result.evidence[0] == "model_code_prefix"


def test_other_names_do_not_overrule_the_code() -> None:
    # Alone, BJ1 is 福田's; a brand of another enterprise code is a conflict, as before.
    assert classify("BJ1020").manufacturer == "福田汽车"
    result = classify("解放牌BJ1032V5JV5")
    assert (result.manufacturer, result.conflicts) == ("福田汽车", ("brand",))
    # 东风日产 bears the brand 东风: 东风商用车 (DFL4 tractors) does not take its car code.
    result = classify("东风牌DFL7168VBL2")
    assert (result.manufacturer, result.conflicts) == ("东风日产", ("brand",))
    # A brand of several producers of the code's letters, which build it: still ambiguous.
    assert classify("长安牌SC1031FAD51").candidates == ("长安跨越", "长安轻型车")


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        ("CA7201A", ("一汽奔腾", "一汽红旗", "一汽马自达")),
        ("BJ7000MBEVR2", ("北京奔驰", "北京汽车")),
        ("BJ6549B1DDA", ("北京奔驰", "北京汽车", "福田汽车")),
        ("SC1031FAD51", ("长安跨越", "长安轻型车")),
    ],
)
def test_bare_shared_codes_stay_ambiguous(text: str, candidates: tuple[str, ...]) -> None:
    result = classify(text)
    assert (result.manufacturer, result.reason) == (None, "ambiguous_prefix")
    assert result.candidates == candidates


@pytest.mark.parametrize(
    ("text", "vin", "manufacturer"),
    [
        ("豪沃牌", "LZZ1CLVB7JW123456", "中国重汽"),
        ("牵引车", "LZGJLGR44KX012345", "陕汽重卡"),
        ("牵引车", "LFWSRXRJ7M1A00002", "一汽解放"),
    ],
)
def test_commercial_wmi(text: str, vin: str, manufacturer: str) -> None:
    result = classify(text, vin=vin)
    assert result.manufacturer == manufacturer
    assert "wmi" in result.evidence


@pytest.mark.parametrize(
    ("text", "manufacturer", "code"),
    [
        ("豪爵牌HJ125-7", "大长江集团", "HJ125-7"),
        ("五羊-本田牌WH125-12", "五羊-本田", "WH125-12"),
        ("新大洲本田牌SDH125-46", "新大洲本田", "SDH125-46"),
        ("轻骑牌QM125-2D", "济南轻骑", "QM125-2D"),
        ("五羊本田WH110T-2", "五羊-本田", "WH110T-2"),
        ("力帆牌LF125-5", "力帆摩托", "LF125-5"),
    ],
)
def test_motorcycle_codes_name_their_producer(text: str, manufacturer: str, code: str) -> None:
    result = classify(text)
    assert (result.manufacturer, result.model_code) == (manufacturer, code)
    assert (result.method, result.confidence) == ("model_code_prefix", 1.0)
    # 本田 inside a joint venture's name is not the car brand 本田 (广汽本田, 东风本田), and
    # 力帆牌 is 力帆摩托's brand too.
    assert result.conflicts == ()
    bare = classify(code)
    assert (bare.manufacturer, bare.model_code, bare.confidence) == (manufacturer, code, 0.95)


@pytest.mark.parametrize(
    ("text", "manufacturer", "code"),
    [
        ("hj150-10a", "大长江集团", "HJ150-10A"),
        ("ＨＪ１２５－１８Ａ", "大长江集团", "HJ125-18A"),
        ("豪爵牌 HJ 150-9 普通二轮摩托车", "大长江集团", "HJ150-9"),
        ("宗申ZS150-58", "宗申摩托", "ZS150-58"),
        ("JH70-5", "嘉陵摩托", "JH70-5"),
    ],
)
def test_motorcycle_codes_in_other_spellings(text: str, manufacturer: str, code: str) -> None:
    result = classify(text)
    assert (result.manufacturer, result.model_code) == (manufacturer, code)


@pytest.mark.parametrize(
    ("text", "manufacturer", "code"),
    [
        # Letters shared with a car maker: a car code has four digits or more.
        ("力帆牌LF7160", "力帆汽车", "LF7160"),
        ("力帆牌", "力帆汽车", None),
        # Hyphens in car and truck codes stay in them.
        ("欧曼牌BJ4259SMFKB-AA", "福田汽车", "BJ4259SMFKB-AA"),
        ("全顺 JX6581T-M5", "江铃福特", "JX6581T-M5"),
        # A motorcycle code of unknown letters is none; glued to a word, it is read like a car
        # code (AccordHG7201MT).
        ("XY125-7", None, None),
        ("五羊本田CB190RWH175-2", "五羊-本田", "WH175-2"),
    ],
)
def test_motorcycle_codes_leave_other_codes_alone(
    text: str, manufacturer: str | None, code: str | None
) -> None:
    result = classify(text)
    assert (result.manufacturer, result.model_code) == (manufacturer, code)


def test_motorcycle_prefixes_are_letters_and_a_hyphen() -> None:
    rows = [{"manufacturer_cn": "大长江集团", "series_cn": "", "brand_cn": "豪爵"}]
    catalog = VehicleCatalog.from_rows([{**rows[0], "model_code_prefixes": "HJ-"}])
    assert Classifier(catalog).classify("HJ125-7").manufacturer == "大长江集团"
    for bad in ("HJ1-", "HJ--", "-"):
        with pytest.raises(vs.InvalidFormat) as caught:
            VehicleCatalog.from_rows([{**rows[0], "model_code_prefixes": bad}])
        assert caught.value.code == "vehicle_series.prefix"


def test_rows_without_series_keep_one_row_per_producer_and_brand() -> None:
    catalog = VehicleCatalog.from_rows(
        [
            {"brand_cn": "豪沃", "manufacturer_cn": "中国重汽", "series_cn": "",
             "model_code_prefixes": "ZZ4"},
            {"brand_cn": "黄河", "manufacturer_cn": "中国重汽", "series_cn": ""},
            {"brand_cn": "黄河", "manufacturer_cn": "中国重汽", "series_cn": "",
             "model_code_prefixes": "ZZ1"},
        ]
    )  # fmt: skip
    assert len(catalog) == 2
    mine = Classifier(catalog)
    assert mine.classify("黄河牌").manufacturer == "中国重汽"
    assert mine.classify("豪沃牌").manufacturer == "中国重汽"
    assert mine.classify("ZZ1167H4715F1").manufacturer == "中国重汽"
    assert mine.classify("ZZ4257N3247E1").manufacturer == "中国重汽"


def test_commercial_rows_are_built_last_and_may_not_repeat(tmp_path: Path) -> None:
    builder = catalog_builder()
    source, curated = catalog_inputs(tmp_path, "福田,福田汽车,图雅诺,,,,x\n")
    supplement = tmp_path / "supplement.csv"
    supplement.write_text("brand_cn,manufacturer_cn,series_cn,why\n", encoding="utf-8")
    commercial = tmp_path / "commercial.csv"
    header = "brand_cn,manufacturer_cn,series_cn,series_aliases,model_code_prefixes,wmi,why\n"
    commercial.write_text(
        header + "欧曼,福田汽车,,,BJ4,,tractors\n时代,福田汽车,,,,,light trucks\n",
        encoding="utf-8",
    )
    text = builder.render(source, curated, supplement, commercial)
    assert text.splitlines()[-2:] == [
        "欧曼,福田汽车,,,BJ4,,commercial:curated",
        "时代,福田汽车,,,,,commercial:curated",
    ]
    for rows in (
        "欧曼,福田汽车,,,BJ4,,a\n欧曼,福田汽车,,,BJ1,,b\n",
        "福田,福田汽车,图雅诺,,,,dup\n",
    ):
        commercial.write_text(header + rows, encoding="utf-8")
        with pytest.raises(SystemExit, match="duplicate"):
            builder.render(source, curated, supplement, commercial)
    commercial.write_text(header + ",福田汽车,,,BJ4,,no brand\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="series and brand"):
        builder.render(source, curated, supplement, commercial)


def test_commercial_rows_are_shipped() -> None:
    rows = [e for e in VehicleCatalog.load() if e.source == "commercial:curated"]
    assert len(rows) >= 100
    by_key = {(e.manufacturer, e.brand, e.series): e for e in rows}
    sinotruk = by_key["中国重汽", "中国重汽", ""]
    assert (sinotruk.model_code_prefixes, sinotruk.wmi) == (
        ("ZZ1", "ZZ3", "ZZ4", "ZZ5"),
        ("LZZ",),
    )
    assert {e.brand for e in rows if e.manufacturer == "中国重汽"} >= {"豪沃", "汕德卡", "黄河"}


@pytest.mark.parametrize(
    ("text", "manufacturer"),
    [
        ("宇通牌ZK6105BEVG 城市客车", "宇通客车"),
        ("宇通 城市客车", "宇通客车"),
        ("东风牌DFH4250A 重型半挂牵引车", "东风商用车"),
        ("豪爵牌HJ125-7 普通二轮摩托车", "大长江集团"),
    ],
)
def test_vehicle_type_words_name_no_series(text: str, manufacturer: str) -> None:
    # 城市 is a 林肯(进口) series: inside 城市客车 it is not read.
    result = classify(text)
    assert (result.manufacturer, result.series, result.conflicts) == (manufacturer, None, ())
    assert classify("城市客车").reason == "no_match"
