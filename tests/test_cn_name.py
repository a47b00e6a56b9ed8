"""Names of persons and organisations: normalisation, placeholders, kinds, surnames, masking."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from custmaster.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    UsageError,
    ValidationError,
)
from custmaster.testing.strategies import names
from custmaster.validate import cn_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张伟", "张伟"),
        (" 张 伟 ", "张伟"),
        ("张　三　丰", "张三丰"),
        ("买买提·艾力", "买买提·艾力"),
        ("买买提.艾力", "买买提·艾力"),
        ("买买提 . 艾力", "买买提·艾力"),
        ("买买提．艾力", "买买提·艾力"),
        ("买买提•艾力", "买买提·艾力"),
        ("买买提・艾力", "买买提·艾力"),
        ("买买提‧艾力", "买买提·艾力"),
        ("买买提∙艾力", "买买提·艾力"),
        ("Zhang  Wei", "Zhang Wei"),
        ("Ｊｏｈｎ　Ｓｍｉｔｈ", "John Smith"),
        ("John F. Kennedy", "John F. Kennedy"),
        ("José García", "José García"),
        ("Jose\u0301 Garci\u0301a", "José García"),  # decomposed accents are composed
        ("李\u200b四", "李四"),
        ("腾讯科技(深圳)有限公司", "腾讯科技（深圳）有限公司"),
        ("腾讯科技 （深圳） 有限公司", "腾讯科技（深圳）有限公司"),
        ("Apple （China） Ltd", "Apple (China) Ltd"),
    ],
)
def test_normalisation(raw: str, expected: str) -> None:
    assert cn_name.validate(raw) == expected
    assert cn_name.format(raw) == expected


@pytest.mark.parametrize(
    ("value", "surname", "given_name"),
    [
        ("张伟", "张", "伟"),
        ("王小明", "王", "小明"),
        ("欧阳娜娜", "欧阳", "娜娜"),
        ("司马光", "司马", "光"),
        ("诸葛亮", "诸葛", "亮"),
        ("上官婉儿", "上官", "婉儿"),
        ("欧阳", "欧", "阳"),  # two characters: surname 欧, given name 阳
        ("爱新觉罗溥仪", "爱新觉罗", "溥仪"),
    ],
)
def test_surnames(value: str, surname: str, given_name: str) -> None:
    parsed = cn_name.parse(value)
    assert parsed.kind == "person"
    assert (parsed.surname, parsed.given_name) == (surname, given_name)
    assert parsed.honorific is None


def test_minority_and_latin_names_have_parts_not_surnames() -> None:
    uyghur = cn_name.parse("阿卜杜热依木·阿卜杜克热木")
    assert uyghur.surname is None
    assert uyghur.parts == ("阿卜杜热依木", "阿卜杜克热木")
    latin = cn_name.parse("Zhang Wei")
    assert (latin.surname, latin.parts) == (None, ("Zhang", "Wei"))


@pytest.mark.parametrize(
    "value",
    [
        "华为技术有限公司",
        "中国平安财产保险股份有限公司上海分公司",
        "上海汽车集团股份有限公司",
        "厦门市思明区人民政府",
        "北京协和医院",
        "中国工商银行股份有限公司厦门分行",
        "某某村村民委员会",
        "红星农机专业合作社",
        "红星机械厂",
        "思明区第一中学",
        "Apple (China) Ltd",
        "Deutsche Bank AG",
    ],
)
def test_organisations(value: str) -> None:
    parsed = cn_name.parse(value)
    assert parsed.kind == "organisation"
    assert parsed.surname is None
    assert cn_name.mask(value) == cn_name.validate(value)  # shown in full


def test_kind_can_be_forced() -> None:
    assert cn_name.parse("修理厂").kind == "person"  # short, no keyword: the safe guess
    assert cn_name.parse("修理厂", kind="organisation").kind == "organisation"
    assert cn_name.mask("张伟便利店", kind="person") == "张****"
    with pytest.raises(UsageError):
        cn_name.validate("张伟", kind="company")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "honorific"),
    [
        ("张先生", "先生"),
        ("王女士", "女士"),
        ("李小姐", "小姐"),
        ("赵总", "总"),
        ("欧阳先生", "先生"),
    ],
)
def test_honorific_names_are_accepted_with_a_warning(value: str, honorific: str) -> None:
    parsed = cn_name.parse(value)
    assert parsed.honorific == honorific
    assert parsed.given_name == ""
    assert [w.code for w in parsed.warnings] == ["cn_name.honorific"]
    assert cn_name.is_valid(value)
    assert not cn_name.is_valid(value, strict=True)
    with pytest.raises(InvalidComponent, match=r"cn_name\.honorific"):
        cn_name.validate(value, strict=True)


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("张三（车主）", "张三"),
        ("李四(投保人)", "李四"),
        ("王五 （法人）", "王五"),
        ("买买提·艾力（车主）", "买买提·艾力"),
        ("John Smith (Owner)", "John Smith"),
    ],
)
def test_a_role_in_brackets_after_a_persons_name_is_removed_with_a_warning(
    value: str, name: str
) -> None:
    parsed = cn_name.parse(value)
    assert parsed.name == name
    assert [w.code for w in parsed.warnings] == ["cn_name.note"]
    assert cn_name.validate(value) == name
    assert cn_name.mask(value) == cn_name.mask(name)
    with pytest.raises(InvalidComponent, match=r"cn_name\.note"):
        cn_name.validate(value, strict=True)


@pytest.mark.parametrize(
    ("value", "name", "honorific"),
    [
        ("张伟先生", "张伟", "先生"),
        ("王芳女士", "王芳", "女士"),
        ("张伟 先生", "张伟", "先生"),
        ("李娜小姐", "李娜", "小姐"),
        ("陈静老师", "陈静", "老师"),
        ("刘洋总经理", "刘洋", "总经理"),
        ("欧阳娜娜女士", "欧阳娜娜", "女士"),
        ("买买提·艾力先生", "买买提·艾力", "先生"),
        ("张伟（先生）", "张伟", "先生"),
        ("张伟(先生)", "张伟", "先生"),
        ("王芳 （女士）", "王芳", "女士"),
        ("John Smith 先生", "John Smith", "先生"),
    ],
)
def test_a_form_of_address_after_a_full_name_is_removed_with_a_warning(
    value: str, name: str, honorific: str
) -> None:
    parsed = cn_name.parse(value)
    assert (parsed.name, parsed.honorific) == (name, honorific)
    assert [w.code for w in parsed.warnings] == ["cn_name.note"]
    assert cn_name.validate(value) == name
    assert cn_name.mask(value) == cn_name.mask(name)
    with pytest.raises(InvalidComponent, match=r"cn_name\.note"):
        cn_name.validate(value, strict=True)


@pytest.mark.parametrize(
    ("value", "name"),
    [("王（先生）", "王先生"), ("欧阳(女士)", "欧阳女士"), ("李总", "李总"), ("赵经理", "赵经理")],
)
def test_a_form_of_address_after_a_bare_surname_stays_with_its_warning(
    value: str, name: str
) -> None:
    parsed = cn_name.parse(value)
    assert parsed.name == name
    assert parsed.given_name == ""
    assert [w.code for w in parsed.warnings] == ["cn_name.honorific"]


def test_a_one_character_form_of_address_is_removed_only_after_a_bare_surname() -> None:
    # 张伟总 may be a name (总 is a given name's character too); 李总 is a surname and 总.
    assert cn_name.parse("张伟总").honorific is None
    assert cn_name.validate("张伟总") == "张伟总"


@pytest.mark.parametrize("value", ["张伟（已故）", "王小明（儿子）", "李四(老婆)", "张伟（勿扰）"])
def test_any_other_bracketed_note_on_a_persons_name_is_refused(value: str) -> None:
    with pytest.raises(InvalidComponent) as info:
        cn_name.validate(value)
    assert info.value.code == "cn_name.note_unknown"


@pytest.mark.parametrize("value", ["（先生）", "(车主)", "（已故）"])
def test_a_note_without_a_name_is_a_placeholder(value: str) -> None:
    with pytest.raises(InvalidComponent, match=r"cn_name\.placeholder"):
        cn_name.validate(value)


@settings(max_examples=300)
@given(names(), st.sampled_from(sorted(cn_name._TRAILING_HONORIFICS)), st.booleans())
def test_a_form_of_address_after_a_full_name_never_changes_the_name(
    name: str, honorific: str, bracketed: bool
) -> None:
    plain = cn_name.parse(name)
    assume(plain.kind == "person" and plain.honorific is None and not plain.warnings)
    written = f"{name}（{honorific}）" if bracketed else name + honorific
    parsed = cn_name.parse(written)
    assert (parsed.name, parsed.surname, parsed.honorific) == (plain.name, plain.surname, honorific)


def test_a_bracket_that_is_no_role_note_is_not_removed() -> None:
    # an organisation's brackets are part of its registered name
    assert cn_name.validate("厦门某某（集团）有限公司") == "厦门某某（集团）有限公司"
    # a placeholder stays one with a role after it
    with pytest.raises(InvalidComponent, match=r"cn_name\.placeholder"):
        cn_name.validate("客户（车主）")


@pytest.mark.parametrize(
    ("value", "error", "code"),
    [
        ("无", InvalidComponent, "cn_name.placeholder"),
        ("不详", InvalidComponent, "cn_name.placeholder"),
        ("未知", InvalidComponent, "cn_name.placeholder"),
        ("先生", InvalidComponent, "cn_name.placeholder"),
        ("女士", InvalidComponent, "cn_name.placeholder"),
        ("测试", InvalidComponent, "cn_name.placeholder"),
        ("测试用户", InvalidComponent, "cn_name.placeholder"),
        ("TEST", InvalidComponent, "cn_name.placeholder"),
        ("null", InvalidComponent, "cn_name.placeholder"),
        ("xxx", InvalidComponent, "cn_name.placeholder"),
        ("张某", InvalidComponent, "cn_name.placeholder"),
        ("张某某", InvalidComponent, "cn_name.placeholder"),
        ("李XX", InvalidComponent, "cn_name.placeholder"),
        ("哈哈哈", InvalidComponent, "cn_name.placeholder"),
        ("张*", InvalidFormat, "cn_name.masked"),
        ("张3", InvalidFormat, "cn_name.digits"),
        ("李②", InvalidFormat, "cn_name.digits"),
        ("王３", InvalidFormat, "cn_name.digits"),
        ("王٣", InvalidFormat, "cn_name.digits"),
        ("北京798艺术有限公司", InvalidFormat, "cn_name.digits"),
        ("张伟（已故）", InvalidComponent, "cn_name.note_unknown"),
        ("张\x00伟", InvalidFormat, "cn_name.characters"),
        ("\ue000伟", InvalidFormat, "cn_name.characters"),  # private-use 造字
        ("Иван Петров", InvalidFormat, "cn_name.characters"),
        ("张伟@", InvalidFormat, "cn_name.characters"),
        ("·艾力", InvalidFormat, "cn_name.format"),
        ("艾力·", InvalidFormat, "cn_name.format"),
        ("买买提··艾力", InvalidFormat, "cn_name.format"),
        ("张", InvalidLength, "cn_name.length"),
        ("", InvalidLength, "cn_name.length"),
        ("张" + "伟" * 60, InvalidLength, "cn_name.length"),
        ("某" * 90 + "有限公司" + "某" * 10, InvalidLength, "cn_name.length"),
    ],
)
def test_refusals(value: str, error: type[ValidationError], code: str) -> None:
    with pytest.raises(error) as info:
        cn_name.validate(value)
    assert info.value.code == code
    assert code in cn_name.ERROR_CODES
    assert not cn_name.is_valid(value)
    if len(value) > 6:
        assert value not in str(info.value)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("张伟", "张*"),
        ("王小明", "王**"),
        ("欧阳娜娜", "欧阳**"),
        ("司马光", "司马*"),
        ("张先生", "张**"),
        ("买买提·艾力", "买**·**"),
        ("John Smith", "J*** *****"),
        ("王Lisa", "王****"),
    ],
)
def test_mask(value: str, masked: str) -> None:
    assert cn_name.mask(value) == masked
    assert cn_name.parse(value).mask() == masked
    assert masked in repr(cn_name.parse(value))


def test_repr_and_mask_never_show_a_persons_full_name() -> None:
    parsed = cn_name.parse("王小明")
    assert "小明" not in repr(parsed)
    assert cn_name.mask(None) == "<NoneType>"  # type: ignore[arg-type]
    assert cn_name.mask("张3") == "**"


han = st.sampled_from("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰")
surnames = st.sampled_from(["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "欧阳", "司马", "诸葛"])
person_names = st.builds(
    lambda s, g: s + "".join(g), surnames, st.lists(han, min_size=1, max_size=2)
)


@settings(max_examples=200)
@given(person_names)
def test_person_names_round_trip_and_mask(value: str) -> None:
    assert cn_name.is_valid(value)
    assert cn_name.validate(cn_name.format(value)) == cn_name.validate(value)
    assert cn_name.validate(" ".join(value)) == value
    parsed = cn_name.parse(value)
    assert parsed.surname is not None
    assert cn_name.mask(value) == parsed.surname + "*" * (len(value) - len(parsed.surname))


# The fast path (`_plain`) must agree with the full checks. Inputs: realistic names, names with
# the suffixes that trip placeholder, honorific and kind rules, and text drawn from the
# characters every rule looks at.
_RULE_CHARS = (
    "张王李欧阳司马爱新觉罗伟芳某测试无不详先生女士总哈公司有限厂店集团银行中心"
    "·.．•・ 　\u200b()（）&,'-*XxJohnSmithLtdCo3３②é\u0301Ｊ\ue000\x00Ии"
)
_TAILS = [
    "先生", "总", "某", "某某", "XX", " ", "·", "·艾力", "厂", "有限公司", "女士", "总经理",
    "（先生）", "(车主)", "（已故）", " 先生",
]  # fmt: skip
_names = (
    names()
    | names(kind="organisation")
    | st.builds(
        lambda name, tail: name + tail,
        names(),
        st.sampled_from(_TAILS),
    )
    | st.text(st.sampled_from(_RULE_CHARS), max_size=12)
    | st.text(max_size=8)
)


def _outcome(function: Callable[..., object], *args: object, **kwargs: object) -> object:
    """The result of the call, or the class, code and text of the error it raised."""
    try:
        return function(*args, **kwargs)
    except ValidationError as error:
        return type(error), error.code, str(error)


@settings(max_examples=1000)
@given(_names, st.sampled_from([None, "person", "organisation"]), st.booleans())
def test_fast_path_agrees_with_the_full_checks(
    value: str, kind: cn_name.NameKind | None, strict: bool
) -> None:
    full = _outcome(cn_name._checked, value, kind, strict, fast=False)
    assert _outcome(cn_name._checked, value, kind, strict) == full
    expected = full.name if isinstance(full, cn_name.CnName) else full
    assert _outcome(cn_name.validate, value, kind=kind, strict=strict) == expected
    assert cn_name.is_valid(value, kind=kind, strict=strict) == isinstance(full, cn_name.CnName)
    if cn_name._plain(value):  # validate returns a plain name as it is, whatever the kind
        assert cn_name._check(value, kind, fast=False).name == value


@pytest.mark.parametrize(
    "value", ["张伟", "欧阳娜娜", "厦门鹭江贸易有限公司", "买买提·艾力", "John Smith", "张先生"]
)
def test_common_names_take_the_fast_path(value: str) -> None:
    assert cn_name._plain(value)


@pytest.mark.parametrize(
    "value", ["张某", "张某某", "哈哈哈", "不详", "测试用户", "张 伟", "Aa", "null", "John  Smith"]
)
def test_the_fast_path_leaves_doubtful_names_to_the_full_checks(value: str) -> None:
    assert not cn_name._plain(value)


def test_fast_path_over_every_unified_ideograph() -> None:
    block = "".join(map(chr, range(0x4E00, 0xA000)))
    assert unicodedata.normalize("NFC", block) == block
    assert block.casefold() == block
    for char in block:
        for value in (char + "伟", "张" + char, char + "·" + char):
            fast = _outcome(cn_name._check, value, None)
            assert fast == _outcome(cn_name._check, value, None, fast=False)


@pytest.mark.parametrize("value", ["阿依古丽。买买提", "阿依古丽 。 买买提"])
def test_ideographic_full_stop_between_han_parts_is_the_dot(value: str) -> None:
    assert cn_name.validate(value) == "阿依古丽·买买提"


@pytest.mark.parametrize(
    "value",
    [
        "张伟（车主本人）",
        "张伟（投保人/被保险人）",
        "张伟(投保人兼被保险人)",
        "张伟（车主、联系人）",
    ],
)
def test_joined_roles_are_a_role_note(value: str) -> None:
    parsed = cn_name.parse(value)
    assert parsed.name == "张伟"
    assert [w.code for w in parsed.warnings] == ["cn_name.note"]


@pytest.mark.parametrize("value", ["张伟（车主已故）", "张伟（本人儿子）"])
def test_a_role_joined_to_another_note_is_still_refused(value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        cn_name.validate(value)
    assert caught.value.code == "cn_name.note_unknown"


@pytest.mark.parametrize("value", ["车主", "投保人", "被保险人", "未知客户", "（车主）"])
def test_a_role_alone_is_a_placeholder(value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        cn_name.validate(value)
    assert caught.value.code == "cn_name.placeholder"


# -- session 13 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["阿依古丽-买买提", "阿依古丽－买买提", "阿依古丽—买买提", "阿依古丽–买买提",
     "阿依古丽 - 买买提", "阿依古丽——买买提"],
)  # fmt: skip
def test_a_hyphen_or_dash_between_han_characters_is_the_dot(value: str) -> None:
    assert cn_name.validate(value) == "阿依古丽·买买提"
    assert cn_name.parse(value).parts == ("阿依古丽", "买买提")


def test_a_hyphen_in_an_organisation_name_stays() -> None:
    assert cn_name.validate("中国-东盟博览会有限公司") == "中国-东盟博览会有限公司"


def test_a_hyphen_in_a_latin_name_stays() -> None:
    assert cn_name.validate("Mary-Jane Watson") == "Mary-Jane Watson"


@pytest.mark.parametrize("value", ["某先生", "某女士", "某小姐", "某总", "某（先生）"])
def test_mou_with_a_form_of_address_is_a_placeholder(value: str) -> None:
    with pytest.raises(InvalidComponent) as info:
        cn_name.validate(value)
    assert info.value.code == "cn_name.placeholder"
    assert cn_name.validate("某丽") == "某丽"  # 某 is no surname-only filler after a name
