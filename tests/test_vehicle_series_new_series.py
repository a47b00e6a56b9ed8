"""The vehicle-series classifier on series launched 2020-2026 (mostly new-energy brands) and on
the shared SQR prefix: the curated supplement of the catalogue and the powertrain rule.

``tests/data/make-model-new-series.csv`` is a hold-out set written as 行驶证 and policy extracts
write these vehicles (brand + code, brand + series, Latin names, trims, full-width characters).
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

with (DATA / "make-model-new-series.csv").open(encoding="utf-8", newline="") as _handle:
    ROWS = list(csv.DictReader(_handle))


def test_the_set_is_large_and_its_expectations_are_catalogue_rows() -> None:
    assert len(ROWS) >= 120
    assert len({row["input"] for row in ROWS}) == len(ROWS)
    assert_expectations_are_catalogue_rows(ROWS)


def test_accuracy_on_new_series_meets_the_acceptance_thresholds() -> None:
    assert_acceptance_thresholds(ROWS, lambda row: classify(row["input"]))


# --- the shared SQR prefix ----------------------------------------------------------------------


def test_a_brand_word_and_a_conventional_sqr_code_give_chery() -> None:
    # 捷途 is under 奇瑞汽车 and 奇瑞新能源 (捷途X70S EV), which share SQR; 奇瑞新能源 builds only
    # new-energy vehicles and SQR6460J2 shows no sign of one.
    result = classify("捷途牌SQR6460J2")
    assert (result.manufacturer, result.series, result.model_code) == (
        "奇瑞汽车",
        None,
        "SQR6460J2",
    )
    assert (result.method, result.confidence) == ("powertrain", 0.85)
    assert result.evidence == ("model_code_prefix", "brand", "powertrain")


@pytest.mark.parametrize(
    "text",
    [
        "捷途牌SQR7000BEVJ",  # an electric code (BEV, displacement 00): either producer
        "捷途牌SQR6460BEV",
        "捷途牌SQR6460J2 纯电动",  # the text says electric
        "捷途牌SQR6460J2 新能源",
        "SQR6460J2",  # a bare shared code is never guessed
        "SQR7151AB",
    ],
)
def test_a_new_energy_sign_or_no_text_keeps_the_shared_prefix_ambiguous(text: str) -> None:
    result = classify(text)
    assert (result.manufacturer, result.reason) == (None, "ambiguous_prefix")
    assert result.candidates == ("奇瑞新能源", "奇瑞汽车")


def test_the_brand_namesake_still_decides_first() -> None:
    result = classify("奇瑞牌SQR7151AB")
    assert (result.manufacturer, result.method) == ("奇瑞汽车", "brand_namesake")


def test_a_series_name_before_pai_says_whose_brand_it_is() -> None:
    # 瑞虎 is a 奇瑞汽车 series, not a brand: before 牌 it is no series but still names its maker.
    result = classify("瑞虎牌SQR6452T1D")
    assert (result.manufacturer, result.series, result.method) == ("奇瑞汽车", None, "brand")
    assert classify("捷达牌FV7152").brand == "捷达"  # a brand word stays a brand


def test_the_powertrain_rule_comes_from_the_catalogue() -> None:
    rows = [
        # A brand named after neither producer: the namesake rule does not decide.
        {"brand_cn": "北斗", "manufacturer_cn": "星河汽车", "series_cn": "北斗A1",
         "model_code_prefixes": "XH7|XH6"},
        {"brand_cn": "北斗", "manufacturer_cn": "星河新能源", "series_cn": "北斗A1 EV",
         "model_code_prefixes": "XH7|XH6"},
    ]  # fmt: skip
    mine = Classifier(VehicleCatalog.from_rows(rows))
    result = mine.classify("北斗牌XH7152A")
    assert (result.manufacturer, result.method) == ("星河汽车", "powertrain")
    assert mine.classify("北斗牌XH7000BEV").reason == "ambiguous_prefix"
    assert mine.classify("XH7152A").reason == "ambiguous_prefix"
    assert "powertrain" in vs.METHODS


# --- the curated supplement ---------------------------------------------------------------------


def test_supplement_rows_are_shipped_with_their_producers_codes() -> None:
    entries = {e.key: e for e in VehicleCatalog.load()}
    corsair = entries["长安林肯", "冒险家"]
    assert corsair.source == "supplement:curated"
    assert "Corsair" in corsair.aliases
    han_l = entries["比亚迪", "汉L"]
    assert (han_l.model_code_prefixes, han_l.wmi) == (("BYD7", "BYD6"), ("LGX",))
    assert classify("比亚迪牌BYD7152WT6HEVC1 汉L").series == "汉L"


def test_supplement_rows_inherit_codes_and_may_not_repeat_the_source(tmp_path: Path) -> None:
    builder = catalog_builder()
    source, curated = catalog_inputs(tmp_path, "本田,广汽本田,雅阁,Accord,HG7|HG6,LHG,x\n")
    supplement = tmp_path / "supplement.csv"
    header = "brand_cn,manufacturer_cn,series_cn,series_aliases,model_code_prefixes,wmi,why\n"
    supplement.write_text(
        header + "本田,广汽本田,型格,Integra,,,2022\n星河,星河汽车,星河A1,,XH7,,new\n",
        encoding="utf-8",
    )
    text = builder.render(source, curated, supplement)
    assert "本田,广汽本田,型格,Integra,HG7|HG6,LHG,supplement:curated" in text
    assert "星河,星河汽车,星河A1,,XH7,,supplement:curated" in text
    supplement.write_text(header + "本田,广汽本田,雅阁,,,,dup\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="duplicate"):
        builder.render(source, curated, supplement)
