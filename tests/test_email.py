"""E-mail addresses: dot-atom local parts, IDNA domains, typo warnings, masking."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custmaster.errors import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from custmaster.validate import email


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("zhangwei@qq.com", "zhangwei@qq.com"),
        ("12345678@qq.com", "12345678@qq.com"),
        ("Zhang.Wei@Example.COM", "Zhang.Wei@example.com"),
        ("wang_fang-1990@163.com", "wang_fang-1990@163.com"),
        ("li+insurance@gmail.com", "li+insurance@gmail.com"),
        ("o'brien@example.co.uk", "o'brien@example.co.uk"),
        ("service@mail.pingan.com.cn", "service@mail.pingan.com.cn"),
        ("  li@sina.cn  ", "li@sina.cn"),
        ("mailto:li@sina.cn", "li@sina.cn"),
        ("MAILTO: li@sina.cn", "li@sina.cn"),
        ("ｌｉ＠ｓｉｎａ．ｃｎ", "li@sina.cn"),
        ("li@sina。cn", "li@sina.cn"),
        ("service@例子.中国", "service@例子.中国"),
        ("service@xn--fsqu00a.xn--fiqs8s", "service@例子.中国"),
        ("a@b.xn--fiqs8s", "a@b.中国"),
        ("a@b.museum", "a@b.museum"),
    ],
)
def test_real_world_addresses(raw: str, expected: str) -> None:
    assert email.validate(raw) == expected
    assert email.format(raw) == expected
    assert email.is_valid(raw)


def test_parse_gives_both_domain_forms() -> None:
    parsed = email.parse("Service@例子.中国")
    assert (parsed.local_part, parsed.domain, parsed.ascii_domain) == (
        "Service",
        "例子.中国",
        "xn--fsqu00a.xn--fiqs8s",
    )
    assert "Service" not in repr(parsed)


@pytest.mark.parametrize(
    ("value", "error", "code"),
    [
        ("zhangwei", InvalidFormat, "email.at"),
        ("zhang@wei@qq.com", InvalidFormat, "email.at"),
        ("@qq.com", InvalidLength, "email.local_length"),
        ("a" * 65 + "@qq.com", InvalidLength, "email.local_length"),
        ("zhang wei@qq.com", InvalidFormat, "email.local_characters"),
        ('"zhang wei"@qq.com', InvalidFormat, "email.local_characters"),
        ("张伟@qq.com", InvalidFormat, "email.local_characters"),
        (".zhang@qq.com", InvalidFormat, "email.local_format"),
        ("zhang.@qq.com", InvalidFormat, "email.local_format"),
        ("zhang..wei@qq.com", InvalidFormat, "email.local_format"),
        ("zhang@", InvalidComponent, "email.domain"),
        ("zhang@qq", InvalidComponent, "email.domain"),
        ("zhang@qq..com", InvalidComponent, "email.domain"),
        ("zhang@-qq.com", InvalidComponent, "email.domain_label"),
        ("zhang@qq_mail.com", InvalidComponent, "email.domain_label"),
        ("zhang@[192.0.2.1]", InvalidComponent, "email.domain_label"),
        ("zhang@xn--zz.com", InvalidComponent, "email.domain_idna"),
        ("zhang@qq.c", InvalidComponent, "email.tld"),
        ("zhang@qq.123", InvalidComponent, "email.tld"),
        ("zhang@" + "a" * 64 + ".com", InvalidComponent, "email.domain_label"),
        ("zhang@" + ("a" * 60 + ".") * 5 + "com", InvalidLength, "email.length"),
        ("a" * 64 + "@" + ("b" * 60 + ".") * 3 + "b" * 10 + ".com", InvalidLength, "email.length"),
    ],
)
def test_refusals(value: str, error: type[ValidationError], code: str) -> None:
    with pytest.raises(error) as info:
        email.validate(value)
    assert info.value.code == code
    assert code in email.ERROR_CODES
    assert not email.is_valid(value)
    if len(value) > 6:
        assert value not in str(info.value)


@pytest.mark.parametrize(
    ("typo", "intended"),
    [
        ("qq.con", "qq.com"),
        ("qq.cm", "qq.com"),
        ("163.cm", "163.com"),
        ("126.con", "126.com"),
        ("gmial.com", "gmail.com"),
        ("gamil.com", "gmail.com"),
        ("hotmial.com", "hotmail.com"),
        ("yeah.nte", "yeah.net"),
        ("sohu.con", "sohu.com"),
        ("139.cm", "139.com"),
    ],
)
def test_suspected_typos_are_warnings(typo: str, intended: str) -> None:
    address = "li@" + typo
    parsed = email.parse(address)
    assert parsed.suggested_domain == intended
    assert [w.code for w in parsed.warnings] == ["email.suspected_typo"]
    assert email.validate(address) == address  # not corrected
    with pytest.raises(InvalidComponent, match=r"email\.suspected_typo"):
        email.validate(address, strict=True)


@pytest.mark.parametrize("domain", ["qq.com", "163.com", "gmail.com", "sina.cn", "qq.co.uk"])
def test_real_domains_are_not_typos(domain: str) -> None:
    assert email.parse("li@" + domain).suggested_domain is None
    assert email.is_valid("li@" + domain, strict=True)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("zhangwei@qq.com", "z***@qq.com"),
        ("Li@Sina.CN", "L***@sina.cn"),
        ("a@例子.中国", "a***@例子.中国"),
    ],
)
def test_mask(value: str, masked: str) -> None:
    assert email.mask(value) == masked
    assert email.parse(value).mask() == masked


def test_mask_never_raises() -> None:
    assert email.mask(None) == "<NoneType>"  # type: ignore[arg-type]
    assert email.mask("zhangwei13800138000") == "zha************8000"


atext = st.text("abcdefghijklmnopqrstuvwxyz0123456789_-+", min_size=1, max_size=10)
local_parts = st.lists(atext, min_size=1, max_size=3).map(".".join)
labels = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
domains = st.builds(
    lambda parts, tld: ".".join([*parts, tld]),
    st.lists(labels, min_size=1, max_size=3),
    st.sampled_from(["com", "cn", "net", "org", "中国", "公司"]),
)


@settings(max_examples=200)
@given(local_parts, domains)
def test_format_round_trips(local: str, domain: str) -> None:
    address = f"{local}@{domain}"
    assert email.validate(email.format(address)) == email.validate(address)
    assert email.validate(f" {local}@{domain.upper()} ") == email.validate(address)
    parsed = email.parse(address)
    assert email.validate(f"{local}@{parsed.ascii_domain}") == parsed.address


@pytest.mark.parametrize(
    ("value", "address"),
    [
        ("zhang @ 163.com", "zhang@163.com"),
        ("张伟 <zhang@163.com>", "zhang@163.com"),
        ("<Zhang@QQ.com>", "Zhang@qq.com"),
    ],
)
def test_an_address_as_forms_and_mail_clients_write_it(value: str, address: str) -> None:
    assert email.validate(value) == address


@pytest.mark.parametrize(
    "value", ["zhang\u200bwei@qq.com", "\ufeffzhangwei@qq.com", "zhangwei@qq\u200d.com"]
)
def test_zero_width_characters_are_removed(value: str) -> None:
    assert email.validate(value) == "zhangwei@qq.com"


# -- session 12: validators-realworld-3.csv ----------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "zhangwei@qq.com。",
        "zhangwei@qq.com.",
        "zhangwei@qq.com，",
        "zhangwei@qq.com；",
        "zhangwei@qq.com;",
        "zhangwei@qq.com、",
        "zhangwei@qq.com！",
        "“zhangwei@qq.com”",
        "'zhangwei@qq.com'",
        "「zhangwei@qq.com」。",
        "邮箱：zhangwei@qq.com",
        "电子邮件 zhangwei@qq.com",
        "E-mail: zhangwei@qq.com",
        "EMAIL：zhangwei@qq.com。",
        "zhangwei@qq.com（常用）",
        "zhangwei@qq.com (工作)。",
        "zhangwei@qq.com【本人】",
        "zhangwei@qq.com 本人",
        "张伟 <zhangwei@qq.com>。",
    ],
)
def test_the_sentence_around_an_address_is_no_part_of_it(raw: str) -> None:
    assert email.validate(raw) == "zhangwei@qq.com"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("zhangwei@qq.com；lisi@163.com", "email.at"),
        ("zhangwei@qq..com。", "email.domain"),
        ("zhangwei.@qq.com。", "email.local_format"),
        ("zhang@[192.0.2.1]", "email.domain_label"),  # no bracketed note after the @
        ("邮箱：", "email.at"),
        ("zhang@a、b.com", "email.domain_label"),
        ("zhang@例子、公司.cn", "email.domain_label"),
        ("zhang@例子★.cn", "email.domain_label"),
    ],
)
def test_what_is_left_is_still_checked(raw: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        email.validate(raw)
    assert info.value.code == code


def test_chinese_domains_with_hyphens_and_chinese_tlds() -> None:
    assert email.validate("info@中国-移动.中国") == "info@中国-移动.中国"
    assert email.validate("service@例子.公司。") == "service@例子.公司"
