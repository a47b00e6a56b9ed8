"""Who a customer is: person or organisation, gender, and identity documents other than the ID card.

A person is identified by the resident ID (`custmaster.validate.cn_resident_id`) where there is
one; foreigners, residents of Hong Kong, Macao and Taiwan, and serving officers often present
another document instead, kept as an `IdentityDocument` with its type and issuing country.
An organisation is identified by its USCC; its organisation code from before the USCC
(组织机构代码, `custmaster.validate.cn_org_code`) is kept as a document of type ``org_code``,
whose number is validated and whose country is China.

>>> doc = IdentityDocument(type="台胞证", country="twn", number=" 0123 4567 ")
>>> doc.type, doc.country, doc.number
(<DocumentType.TAIWAN_PERMIT: 'taiwan_permit'>, 'TWN', '01234567')
>>> doc
IdentityDocument(type=<DocumentType.TAIWAN_PERMIT: 'taiwan_permit'>, country='TWN',
                 number='0*****67')
>>> doc.key
('taiwan_permit', 'TWN', '01234567')
>>> IdentityDocument(type="passport", country="CN", number="E1").key == IdentityDocument(
...     type="护照", country="中国", number="e1").key
True
>>> IdentityDocument(type="组织机构代码", number="60003734-1").key
('org_code', 'CHN', '600037341')
>>> Gender("女"), Gender("M")
(<Gender.FEMALE: 'female'>, <Gender.MALE: 'male'>)
"""

from __future__ import annotations

import re

import attrs

from custmaster.errors import InvalidComponent, InvalidFormat, ValidationError
from custmaster.model import _convert, _mask
from custmaster.validate import cn_foreign_permanent_id, cn_org_code
from custmaster.validate import country as _iso_country
from custmaster.validate._mask import mask_unknown

__all__ = ["ERROR_CODES", "CustomerKind", "DocumentType", "Gender", "IdentityDocument"]

#: Every error code this module raises (besides the shared ``model.*`` codes).
ERROR_CODES: dict[str, str] = {
    "identity_document.country": "The country is not an ISO 3166-1 country code or name.",
    "identity_document.number": "A document number is not 1-40 characters without spaces.",
    "identity_document.org_code_country": (
        "An organisation code (组织机构代码) is given with a country other than China."
    ),
}

_DOCUMENT_NUMBER = re.compile(r"[^\s]{1,40}")


class CustomerKind(_convert.AliasEnum):
    """Whether a customer is a natural person or an organisation."""

    PERSON = "person"
    ORGANISATION = "organisation"


class Gender(_convert.AliasEnum):
    """A person's gender as the resident ID or a source states it.

    The constructor accepts ``'M'``/``'F'`` (as `custmaster.validate.cn_resident_id` returns),
    ``男``/``女`` and the GB/T 2261.1 codes ``1``/``2``.
    """

    MALE = "male"
    FEMALE = "female"


class DocumentType(_convert.AliasEnum):
    """The type of an identity document other than the mainland resident ID card.

    The constructor accepts the usual Chinese names (``护照``, ``港澳通行证``, ``台胞证``,
    ``军官证`` …) as aliases.
    """

    PASSPORT = "passport"
    #: 港澳居民来往内地通行证 (回乡证), the mainland travel permit of Hong Kong and Macao residents.
    HK_MACAO_PERMIT = "hk_macao_permit"
    #: 台湾居民来往大陆通行证 (台胞证).
    TAIWAN_PERMIT = "taiwan_permit"
    #: 外国人永久居留身份证.
    FOREIGN_PERMANENT_RESIDENT = "foreign_permanent_resident"
    #: 军官证.
    MILITARY_OFFICER = "military_officer"
    #: 士兵证.
    SOLDIER = "soldier"
    #: 警官证.
    POLICE_OFFICER = "police_officer"
    #: 户口簿.
    HOUSEHOLD_REGISTER = "household_register"
    #: 出生医学证明 (for children without an ID card yet).
    BIRTH_CERTIFICATE = "birth_certificate"
    #: 组织机构代码 (GB 11714-1997): an organisation's code before the USCC replaced it, the
    #: one document an organisation may have (`custmaster.validate.cn_org_code`).
    ORG_CODE = "org_code"
    OTHER = "other"


_convert.register_aliases(
    CustomerKind,
    {"个人": "person", "自然人": "person", "单位": "organisation", "企业": "organisation",
     "机构": "organisation", "organization": "organisation"},
)  # fmt: skip
_convert.register_aliases(
    Gender,
    {"m": "male", "f": "female", "男": "male", "女": "female", "1": "male", "2": "female",
     "男性": "male", "女性": "female"},
)  # fmt: skip
_convert.register_aliases(
    DocumentType,
    {"护照": "passport", "港澳通行证": "hk_macao_permit", "回乡证": "hk_macao_permit",
     "港澳居民来往内地通行证": "hk_macao_permit", "台胞证": "taiwan_permit",
     "台湾居民来往大陆通行证": "taiwan_permit",
     "外国人永久居留身份证": "foreign_permanent_resident",
     "外国人永久居留证": "foreign_permanent_resident",
     "永久居留身份证": "foreign_permanent_resident", "永久居留证": "foreign_permanent_resident",
     "永居证": "foreign_permanent_resident", "外国人永居证": "foreign_permanent_resident",
     "军官证": "military_officer",
     "士兵证": "soldier", "警官证": "police_officer", "户口簿": "household_register",
     "户口本": "household_register", "出生证": "birth_certificate",
     "出生医学证明": "birth_certificate", "组织机构代码": "org_code",
     "组织机构代码证": "org_code", "组织机构代码证书": "org_code", "机构代码": "org_code",
     "组织代码": "org_code", "organisation_code": "org_code",
     "organization_code": "org_code", "其他": "other", "其它": "other"},
)  # fmt: skip


def _country(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _convert.type_error("country", "text", value)
    if not value.strip():
        return None
    try:
        return _iso_country.validate(value)
    except ValidationError:
        raise InvalidFormat(
            "A country is an ISO 3166-1 code (CN, CHN) or name (中国, China).",
            code="identity_document.country",
            field="country",
            masked_value=mask_unknown(value),
            message_zh="国家或地区须为 ISO 3166-1 代码（CN、CHN）或名称（中国）。",
        ) from None


def _document_number(value: str) -> str:
    number = "".join(value.replace("\u3000", " ").split()).upper()
    if not _DOCUMENT_NUMBER.fullmatch(number):
        raise InvalidFormat(
            "A document number is 1-40 characters.",
            code="identity_document.number",
            masked_value=mask_unknown(number),
            message_zh="证件号码须为 1-40 个字符。",
        )
    return number


def _document_type(value: object) -> DocumentType:
    return _convert.required_enum(value, "type", DocumentType)


def _document_number_field(value: object) -> str:
    return _convert.required(value, "number", _document_number)


@attrs.frozen(kw_only=True)
class IdentityDocument:
    """An identity document other than the resident ID: its type, issuing country and number.

    ``country`` is the ISO 3166-1 alpha-3 code whatever form the source gave (``CN``, ``CHN``,
    ``中国`` and ``China`` are all ``CHN``, so they make one key; `custmaster.validate.country`),
    or ``None`` when unknown. The number is kept without spaces, upper-cased. The triple
    (type, country, number) is a strong identity key (`key`).

    The 18-character number of a foreigner's permanent residence card of the 2023 form
    (type ``foreign_permanent_resident``, starting with ``9``) is validated too
    (`custmaster.validate.cn_foreign_permanent_id`). An organisation code (type ``org_code``)
    is validated (`custmaster.validate.cn_org_code`:
    check character, 9 characters without the hyphen) and its country is always ``CHN``: it is
    the key the USCC holding the code gives too (`custmaster.resolve.keys.strong_keys`).
    """

    type: DocumentType = attrs.field(converter=_document_type)
    country: str | None = attrs.field(default=None, converter=_country)
    number: str = attrs.field(
        converter=_document_number_field,
        repr=_mask.document_number_repr,
    )

    def __attrs_post_init__(self) -> None:
        if self.type is DocumentType.ORG_CODE:
            _org_code(self)
        elif self.type is DocumentType.FOREIGN_PERMANENT_RESIDENT and self.number[:1] == "9":
            _foreign_permanent_id(self)

    @property
    def key(self) -> tuple[str, str, str]:
        """``(type, country or '', number)``: the document's identity key."""
        return (self.type.value, self.country or "", self.number)


def _foreign_permanent_id(document: IdentityDocument) -> None:
    """Validate the 18-character number of the 2023 foreigner's permanent residence card
    (`custmaster.validate.cn_foreign_permanent_id`: check character, nationality, birth
    date); the older card's 15 characters (``USA…``) are kept as given."""
    try:
        number = cn_foreign_permanent_id.validate(document.number)
    except ValidationError as error:
        raise error.for_field("number") from None
    object.__setattr__(document, "number", number)


def _org_code(document: IdentityDocument) -> None:
    """Validate an organisation code document in place: its number, and China as its country."""
    if document.country not in (None, "CHN"):
        raise InvalidComponent(
            "An organisation code (组织机构代码) is a mainland Chinese code: its country is CHN.",
            code="identity_document.org_code_country",
            field="country",
            masked_value=document.country,
            message_zh="组织机构代码是中国大陆的代码，其国家只能是中国（CHN）。",
        )
    try:
        number = cn_org_code.validate(document.number)
    except ValidationError as error:
        raise error.for_field("number") from None
    object.__setattr__(document, "country", "CHN")
    object.__setattr__(document, "number", number)
