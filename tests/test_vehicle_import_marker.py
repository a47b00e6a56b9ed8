"""Readings found after the third held-out set: 进口 written apart from a series name (欧蓝德 进口,
进口欧蓝德) picks the imported series of that name, as 欧蓝德(进口) does, even where another series
name extends it (欧蓝德经典), while without the word the domestic series stays the reading; and
the Iveco Daily is 南京依维柯's 依维柯得意, not the conversion builder's 车驰Daily."""

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
