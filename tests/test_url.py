"""URLs: schemes, hosts (domains, IDNA, IP addresses), normalisation and masking."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custmaster.errors import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from custmaster.validate import url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.pingan.com", "https://www.pingan.com/"),
        ("http://www.gov.cn/zhengce/", "http://www.gov.cn/zhengce/"),
        ("HTTPS://WWW.Example.COM/Path?Q=1#Top", "https://www.example.com/Path?Q=1#Top"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://例子.中国/关于", "https://例子.中国/关于"),
        ("https://xn--fsqu00a.xn--fiqs8s/", "https://例子.中国/"),
        ("http://例子。中国", "http://例子.中国/"),
        ("ｈｔｔｐｓ：／／ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ", "https://www.example.com/"),
        ("http://192.0.2.10/status", "http://192.0.2.10/status"),
        ("http://[2001:DB8:0:0::1]:8080/", "http://[2001:db8::1]:8080/"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com/%E4%BD%A0", "https://example.com/%E4%BD%A0"),
    ],
)
def test_real_world_urls(raw: str, expected: str) -> None:
    assert url.validate(raw) == expected
    assert url.format(raw) == expected
    assert url.is_valid(raw)


@pytest.mark.parametrize(
    ("value", "error", "code"),
    [
        ("www.example.com", InvalidFormat, "url.scheme"),
        ("example.com/path", InvalidFormat, "url.scheme"),
        ("javascript:alert(1)", InvalidFormat, "url.scheme"),
        ("ftp://files.example.com/", InvalidFormat, "url.scheme"),
        ("mailto:li@example.com", InvalidFormat, "url.scheme"),
        ("https://example.com/a b", InvalidFormat, "url.characters"),
        ("https://example.com/<script>", InvalidFormat, "url.characters"),
        ("https://example.com\\@evil.com/", InvalidFormat, "url.characters"),
        ("https://example.com/\x00", InvalidFormat, "url.characters"),
        ("http://[2001:db8::1/", InvalidFormat, "url.format"),
        ("https://user:secret@example.com/", InvalidComponent, "url.userinfo"),
        ("https://user@example.com/", InvalidComponent, "url.userinfo"),
        ("https:///path", InvalidComponent, "url.host"),
        ("https://localhost/", InvalidComponent, "url.host"),
        ("https://intranet/", InvalidComponent, "url.host"),
        ("https://300.1.1.1/", InvalidComponent, "url.host"),
        ("https://01.2.3.4/", InvalidComponent, "url.host"),
        ("https://exa_mple.com/", InvalidComponent, "url.domain_label"),
        ("https://-example.com/", InvalidComponent, "url.domain_label"),
        ("https://xn--zz.com/", InvalidComponent, "url.domain_idna"),
        ("https://example.c/", InvalidComponent, "url.tld"),
        ("https://example.com:0/", InvalidComponent, "url.port"),
        ("https://example.com:65536/", InvalidComponent, "url.port"),
        ("https://example.com:http/", InvalidComponent, "url.port"),
        ("https://example.com/" + "a" * 2100, InvalidLength, "url.length"),
    ],
)
def test_refusals(value: str, error: type[ValidationError], code: str) -> None:
    with pytest.raises(error) as info:
        url.validate(value)
    assert info.value.code == code
    assert code in url.ERROR_CODES
    assert not url.is_valid(value)
    assert "secret" not in str(info.value)


def test_options() -> None:
    assert url.validate("ftp://files.example.com/a.pdf", schemes=("ftp",)) == (
        "ftp://files.example.com/a.pdf"
    )
    assert url.validate("FTP://files.example.com:21/", schemes=("FTP",)) == (
        "ftp://files.example.com/"
    )
    assert url.validate("http://localhost:8080/x", allow_localhost=True) == (
        "http://localhost:8080/x"
    )
    assert not url.is_valid("https://example.com/", schemes=("ftp",))


def test_parse_parts() -> None:
    parsed = url.parse("https://例子.中国:8443/a/b?phone=13800138000#x")
    assert (parsed.scheme, parsed.host, parsed.ascii_host, parsed.host_kind) == (
        "https",
        "例子.中国",
        "xn--fsqu00a.xn--fiqs8s",
        "domain",
    )
    assert (parsed.port, parsed.path, parsed.query, parsed.fragment) == (
        8443,
        "/a/b",
        "phone=13800138000",
        "x",
    )
    assert "13800138000" not in repr(parsed)
    assert parsed.mask() == "https://例子.中国:8443/a/b"
    assert url.parse("http://[::1]/", allow_localhost=True).host_kind == "ipv6"
    assert url.parse("http://192.0.2.1/").host_kind == "ipv4"
    assert url.parse("http://localhost/", allow_localhost=True).host_kind == "localhost"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("https://shop.example.com/order?phone=13800138000#top", "https://shop.example.com/order"),
        ("https://example.com", "https://example.com/"),
        ("ftp://files.example.com/a?b=c", "ftp://files.example.com/a"),
    ],
)
def test_mask_drops_query_and_fragment(value: str, masked: str) -> None:
    assert url.mask(value) == masked


def test_mask_never_raises_and_hides_credentials() -> None:
    assert url.mask(None) == "<NoneType>"  # type: ignore[arg-type]
    assert "secret" not in url.mask("https://admin:secret@example.com/")


labels = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
hosts = st.builds(
    lambda parts, tld: ".".join([*parts, tld]),
    st.lists(labels, min_size=1, max_size=3),
    st.sampled_from(["com", "cn", "org", "中国"]),
)
paths = st.lists(st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", max_size=8), max_size=3).map(
    lambda parts: "/" + "/".join(parts)
)


@settings(max_examples=200)
@given(st.sampled_from(["http", "https"]), hosts, st.none() | st.integers(1, 65535), paths)
def test_format_round_trips(scheme: str, host: str, port: int | None, path: str) -> None:
    value = f"{scheme}://{host}{'' if port is None else f':{port}'}{path}"
    assert url.validate(url.format(value)) == url.validate(value)
    upper = f"{scheme.upper()}://{host.upper()}{'' if port is None else f':{port}'}{path}"
    assert url.validate(upper) == url.validate(value)


# -- session 12: validators-realworld-3.csv ----------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "https://www.pingan.com，",
        "https://www.pingan.com。",
        "https://www.pingan.com；",
        "网址：https://www.pingan.com",
        "官网 https://www.pingan.com。",
        "URL: https://www.pingan.com",
        "Website：https://www.pingan.com",
    ],
)
def test_the_sentence_around_a_url_is_no_part_of_it(raw: str) -> None:
    assert url.validate(raw) == "https://www.pingan.com/"


def test_punctuation_inside_a_url_is_kept_or_refused() -> None:
    assert url.validate("https://www.example.com/a，b") == "https://www.example.com/a，b"
    assert url.validate("https://www.example.com/a.") == "https://www.example.com/a."
    with pytest.raises(ValidationError) as info:
        url.validate("https://www.例子、公司.cn/")
    assert info.value.code == "url.domain_label"
    with pytest.raises(ValidationError) as info:
        url.validate("网址：")
    assert info.value.code == "url.scheme"


# -- session 13 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "<https://www.example.com.cn/>",
        " < https://www.example.com.cn/ > ",
        "https://www.example.com.cn/,",
        "https://www.example.com.cn/;",
        "https://www.example.com.cn（公司官网）",
        "官网：https://www.example.com.cn 【官网】",
        "https://www.example.com.cn（官网），",
    ],
)
def test_brackets_notes_and_list_punctuation_around_a_url(value: str) -> None:
    assert url.validate(value) == "https://www.example.com.cn/"


def test_commas_and_semicolons_inside_a_url_stay() -> None:
    assert url.validate("https://example.com/a,b;c") == "https://example.com/a,b;c"
    assert url.validate("https://example.com/?q=a,b") == "https://example.com/?q=a,b"


def test_an_ascii_bracket_note_is_not_removed() -> None:
    assert url.validate("https://example.com/wiki/A_(B)") == "https://example.com/wiki/A_(B)"
