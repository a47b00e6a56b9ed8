"""custmaster.validate.country: every ISO 3166-1 form to one alpha-3 key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custmaster import IdentityDocument, Provenance, SourceRecord, open_store
from custmaster.errors import InvalidComponent, InvalidFormat, ValidationError
from custmaster.validate import country
from custmaster.validate._countries import ALPHA3, NAME_ZH


@pytest.mark.parametrize(
    ("written", "alpha3"),
    [
        ("CN", "CHN"),
        ("chn", "CHN"),
        ("中国", "CHN"),
        ("中华人民共和国", "CHN"),
        ("China", "CHN"),
        ("Ｃ Ｎ", "CHN"),
        ("US", "USA"),
        ("美国", "USA"),
        ("United States", "USA"),
        ("UK", "GBR"),
        ("英国", "GBR"),
        ("香港", "HKG"),
        ("中国香港", "HKG"),
        ("澳门", "MAC"),
        ("台湾", "TWN"),
        ("韩国", "KOR"),
        ("South Korea", "KOR"),
        ("朝鲜", "PRK"),
        ("日本", "JPN"),
        ("Viet Nam", "VNM"),
        ("Vietnam", "VNM"),
        ("越南", "VNM"),
    ],
)
def test_written_forms_become_the_alpha3_code(written: str, alpha3: str) -> None:
    assert country.validate(written) == alpha3


@pytest.mark.parametrize("value", ["ZZ", "XXX", "Atlantis", "中", "C", "CHNA", "13800138000"])
def test_unknown_countries_are_refused(value: str) -> None:
    with pytest.raises(InvalidComponent) as caught:
        country.validate(value)
    assert caught.value.code == "country.unknown"
    assert not country.is_valid(value)


def test_every_code_round_trips_through_alpha2() -> None:
    assert len(set(ALPHA3.values())) >= 249
    for code, alpha3 in ALPHA3.items():
        assert country.validate(code) == alpha3
        assert country.validate(country.to_alpha2(alpha3)) == alpha3
        assert country.parse(code).name_zh == NAME_ZH[alpha3]


@given(st.text(max_size=30))
def test_arbitrary_text_gives_a_code_or_a_validation_error(text: str) -> None:
    try:
        code = country.validate(text)
    except ValidationError:
        assert not country.is_valid(text)
    else:
        assert code in NAME_ZH
        assert country.validate(code) == code


def test_identity_documents_from_cn_and_chn_are_one_key() -> None:
    a = IdentityDocument(type="passport", country="CN", number="E12345678")
    b = IdentityDocument(type="护照", country="中国", number="e1234 5678")
    assert a.country == b.country == "CHN"
    assert a.key == b.key


def test_a_document_country_that_is_not_a_country_is_refused() -> None:
    with pytest.raises(InvalidFormat) as caught:
        IdentityDocument(type="passport", country="Atlantis", number="E1")
    assert caught.value.code == "identity_document.country"
    assert caught.value.field == "country"


def test_records_with_cn_and_chn_passports_are_one_customer() -> None:
    store = open_store("memory://")
    results = [
        store.ingest(
            SourceRecord(
                provenance=Provenance(channel=channel, source_ref=ref, observed_at="2026-01-01"),
                name="约翰",
                id_document={"type": kind, "country": issuer, "number": "E12345678"},
            )
        )
        for channel, ref, kind, issuer in [
            ("core_system", "a", "passport", "CN"),
            ("telesales", "b", "护照", "CHN"),
        ]
    ]
    assert [r.ok for r in results] == [True, True]
    assert results[0].customer_id == results[1].customer_id
    assert store.count() == 1
