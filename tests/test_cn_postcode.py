"""Postcodes: postal-province blocks, Hong Kong and Macao codes, refusals."""

from __future__ import annotations

import pytest

from custmaster.errors import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from custmaster.validate import cn_postcode


@pytest.mark.parametrize(
    ("value", "province"),
    [
        ("100020", "北京市"),  # 朝阳区
        ("200001", "上海市"),  # 黄浦区
        ("300041", "天津市"),
        ("400010", "重庆市"),
        ("010050", "内蒙古自治区"),  # 呼和浩特
        ("030002", "山西省"),  # 太原
        ("050011", "河北省"),  # 石家庄
        ("075000", "河北省"),  # 张家口
        ("110001", "辽宁省"),  # 沈阳
        ("130022", "吉林省"),  # 长春
        ("150010", "黑龙江省"),  # 哈尔滨
        ("161000", "黑龙江省"),  # 齐齐哈尔
        ("210018", "江苏省"),  # 南京
        ("230001", "安徽省"),  # 合肥
        ("250014", "山东省"),  # 济南
        ("266001", "山东省"),  # 青岛
        ("310002", "浙江省"),  # 杭州
        ("330006", "江西省"),  # 南昌
        ("350001", "福建省"),  # 福州
        ("361001", "福建省"),  # 厦门
        ("410011", "湖南省"),  # 长沙
        ("430014", "湖北省"),  # 武汉
        ("450007", "河南省"),  # 郑州
        ("471000", "河南省"),  # 洛阳
        ("510030", "广东省"),  # 广州
        ("518048", "广东省"),  # 深圳
        ("530023", "广西壮族自治区"),  # 南宁
        ("550001", "贵州省"),  # 贵阳
        ("570311", "海南省"),  # 海口
        ("610021", "四川省"),  # 成都
        ("644000", "四川省"),  # 宜宾
        ("650021", "云南省"),  # 昆明
        ("671000", "云南省"),  # 大理
        ("710004", "陕西省"),  # 西安
        ("730030", "甘肃省"),  # 兰州
        ("750001", "宁夏回族自治区"),  # 银川
        ("810000", "青海省"),  # 西宁
        ("830002", "新疆维吾尔自治区"),  # 乌鲁木齐
        ("850000", "西藏自治区"),  # 拉萨
        ("860000", "西藏自治区"),  # 林芝
        ("999077", "香港特别行政区"),
        ("999078", "澳门特别行政区"),
    ],
)
def test_postal_provinces(value: str, province: str) -> None:
    assert cn_postcode.validate(value) == value
    assert cn_postcode.parse(value).postal_province == province


def test_postal_province_is_not_always_the_administrative_one() -> None:
    assert cn_postcode.parse("750306").postal_province == "宁夏回族自治区"  # 阿拉善左旗, 内蒙古
    assert cn_postcode.parse("202450").postal_province == "上海市"  # 嵊泗县, 浙江


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" 361 001 ", "361001"), ("361-001", "361001"), ("３６１００１", "361001")],
)
def test_compaction(raw: str, expected: str) -> None:
    assert cn_postcode.validate(raw) == expected


@pytest.mark.parametrize(
    ("value", "error", "code"),
    [
        ("000000", InvalidComponent, "cn_postcode.province"),
        ("081000", InvalidComponent, "cn_postcode.province"),
        ("140000", InvalidComponent, "cn_postcode.province"),
        ("500000", InvalidComponent, "cn_postcode.province"),
        ("999079", InvalidComponent, "cn_postcode.province"),
        ("100", InvalidLength, "cn_postcode.length"),
        ("1000200", InvalidLength, "cn_postcode.length"),
        ("10002O", InvalidFormat, "cn_postcode.format"),
        ("١٠٠٠٢٠", InvalidFormat, "cn_postcode.format"),
        ("10002²", InvalidFormat, "cn_postcode.format"),
        ("", InvalidFormat, "cn_postcode.format"),
    ],
)
def test_refusals(value: str, error: type[ValidationError], code: str) -> None:
    with pytest.raises(error) as info:
        cn_postcode.validate(value)
    assert info.value.code == code
    assert code in cn_postcode.ERROR_CODES
    assert not cn_postcode.is_valid(value)


ALLOCATED = {
    "01", "02", "03", "04", "05", "06", "07", "10", "11", "12", "13", "15", "16", "20", "21",
    "22", "23", "24", "25", "26", "27", "30", "31", "32", "33", "34", "35", "36", "40", "41",
    "42", "43", "44", "45", "46", "47", "51", "52", "53", "54", "55", "56", "57", "61", "62",
    "63", "64", "65", "66", "67", "71", "72", "73", "74", "75", "81", "83", "84", "85", "86",
}  # fmt: skip


def test_every_allocated_prefix_and_only_those() -> None:
    assert set(cn_postcode.POSTAL_PROVINCES) == ALLOCATED
    for prefix in (f"{n:02d}" for n in range(100)):
        assert cn_postcode.is_valid(prefix + "0001") == (prefix in ALLOCATED)


def test_mask_shows_the_postcode_and_hides_junk() -> None:
    assert cn_postcode.mask("361001") == "361001"
    assert cn_postcode.mask(" 361 001") == "361001"
    assert cn_postcode.mask("13800138000") == "1*********0"
    assert cn_postcode.mask(None) == "<NoneType>"  # type: ignore[arg-type]


def test_parse_parts() -> None:
    parsed = cn_postcode.parse("361001")
    assert (parsed.zone, parsed.delivery_office) == ("361", "01")
    assert parsed.mask() == "361001"
    assert cn_postcode.format("361 001") == "361001"


@pytest.mark.parametrize("value", ["'361001", " '361001", "\u2018010010"])
def test_a_spreadsheets_leading_apostrophe_is_removed(value: str) -> None:
    assert cn_postcode.validate(value) == value.strip(" '\u2018")


def test_a_float_rendering_is_read_back_unless_it_lost_a_digit() -> None:
    assert cn_postcode.validate("100000.0") == "100000"
    assert cn_postcode.validate("361001.00") == "361001"
    with pytest.raises(ValidationError) as caught:
        cn_postcode.validate("10010.0")  # 010010 read as a number
    assert caught.value.code == "cn_postcode.length"
    assert not cn_postcode.is_valid("361001.5")


# -- session 12: validators-realworld-3.csv ----------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["邮编：361001", "邮编361001", "邮政编码 361001", "361001（思明）", "邮编:361001(厦门)"]
)
def test_a_label_and_a_place_note_are_no_part_of_the_postcode(raw: str) -> None:
    assert cn_postcode.validate(raw) == "361001"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("邮编：36100", "cn_postcode.length"),
        ("361001（2号楼）", "cn_postcode.format"),
        ("邮编", "cn_postcode.format"),
    ],
)
def test_what_is_left_is_still_checked(raw: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        cn_postcode.validate(raw)
    assert info.value.code == code


# -- session 13 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["361001 厦门", "361001厦门思明", "361001,", "361001；", "361001、", "ZIP: 361001",
     "Zip code 361001", "P.C. 361001", "Postcode: 361001", "postal code 361001", "PC 361001"],
)  # fmt: skip
def test_places_list_punctuation_and_english_labels(value: str) -> None:
    assert cn_postcode.validate(value) == "361001"


def test_a_place_before_the_digits_is_still_refused() -> None:
    with pytest.raises(ValidationError):
        cn_postcode.validate("厦门 361001 思明")
