"""Months as people write them (2027-1, 202701, 2027年1月) name the same month everywhere a
month is taken: `store.expiring`, the renewal list and ``custmaster expiring``."""

from __future__ import annotations

import pytest

from custmaster.errors import UsageError
from custmaster.store.base import checked_month


@pytest.mark.parametrize(
    ("written", "month"),
    [
        ("2027-01", "2027-01"),
        ("2027-1", "2027-01"),
        ("2027/01", "2027-01"),
        ("2027.1", "2027-01"),
        ("202701", "2027-01"),
        ("2027年1月", "2027-01"),
        ("2027年12月", "2027-12"),
        ("２０２７－０３", "2027-03"),
        (" 2027 - 3 ", "2027-03"),
    ],
)
def test_a_month_in_any_common_spelling(written: str, month: str) -> None:
    assert checked_month(written) == month


@pytest.mark.parametrize(
    "written",
    ["2027-13", "2027-00", "20271", "2027", "27-01", "2027-1-1", "一月", "", None, 202701],
)
def test_anything_else_is_a_usage_error(written: object) -> None:
    with pytest.raises(UsageError) as caught:
        checked_month(written)
    assert caught.value.code == "store.month"
