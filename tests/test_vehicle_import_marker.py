"""进口 written apart from a series name (欧蓝德 进口, 进口欧蓝德) picks the imported series of
that name, as 欧蓝德(进口) does, even where another series name extends it (欧蓝德经典);
without the word, the domestic series stays the reading."""

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
