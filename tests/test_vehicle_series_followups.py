"""Readings found after the third held-out set: 进口 written apart from a series name (欧蓝德 进口,
进口欧蓝德) picks the imported series of that name, as 欧蓝德(进口) does, even where another series
name extends it (欧蓝德经典), while without the word the domestic series stays the reading; and
the Iveco Daily is 南京依维柯's 依维柯得意, not the conversion builder's 车驰Daily; and 酷路泽 alone
is no longer the FJ Cruiser only (it names the Land Cruiser more often)."""

from __future__ import annotations

import pytest

from custmaster.catalog.vehicle_series import classify


@pytest.mark.parametrize(
    ("text", "manufacturer", "series"),
    [
        ("欧蓝德 进口", "三菱(进口)", "欧蓝德(进口)"),
        ("进口欧蓝德", "三菱(进口)", "欧蓝德(进口)"),
        ("三菱欧蓝德 进口", "三菱(进口)", "欧蓝德(进口)"),
        ("欧蓝德(进口)", "三菱(进口)", "欧蓝德(进口)"),
        ("索纳塔 进口", "现代(进口)", "索纳塔(进口)"),
        ("欧蓝德", "广汽三菱", "欧蓝德"),
        ("三菱欧蓝德", "广汽三菱", "欧蓝德"),
        ("欧蓝德经典", "北京吉普", "欧蓝德经典"),
    ],
)
def test_the_import_word_picks_the_imported_series(
    text: str, manufacturer: str, series: str
) -> None:
    result = classify(text)
    assert (result.manufacturer, result.series) == (manufacturer, series)


@pytest.mark.parametrize(
    ("text", "manufacturer", "series"),
    [
        ("IVECO DAILY", "南京依维柯", "依维柯得意"),
        ("依维柯 Daily", "南京依维柯", "依维柯得意"),
        ("车驰Daily", "车驰汽车", "车驰Daily"),
        ("Daily", None, None),  # two makers' Daily: ambiguous, never guessed
    ],
)
def test_the_iveco_daily_is_nanjing_ivecos(text: str, manufacturer: str, series: str) -> None:
    result = classify(text)
    assert (result.manufacturer, result.series) == (manufacturer, series)


@pytest.mark.parametrize(
    ("text", "manufacturer", "series"),
    [
        ("酷路泽", "一汽丰田", "兰德酷路泽"),  # the domestic one, at a lower confidence
        ("FJ酷路泽", "丰田(进口)", "FJ 酷路泽"),
        ("兰德酷路泽(进口)", "丰田(进口)", "兰德酷路泽(进口)"),
        ("丰田酷路泽 进口", "丰田(进口)", None),  # imported: the FJ or the Land Cruiser
    ],
)
def test_kuluze_alone_is_not_the_fj_cruiser(text: str, manufacturer: str, series: str) -> None:
    result = classify(text)
    assert (result.manufacturer, result.series) == (manufacturer, series)
    if text == "酷路泽":
        assert result.confidence < 0.9
