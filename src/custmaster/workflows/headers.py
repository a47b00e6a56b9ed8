"""Header mapping: the columns of a real file, matched to `SourceRecord` field names.

Core-system extracts and Excel sheets name their columns in Chinese, and each system spells
them a little differently (``被保险人`` or ``被保人``, ``车架号`` or ``VIN``, ``手机`` or
``移动电话``). `map_headers` recognises the common spellings (`DEFAULT_ALIASES`) and any
mapping the user supplies, and tells which columns it could not place.

Matching ignores whitespace (ASCII and full-width), full-width letters and digits, letter
case, a trailing colon (``:`` or ``：``) and required-field stars (``*保单号``). A header
that is not known as it stands is matched without a bracketed qualifier after its name
(``起保日期(起)``, ``终保日期（止）``, ``手机号码【必填】``), unless the qualifier names another
party (``证件号码(投保人)`` stays unmapped). The canonical field names themselves
(``policy_no``, ``mobile`` …) always match, and so do the column codes of core systems
(``PolicyNo``, ``InsuredName``, ``LicenseNo``, ``StartDate``), also written as a database's
column names (``POLICY_NO``, ``insured_name``: `code_key`).

>>> header_map = map_headers(["保单号", "被保人", "手机号码：", "ＶＩＮ", "备注"])
>>> header_map.fields
('policy_no', 'name', 'mobile', 'vin', None)
>>> header_map.unmapped
('备注',)
>>> map_headers(["起保日期(起)", "终保日期（止）", "证件号码(投保人)"]).fields
('cover_start', 'cover_end', None)

A column of a phone of unknown kind (``联系电话``, ``电话``, ``联系方式``, and a backup number
of the row's customer: ``备用电话``, ``其他电话``, ``第二联系电话``; `PHONE_ALIASES`) has no
record field of its own (an emergency contact's, ``紧急联系人电话``, is another person's and
matches nothing: an extra value); it is listed in ``phones`` (the imports and ``custmaster
validate`` read each of its numbers as a mobile when it is one, else as a fixed line). A field
given by more than one column — two spellings, the same header twice, or numbered variants of a
phone column (``手机1``, ``手机2``, ``联系电话2``) — is given by its first column; the later
ones are in ``repeats``. A later column of a descriptive field (an address, a make and model:
客户地址 and 通讯地址, 厂牌型号 and 车型名称) holds another fact, not a second copy of the
value: it is left unmapped, an extra value of its own.

>>> header_map = map_headers(["手机1", "联系电话", "手机2", "联系电话2"])
>>> header_map.fields, header_map.phones, header_map.repeats
(('mobile', None, None, None), ('联系电话', '联系电话2'), (('手机2', 'mobile'),))
>>> map_headers(["客户地址", "通讯地址"]).fields
('address', None)

Columns of one line's policy (``商业险保单号``, ``交强险终保日期``, ``保单号(交强险)``:
`LINE_PREFIXES`) are in ``lines``, read by the imports into a policy of that line; a 证件类型 column
(`DOCUMENT_TYPE`) is read by its code table (`DEFAULT_DOCUMENT_CODES`, `document_kind`).

>>> map_headers(["商业险保单号", "交强险保单号", "交强险终保日期", "被保险人"]).lines
(('商业险保单号', 'commercial', 'policy_no'), ('交强险保单号', 'compulsory', 'policy_no'),
 ('交强险终保日期', 'compulsory', 'cover_end'))

A user mapping (header → field, or ``None`` to ignore a column) wins over the defaults:

>>> map_headers(["联系电话", "手机"], {"联系电话": "mobile", "手机": None}).fields
('mobile', None)
>>> map_headers(["电话"], {"电话": "telephone"})
Traceback (most recent call last):
    ...
custmaster.errors.UsageError: [mapping.field] The mapping names an unknown field ...
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

import attrs

from custmaster.errors import UsageError
from custmaster.model.identity import DocumentType
from custmaster.model.source import FIELDS

__all__ = [
    "DEFAULT_ALIASES",
    "DEFAULT_DOCUMENT_CODES",
    "DOCUMENT_KINDS",
    "DOCUMENT_TYPE",
    "DOCUMENT_TYPE_ALIASES",
    "ERROR_CODES",
    "LINE_FIELDS",
    "LINE_PREFIXES",
    "MAPPABLE_FIELDS",
    "PHONE",
    "PHONE_ALIASES",
    "REPEATABLE_FIELDS",
    "SOURCE_COLUMNS",
    "HeaderMap",
    "check_mapping",
    "code_key",
    "document_kind",
    "load_mapping",
    "map_headers",
    "normalise_header",
]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "mapping.field": "A header mapping names a field that SourceRecord does not have.",
    "mapping.file": "A header mapping file cannot be read or is not a JSON object of strings.",
    "mapping.document_type": "A code-table entry of a mapping names no known document type.",
}

#: The `SourceRecord` fields a single column can fill (``id_document`` is a structured value).
MAPPABLE_FIELDS: tuple[str, ...] = tuple(f for f in FIELDS if f != "id_document")

#: The mapping target of a column holding a phone of unknown kind (联系电话): not a record
#: field; each number is read as a mobile when it is one, else as a fixed line.
PHONE = "phone"

#: The header spellings of a `PHONE` column recognised by default (a channel may add its own,
#: such as a claim report's 报案人电话: ``map_headers(phone_aliases=...)``).
PHONE_ALIASES: tuple[str, ...] = (
    "联系电话",
    "电话",
    "电话号码",
    "联系方式",
    "被保险人联系电话",
    "被保人联系电话",
    "客户联系电话",
    "客户电话",
    "被保险人电话",
    "被保人电话",
    "被保险人联系方式",
    "客户联系方式",
    "phone",
    # A backup number of the row's customer (备用电话, 其他电话): theirs as much as the first.
    # An emergency contact's (紧急联系人电话) is another person's and not among them.
    "备用电话",
    "备用号码",
    "备用联系电话",
    "备用手机",
    "备用手机号",
    "备用手机号码",
    "其他电话",
    "其它电话",
    "其他联系电话",
    "其它联系电话",
    "其他手机",
    "其他号码",
    "第二联系电话",
    "第二电话",
    # the core systems' column codes
    "PhoneNumber",
    "PhoneNo",
    "Tel",
    "TelNo",
    "TelephoneNo",
)

#: The mapping target of a column stating the type of the row's identity document (证件类型):
#: not a record field; it says how the identity column (身份证号, 证件号码) is read — a resident
#: ID, an organisation's USCC, or another document (护照, 台胞证 …) kept as ``id_document``
#: (`custmaster.workflows.validation.identity_value`).
DOCUMENT_TYPE = "document_type"

#: The header spellings of a `DOCUMENT_TYPE` column recognised by default.
DOCUMENT_TYPE_ALIASES: tuple[str, ...] = (
    "证件类型",
    "证件种类",
    "证件名称",
    "被保险人证件类型",
    "被保人证件类型",
    "证件类别",
    "证件类型代码",
    "证件类型名称",
    "身份证件类型",
    "身份证件种类",
    "客户证件类型",
    "被保险人证件类别",
    "document_type",
)

#: What a `DOCUMENT_TYPE` cell can say the identity column holds (`document_kind`):
#: ``resident_id``; ``uscc`` and ``org_code`` (an organisation's code, today's USCC or the
#: 组织机构代码 from before it: either is read in the column of both,
#: `custmaster.workflows.validation.identity_value`); ``household_register`` and
#: ``driving_licence``, documents numbered by their holder's 公民身份号码 (read as the resident
#: ID when the number is one); or another document, a `custmaster.model.DocumentType` value.
DOCUMENT_KINDS: tuple[str, ...] = (
    "resident_id",
    "uscc",
    "household_register",
    "driving_licence",
    *(member.value for member in DocumentType if member is not DocumentType.HOUSEHOLD_REGISTER),
)

#: The default code table of `DOCUMENT_TYPE` cells: the 身份证件类别代码 of WS 364.3-2011
#: (CV02.01.101), which many Chinese systems, insurers' among them, export. Code tables differ
#: between insurers (08 is 出生医学证明 in one, 港澳台身份证 or 外国人永久居留身份证 in others),
#: so a code not listed here is no document type (`document_kind` answers None) until the
#: user's mapping names it: ``{"document_type:08": "外国人永久居留身份证"}``. A one-digit code
#: (Excel drops the leading zero) is read as its two-digit form.
DEFAULT_DOCUMENT_CODES: Mapping[str, str] = MappingProxyType(
    {
        "01": "resident_id",  # 居民身份证
        "02": "household_register",  # 居民户口簿
        "03": "passport",  # 护照
        "04": "military_officer",  # 军官证
        "05": "driving_licence",  # 驾驶证
        "06": "hk_macao_permit",  # 港澳居民来往内地通行证
        "07": "taiwan_permit",  # 台湾居民来往内地通行证
        "99": "other",  # 其他法定有效证件
    }
)

#: Words of `DOCUMENT_TYPE` cells and their kind, besides `custmaster.model.DocumentType`'s
#: own names and aliases (护照, 台胞证, 回乡证, 军官证 …).
_DOCUMENT_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("身份证", "居民身份证", "身份证号", "身份证号码", "二代身份证", "第二代身份证",
         "第二代居民身份证", "临时身份证", "临时居民身份证", "内地居民身份证",
         "大陆居民身份证", "中华人民共和国居民身份证", "公民身份号码", "居民身份号码",
         "港澳台居民居住证", "港澳居民居住证", "台湾居民居住证", "resident_id"),
        "resident_id",
    ),
    **dict.fromkeys(
        ("统一社会信用代码", "社会信用代码", "信用代码", "统一社会信用代码证",
         "统一社会信用代码证书", "营业执照", "企业营业执照", "工商营业执照",
         "三证合一营业执照", "税务登记证", "uscc"),
        "uscc",
    ),
    **dict.fromkeys(
        ("组织机构代码", "组织机构代码证", "组织机构代码证书", "机构代码", "机构代码证",
         "组织代码", "组织机构代码证号", "org_code"),
        "org_code",
    ),
    **dict.fromkeys(("户口簿", "户口本", "居民户口簿", "户籍簿"), "household_register"),
    **dict.fromkeys(
        ("驾驶证", "机动车驾驶证", "驾照", "驾驶执照", "driving_licence"), "driving_licence"
    ),
    **dict.fromkeys(
        ("中国护照", "外国护照", "因私护照", "普通护照", "因公护照"), "passport"
    ),
    **dict.fromkeys(
        ("台湾居民来往内地通行证", "台湾通行证", "台湾居民往来大陆通行证"), "taiwan_permit"
    ),
    **dict.fromkeys(
        ("港澳同胞回乡证", "港澳居民往来内地通行证"), "hk_macao_permit"
    ),
    **dict.fromkeys(("其他法定有效证件", "其他证件", "其它证件", "其他有效证件"), "other"),
}  # fmt: skip

#: A code with its name (``01-居民身份证``, ``【01】居民身份证``) or a name with its code or
#: a qualifier (``居民身份证(01)``, ``身份证（18位）``), in matching form.
_CODE_AND_NAME = re.compile(r"[\[【(]?(\d{1,3})[\]】)]?[-_:.、|/]?(\D.*)")
_NAME_AND_NOTE = re.compile(r"(.+?)[\[【(]([^()\[\]【】]*)[)\]】]")
#: The prefix of a mapping entry of the code table: ``"document_type:08": "护照"``.
_CODE_PREFIX = "document_type:"


def _document_word(text: str) -> str | None:
    kind = _DOCUMENT_WORDS.get(text)
    if kind is not None:
        return kind
    try:
        member = DocumentType(text)
    except ValueError:
        return None
    return "household_register" if member is DocumentType.HOUSEHOLD_REGISTER else member.value


def _type_key(text: object) -> str:
    """The matching form of a document type cell or code: NFKC, no spaces, no ``.0``."""
    key = "".join(unicodedata.normalize("NFKC", str(text)).split()).lower()
    if key.endswith(".0") and key[:-2].isdigit():  # a code Excel kept as a number
        key = key[:-2]
    return key


def document_kind(text: object, codes: Mapping[str, str] = DEFAULT_DOCUMENT_CODES) -> str | None:
    """What a `DOCUMENT_TYPE` cell says the identity column holds: one of `DOCUMENT_KINDS`, or
    None for a type this function does not know (a code missing from ``codes``, a word it has
    never seen). An empty cell is ``resident_id``.

    ``codes`` maps codes (``01``) to a kind or a type word (`DEFAULT_DOCUMENT_CODES`, or the
    user's table: `HeaderMap.document_codes`). A code with its name (``01-居民身份证``) is read
    by its name, else its code; a one-digit code as its two-digit form (``1`` is ``01``).

    >>> document_kind("01"), document_kind("1"), document_kind("二代身份证")
    ('resident_id', 'resident_id', 'resident_id')
    >>> document_kind("03-护照"), document_kind("港澳居民来往内地通行证（回乡证）")
    ('passport', 'hk_macao_permit')
    >>> document_kind("08") is None, document_kind("08", {"08": "外国人永久居留身份证"})
    (True, 'foreign_permanent_resident')
    """
    key = _type_key(text)
    if not key:
        return "resident_id"
    found = _code_kind(key, codes)
    if found is not None:
        return found
    found = _document_word(key)
    if found is not None:
        return found
    split = _CODE_AND_NAME.fullmatch(key)
    if split is not None:
        return _document_word(split.group(2)) or _code_kind(split.group(1), codes)
    noted = _NAME_AND_NOTE.fullmatch(key)
    if noted is not None:
        note = noted.group(2)
        return (
            _document_word(noted.group(1))
            or _document_word(note)
            or (_code_kind(note, codes) if note.isdigit() else None)
        )
    return None


def _code_kind(key: str, codes: Mapping[str, str]) -> str | None:
    """The kind of a code in ``codes`` (its value a kind or a type word), or None."""
    value = codes.get(key)
    if value is None and key.isdigit() and len(key) == 1:
        value = codes.get("0" + key)
    if value is None:
        return None
    return value if value in DOCUMENT_KINDS else _document_word(_type_key(value))


#: The fields whose repeated columns each add their numbers (the others take the first
#: non-empty value of their columns, and a different value in a later one is a conflict).
REPEATABLE_FIELDS: frozenset[str] = frozenset(
    {"mobile", "home_phone", "office_phone", "fax", PHONE}
)

#: The header spellings recognised by default for each canonical field.
DEFAULT_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "policy_no": ("保单号", "保单号码", "保险单号", "保单编号", "PolicyNo", "PolicyNumber"),
        "name": (
            "被保险人",
            "被保人",
            "被保险人姓名",
            "被保险人名称",
            "客户姓名",
            "客户名称",
            "姓名",
            "被保人姓名",
            "被保人名称",
            "被保险人名字",
            "姓名/名称",
            "被保险人姓名/名称",
            "被保人姓名/名称",
            "客户姓名/名称",
            "InsuredName",
            "CustomerName",
        ),
        "resident_id": (
            "身份证号",
            "身份证号码",
            "身份证",
            "证件号码",
            "证件号",
            "被保险人证件号码",
            "被保险人证件号",
            "被保险人身份证号",
            "被保险人身份证号码",
            "被保人身份证号",
            "被保人证件号码",
            "公民身份号码",
            "居民身份证号码",
            "身份证件号码",
            "客户证件号码",
            "客户证件号",
            "客户身份证号",
            "客户身份证号码",
            "证件号码/统一社会信用代码",
            "身份证号/统一社会信用代码",
            "身份证号码/统一社会信用代码",
            "证件号/统一社会信用代码",
            "IdentifyNumber",
            "IdentifyNo",
            "IdNo",
            "IdNumber",
            "IdentityNo",
            "IdentityNumber",
            "CertificateNo",
            "CertiNo",
            "InsuredIdentifyNumber",
        ),
        # An organisation's code before the USCC (组织机构代码) is read in the USCC's column:
        # a 9-character code there is kept as the organisation's ``org_code`` document
        # (`custmaster.workflows.validation.RowValidator`). 机构代码 alone is not among them:
        # in an insurer's extract it is the insurer's own branch (出单机构, 归属机构).
        "uscc": (
            "统一社会信用代码",
            "社会信用代码",
            "信用代码",
            "组织机构代码",
            "组织机构代码证",
            "组织机构代码证号",
            "组织机构代码证号码",
            "组织代码",
            "统一社会信用代码/组织机构代码",
            "组织机构代码/统一社会信用代码",
            "社会信用代码/组织机构代码",
            "统一社会信用代码或组织机构代码",
        ),
        "birth_date": ("出生日期", "生日", "Birthday", "BirthDate"),
        "gender": ("性别", "被保险人性别", "被保人性别", "客户性别", "Sex", "Gender"),
        "mobile": (
            "移动电话",
            "手机",
            "手机号",
            "手机号码",
            "联系手机",
            "移动电话号码",
            "被保险人手机",
            "被保险人手机号",
            "被保人手机",
            "客户手机",
            "客户手机号",
            "被保险人手机号码",
            "被保人手机号",
            "被保人手机号码",
            "被保险人移动电话",
            "客户手机号码",
            "客户移动电话",
            "mobile phone",
            "MobilePhone",
            "MobileNo",
            "MobileNumber",
            "CellPhone",
        ),
        "home_phone": ("家庭电话", "住宅电话", "家庭电话号码", "住宅电话号码", "固定电话", "宅电"),
        "office_phone": ("办公电话", "单位电话", "工作电话", "办公电话号码", "公司电话"),
        "fax": ("传真", "传真号码", "传真号"),
        "email": ("邮箱", "电子邮件", "电子邮箱", "电子信箱", "邮件地址", "email", "e-mail"),
        "address": (
            "客户地址",
            "地址",
            "联系地址",
            "通讯地址",
            "通信地址",
            "住址",
            "家庭住址",
            "家庭地址",
            "居住地址",
            "客户住址",
            "被保险人地址",
            "被保人地址",
            "详细地址",
            "被保险人联系地址",
            "被保险人通讯地址",
            "客户联系地址",
            "客户通讯地址",
            "InsuredAddress",
            "ContactAddress",
        ),
        "postcode": ("邮编", "邮政编码", "PostCode", "ZipCode"),
        "line": (
            "险种",
            "险类",
            "险别",
            "险种名称",
            "险类名称",
            "险种类别",
            "险种类型",
            "交强/商业",
            "RiskName",
            "RiskCName",
        ),
        "role": ("角色", "客户角色", "关系人角色"),
        "cover_start": (
            "起保日期",
            "保险起期",
            "起保时间",
            "保险起始日期",
            "保险起始日",
            "保险开始日期",
            "起保日",
            "生效日期",
            "保单生效日期",
            "保单起期",
            "保险期间起",
            "起保日期时间",
            "保险起期时间",
            "保险起始时间",
            "StartDate",
        ),
        "cover_end": (
            "终保日期",
            "保险止期",
            "终保时间",
            "保险终止日期",
            "到期日期",
            "保险到期日",
            "保险到期日期",
            "保险截止日期",
            "保险止日",
            "终保日",
            "到期日",
            "满期日期",
            "满期日",
            "保险满期日",
            "保险满期日期",
            "保单到期日期",
            "保单止期",
            "保险期间止",
            "终保日期时间",
            "保险止期时间",
            "保险终止时间",
            "EndDate",
        ),
        "plate": (
            "车牌号",
            "车牌号码",
            "号牌号码",
            "车牌",
            "号牌",
            "车辆号牌",
            "牌照号码",
            "牌照号",
            "LicenseNo",
            "LicenseNumber",
            "LicensePlateNo",
            "PlateNo",
        ),
        "vin": (
            "车架号",
            "车架号码",
            "vin",
            "vin码",
            "车辆识别代号",
            "车辆识别代码",
            "车辆识别号",
            "车架号/vin",
            "vin/车架号",
            "车架号(vin)",
            "vin号",
            "车架号/vin码",
            "vin码/车架号",
            "车辆识别号码",
            "FrameNo",
            "VinNo",
        ),
        "engine_no": (
            "发动机号",
            "发动机号码",
            "发动机编号",
            "电动机号",
            "电动机号码",
            "发动机号/电动机号",
            "发动机号码/电动机号码",
            "EngineNo",
        ),
        "make_model": (
            "厂牌型号",
            "品牌型号",
            "车辆型号",
            "厂牌车型",
            "品牌车型",
            "车型名称",
            "车型",
            "车辆品牌型号",
            "车辆厂牌型号",
            "品牌型号名称",
            "车辆型号名称",
            "BrandName",
            "ModelName",
        ),
        "first_registered": (
            "初登日期",
            "初次登记日期",
            "初登时间",
            "注册日期",
            "车辆初登日期",
            "首次登记日期",
            "登记日期",
            "车辆登记日期",
            "注册登记日期",
            "初次注册日期",
            "初次注册登记日期",
            "EnrollDate",
            "RegisterDate",
            "FirstRegisterDate",
        ),
    }
)

_STRIP = "*:"
#: The suffix `custmaster.workflows.reading` gives a repeated header (``手机 (2)``).
_REPEAT = re.compile(r"(.+) \((\d+)\)")
#: A numbered variant of a header, in matching form (``手机2``, ``手机_2``, ``联系电话(1)``).
_NUMBERED = re.compile(r"(.+?)[-_#.]?(?:\d{1,2}|\(\d{1,2}\))")
#: The fields whose numbered headers are read as more columns of the field: phones, which
#: accumulate. ``地址1``/``地址2`` (two address lines) or ``姓名2`` (a second person) are not
#: repeats of one value; such columns stay unmapped unless a mapping names them.
_NUMBERED_FIELDS = frozenset({"mobile", "home_phone", "office_phone", "fax", "phone"})
#: A header with a bracketed qualifier after its name, in matching form (``起保日期(起)``,
#: ``终保日期（止）``, ``手机号码【必填】``, ``保费(元)``): the name is matched when the whole
#: header is not known.
_QUALIFIED = re.compile(r"(.+?)[(\[【]([^()\[\]【】]*)[)\]】]")
#: Qualifiers naming another party than the insured (``证件号码(投保人)``): such a header is
#: not read as the insured's field.
_OTHER_PARTY = re.compile(r"投保|车主|所有人|驾驶|联系人|业务员|经办|代理")
#: Descriptive fields whose further columns hold other facts, not a second copy of one value:
#: an extract with 客户地址 and 通讯地址, or 厂牌型号 and 车型名称, keeps the later column as
#: an extra value of its own instead of reading a different value there as a conflict.
_FIRST_COLUMN_FIELDS = frozenset({"address", "make_model"})


#: Header prefixes naming a policy line (商业险保单号, 交强险终保日期): an extract holding both
#: covers of one vehicle on one row gives each line's policy number and cover in columns of its
#: own (`HeaderMap.lines`). A bracketed qualifier says the same (保单号(交强险)).
LINE_PREFIXES: Mapping[str, str] = MappingProxyType(
    {
        "商业险": "commercial",
        "商业保险": "commercial",
        "商业": "commercial",
        "商险": "commercial",
        "交强险": "compulsory",
        "交强保险": "compulsory",
        "交强": "compulsory",
    }
)
#: The fields a line's own columns can give: the policy number and its cover.
LINE_FIELDS: frozenset[str] = frozenset({"policy_no", "cover_start", "cover_end"})
# Longest prefix first, so that 商业险保单号 is not read as 商业 + 险保单号.
_LINE_PREFIX_KEYS = sorted(LINE_PREFIXES, key=len, reverse=True)


def _line_of(key: str, field_of: Callable[[str], str | None]) -> tuple[str, str] | None:
    """``(line, field)`` of a line's own column (``商业险保单号``, ``终保日期(交强险)``), if any."""
    for prefix in _LINE_PREFIX_KEYS:
        if key.startswith(prefix) and len(key) > len(prefix):
            field = field_of(key[len(prefix) :])
            return (LINE_PREFIXES[prefix], field) if field in LINE_FIELDS else None
    found = _QUALIFIED.fullmatch(key)
    if found is not None and found.group(2) in LINE_PREFIXES:
        field = field_of(found.group(1))
        if field in LINE_FIELDS:
            return LINE_PREFIXES[found.group(2)], field
    return None


def normalise_header(text: object) -> str:
    """The form of a header used for matching (never shown to users).

    >>> normalise_header(" 手机 号码： ")
    '手机号码'
    >>> normalise_header("*ＶＩＮ")
    'vin'
    >>> normalise_header(None)
    ''
    """
    if not isinstance(text, str):
        return "" if text is None else normalise_header(str(text))
    folded = unicodedata.normalize("NFKC", text).replace("\ufeff", "").casefold()
    return "".join(folded.split()).strip(_STRIP)


def _index(aliases: Mapping[str, Iterable[str]]) -> dict[str, str]:
    index = {normalise_header(field): field for field in MAPPABLE_FIELDS}
    for field, names in aliases.items():
        for name in names:
            index.setdefault(normalise_header(name), field)
    return index


_DEFAULT_INDEX: dict[str, str] = _index(DEFAULT_ALIASES)


#: The columns that say where a row comes from rather than what it says about the customer,
#: read by the imports (`custmaster.workflows.core_import`): mapping targets besides the
#: record fields, `PHONE` and `DOCUMENT_TYPE`.
SOURCE_COLUMNS: dict[str, str] = {
    "source_ref": "the source's own record number (报案号, 通话编号 …): the record's reference",
    "observed_at": "when the source observed the row (签单日期, 报案时间, 通话时间 …)",
    "operator": "who took the row (坐席, 业务员, 操作员 …)",
    "endorsement_seq": "the policy's endorsement sequence (批改序号); part of the reference",
    "status": "the policy status (保单状态: 有效, 未缴费, 退保 …)",
    "business_type": "new or renewal (新保/续保/转保)",
    "renews": "the policy this one renews (上年保单号)",
    "paid": "whether the premium is paid (缴费状态: 是/否, 已缴费/未缴费)",
}

_COLUMN_TARGETS = frozenset({PHONE, DOCUMENT_TYPE, *SOURCE_COLUMNS})


def check_mapping(mapping: Mapping[str, object]) -> dict[str, str | None]:
    """Check a user mapping (header → field name, `PHONE`, `DOCUMENT_TYPE`, one of
    `SOURCE_COLUMNS`, or ``None`` to ignore the column).

    Entries ``"document_type:<code>": <type>`` are the user's code table of the
    `DOCUMENT_TYPE` column (their codes replace `DEFAULT_DOCUMENT_CODES`'s): the type is a
    word (居民身份证, 护照, 统一社会信用代码 …) or one of `DOCUMENT_KINDS`, kept as its kind.

    Returns it with every header in its matching form; raises `UsageError` naming the
    valid fields when a target is none of those.

    >>> check_mapping({"联系电话 ": "mobile", "备注": None, "document_type:31": "营业执照"})
    {'联系电话': 'mobile', '备注': None, 'document_type:31': 'uscc'}
    """
    checked: dict[str, str | None] = {}
    for header, field in mapping.items():
        if isinstance(header, str) and header.strip().lower().startswith(_CODE_PREFIX):
            code = _type_key(header.strip()[len(_CODE_PREFIX) :])
            kind = document_kind(field, {}) if isinstance(field, str) and field.strip() else None
            if not code or kind is None:
                raise UsageError(
                    f"The mapping's code table gives code {code!r} the document type "
                    f"{field!r}, which is none custmaster knows; known: 居民身份证, "
                    f"统一社会信用代码, 护照, 台胞证 … or {', '.join(DOCUMENT_KINDS)}.",
                    code="mapping.document_type",
                    message_zh=f"映射的证件类型代码 {code!r} 对应的证件类型 {field!r} 无法识别。",
                )
            checked[_CODE_PREFIX + code] = kind
            continue
        if field is not None and field not in MAPPABLE_FIELDS and field not in _COLUMN_TARGETS:
            raise UsageError(
                f"The mapping names an unknown field {field!r} for header {header!r}; "
                f"known fields: {', '.join(MAPPABLE_FIELDS)}, {PHONE}, {DOCUMENT_TYPE}; "
                f"source columns: {', '.join(SOURCE_COLUMNS)}.",
                code="mapping.field",
                message_zh=f"映射中的字段 {field!r} 不存在。",
            )
        checked[normalise_header(header)] = field if isinstance(field, str) else None
    return checked


def load_mapping(path: str | Path) -> dict[str, str | None]:
    """Read a header mapping from a JSON file: ``{"联系电话": "mobile", "备注": null}``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(
            f"Cannot read the header mapping {str(path)!r}: {error}.",
            code="mapping.file",
            message_zh="无法读取表头映射文件。",
        ) from None
    if not isinstance(data, dict) or not all(
        isinstance(key, str) and (value is None or isinstance(value, str))
        for key, value in data.items()
    ):
        raise UsageError(
            f"The header mapping {str(path)!r} must be a JSON object of header: field name.",
            code="mapping.file",
            message_zh="表头映射文件应为 JSON 对象（表头: 字段名）。",
        )
    return check_mapping(data)


@attrs.frozen
class HeaderMap:
    """The canonical field of each column of a file (``None`` where there is none).

    When two columns name the same field — two spellings (``手机``, ``移动电话``), the same
    header twice (read as ``手机`` and ``手机 (2)``) or numbered variants (``手机1``, ``手机2``)
    — ``fields`` gives it to the first one; the later ones are listed in ``duplicates`` (and
    in ``unmapped``, so a reader that takes one column per field keeps them as extra values),
    and with their field in ``repeats``, for the readers that take every column
    (`custmaster.workflows.validation.RowValidator` with ``all_columns=True``, the imports).
    Columns of a phone of unknown kind (`PHONE`) are in ``phones`` and in ``unmapped``; columns
    stating the identity document's type (`DOCUMENT_TYPE`) in ``document_types`` and in
    ``unmapped``.
    """

    #: The headers as the file has them, in column order.
    headers: tuple[str, ...]
    #: The canonical field of each column, or ``None``.
    fields: tuple[str | None, ...]
    #: Headers whose field was already taken by an earlier column.
    duplicates: tuple[str, ...] = ()
    #: ``(header, field)`` of each column whose field an earlier column already gives.
    repeats: tuple[tuple[str, str], ...] = ()
    #: Headers of the columns holding a phone of unknown kind (`PHONE`), in column order.
    phones: tuple[str, ...] = ()
    #: Headers of the columns stating the identity document's type (`DOCUMENT_TYPE`); the
    #: first is read with the identity column. They are in ``unmapped``, not in ``unread``.
    document_types: tuple[str, ...] = ()
    #: ``(header, source column)`` of each column the user mapping names a `SOURCE_COLUMNS`
    #: target (``{"出单时间": "observed_at"}``): read by the imports, not a record field; in
    #: ``unmapped``, not in ``unread``.
    sources: tuple[tuple[str, str], ...] = ()
    #: The code table of the `DOCUMENT_TYPE` column (code → kind, `document_kind`): the
    #: defaults (`DEFAULT_DOCUMENT_CODES`) with the user mapping's entries over them.
    document_codes: Mapping[str, str] = attrs.field(default=DEFAULT_DOCUMENT_CODES, hash=False)
    #: ``(header, line, field)`` of each column of one line's policy (商业险保单号,
    #: 交强险终保日期: `LINE_PREFIXES`, `LINE_FIELDS`), the first column of each line and field;
    #: read by the imports into a policy of that line (and by ``custmaster validate``). In
    #: ``unmapped``, not in ``unread``.
    lines: tuple[tuple[str, str, str], ...] = ()
    #: ``(header, party, what)`` of each bare column that belongs to the holder or the owner by
    #: its place (`party_columns`): ``投保人 | 证件号码 | 被保险人 | 证件号码`` gives the first
    #: 证件号码 to ``("证件号码", "投保人", "id")``. In ``unmapped``, read as that party's by
    #: `custmaster.workflows.parties.find_parties`.
    party_columns: tuple[tuple[str, str, str], ...] = ()

    @property
    def mapped(self) -> tuple[tuple[str, str], ...]:
        """``(header, field)`` for each mapped column, in column order."""
        return tuple(
            (header, field)
            for header, field in zip(self.headers, self.fields, strict=True)
            if field is not None
        )

    @property
    def unmapped(self) -> tuple[str, ...]:
        """The headers of the columns that map to no field."""
        return tuple(h for h, f in zip(self.headers, self.fields, strict=True) if f is None)

    @property
    def read(self) -> tuple[tuple[str, str], ...]:
        """``(header, field)`` of every column a reader of all columns reads, in column order:
        the ``mapped`` ones, the ``repeats`` and the ``phones`` (field `PHONE`)."""
        others = dict(self.repeats)
        others.update((header, PHONE) for header in self.phones)
        return tuple(
            (header, field if field is not None else others[header])
            for header, field in zip(self.headers, self.fields, strict=True)
            if field is not None or header in others
        )

    @property
    def unread(self) -> tuple[str, ...]:
        """The headers of the columns a reader of all columns does not read (see `read`; the
        `DOCUMENT_TYPE` columns are read with the identity column)."""
        read = {header for header, _ in self.read}
        read.update(self.document_types)
        read.update(header for header, _ in self.sources)
        read.update(header for header, _, _ in self.lines)
        return tuple(header for header in self.headers if header not in read)

    def score(self) -> int:
        """How many columns map to a field or a line's policy (used to find the header row of
        a sheet)."""
        return sum(field is not None for field in self.fields) + len(self.lines)


def _numbered_base(key: str, known: Callable[[str], bool]) -> str | None:
    """The key a numbered header (``手机2``, ``联系电话_1``) is a variant of, if it is known."""
    found = _NUMBERED.fullmatch(key)
    if found is not None and known(found.group(1)):
        return found.group(1)
    return None


def _matching_key(
    texts: Sequence[str],
    i: int,
    known: Callable[[str], bool],
    field_of: Callable[[str], str | None],
) -> str:
    """The key column ``i`` is matched by: its own, or the known name it repeats, numbers,
    qualifies or prefixes (as `map_headers` reads it)."""
    key = normalise_header(texts[i])
    if known(key):
        return key
    code = code_key(key)
    if code != key and known(code):  # POLICY_NO, insured-name: PolicyNo, InsuredName
        return code
    repeat = _REPEAT.fullmatch(texts[i])
    if repeat is not None and repeat.group(1) in texts[:i]:
        return normalise_header(repeat.group(1))
    base = _numbered_base(key, known)
    if base is not None and field_of(base) in _NUMBERED_FIELDS:
        return base
    base = _qualified_base(key, known)
    if base is None:
        base = _prefixed_base(key, field_of)
    return key if base is None else base


#: A header in the form of a database column name (``POLICY_NO``, ``insured-name``,
#: ``Policy.No``): ASCII letters and digits joined by ``_``, ``-`` or ``.``.
_CODE_NAME = re.compile(r"[a-z][a-z0-9]*(?:[_.\-][a-z0-9]+)+")


def code_key(key: str) -> str:
    """The matching form of a column code written as a database column name, its joiners
    dropped (``policy_no`` → ``policyno``, the form of ``PolicyNo``); any other key as it is.

    >>> code_key(normalise_header("POLICY_NO")), code_key("保单号")
    ('policyno', '保单号')
    """
    return re.sub(r"[_.\-]", "", key) if _CODE_NAME.fullmatch(key) else key


def qualified_name(key: str) -> str:
    """The name of a header with a bracketed qualifier, in matching form (``签单日期(yyyy-mm-dd)``
    → ``签单日期``), or ``""``: none, a number (``手机(2)``) or another party's
    (``证件号码(投保人)``).

    >>> qualified_name("签单日期(yyyy-mm-dd)"), qualified_name("证件号码(投保人)")
    ('签单日期', '')
    """
    found = _QUALIFIED.fullmatch(key)
    if found is None or found.group(2).isdigit() or _OTHER_PARTY.search(found.group(2)):
        return ""
    return found.group(1)


def _qualified_base(key: str, known: Callable[[str], bool]) -> str | None:
    """The known name of a header with a bracketed qualifier (``起保日期(起)``), if any."""
    found = _QUALIFIED.fullmatch(key)
    if found is None or found.group(2).isdigit() or _OTHER_PARTY.search(found.group(2)):
        return None
    return found.group(1) if known(found.group(1)) else None


#: A header naming the holder or the owner themselves (投保人, 投保人名称, 车主姓名 …; the
#: prefixes of `custmaster.workflows.parties.PARTY_ROLES`).
_PARTY_NAME = re.compile(r"(投保人|投保单位|行驶证车主|车辆所有人|车主)(?:姓名|名称)?")
#: What a bare column of each field holds for a party (`HeaderMap.party_columns`), as
#: `custmaster.workflows.parties.PARTY_FIELDS` names it.
_PARTY_WHAT: Mapping[str, str] = MappingProxyType(
    {
        "resident_id": "id",
        "uscc": "id",
        DOCUMENT_TYPE: "document_type",
        "mobile": "phone",
        "home_phone": "phone",
        "office_phone": "phone",
        PHONE: "phone",
        "address": "address",
    }
)
#: Fields of the person a group of columns describes: they do not end a party's group.
_PERSON_FIELDS = frozenset({"gender", "birth_date", "email", "postcode"})
#: Prefixes of a header of the insured's own (``被保险人邮箱``, ``客户出生日期``) and of a
#: vehicle's (``车辆初次登记日期``): with the prefix taken off, the rest names the field.
_INSURED_PREFIXES = ("被保险人", "被保人", "客户")
_INSURED_FIELDS = frozenset(
    {"name", "resident_id", "uscc", "birth_date", "gender", "mobile", "home_phone",
     "office_phone", "fax", "email", "address", "postcode", PHONE, DOCUMENT_TYPE}
)  # fmt: skip
_VEHICLE_PREFIXES = ("车辆",)
_VEHICLE_FIELDS = frozenset({"plate", "vin", "engine_no", "make_model", "first_registered"})


def _prefixed_base(key: str, field_of: Callable[[str], str | None]) -> str | None:
    """The known name in a header of the insured's or the vehicle's own with its prefix
    (``被保险人证件类型``, ``车辆初次登记日期``), if any."""
    for prefixes, fields in (
        (_INSURED_PREFIXES, _INSURED_FIELDS),
        (_VEHICLE_PREFIXES, _VEHICLE_FIELDS),
    ):
        for prefix in prefixes:
            if key.startswith(prefix) and len(key) > len(prefix):
                rest = key[len(prefix) :]
                if field_of(rest) in fields:
                    return rest
    return None


def _by_place(
    keys: Sequence[str], field_of: Callable[[str], str | None]
) -> dict[int, tuple[str, str]]:
    """``{index: (party, what)}`` of the bare columns that belong to the holder or the owner
    by their place, given each column's matching ``keys``.

    Extracts list each party's columns as a group under bare headers: ``投保人 | 证件号码 |
    被保险人 | 证件号码 | 联系电话``. A bare column belongs to the party named by the closest
    name column before it in its group (a group ends at a column of another kind: a policy
    or vehicle column). It is read so only where the same kind of column (an ID, a phone,
    an address, a document type) also stands in another party's group or the insured's:
    a lone 证件号码 after 投保人 stays the insured's, as extracts that list the holder's name
    alone among the insured's columns mean it.
    """
    owner = ""  # "": the insured
    seen: list[tuple[int, str, str]] = []
    for i, key in enumerate(keys):
        party = _PARTY_NAME.fullmatch(key)
        if party is not None:
            owner = party.group(1)
            continue
        field = field_of(key)
        if field == "name":
            owner = ""
        elif field is not None and field in _PARTY_WHAT:
            seen.append((i, _PARTY_WHAT[field], owner))
        elif field is not None and field not in _PERSON_FIELDS:
            owner = ""
    owners: dict[str, set[str]] = {}
    for _, what, owner in seen:
        owners.setdefault(what, set()).add(owner)
    return {i: (owner, what) for i, what, owner in seen if owner and len(owners[what]) > 1}


#: Words of a header that may hold the insured's name though no alias matched it
#: (``被保险人名称（全称）``, ``客户``): with one, a lone party column names no one but its party.
_NAME_LIKE = re.compile(r"被保|客户|姓名|名称|户名")
#: The fields that make a row a person's besides a name: a strong key or a phone.
_PERSON_KEYS = frozenset({"resident_id", "uscc", "mobile", "home_phone", "office_phone"})


def _lone_party_name(
    texts: Sequence[str], fields: Sequence[str | None], taken: set[str]
) -> int | None:
    """The column of the one person's name in a file naming no insured (no 被保险人 or 客户姓名
    column) but one party alone, by a bare header (``投保人``, ``车主姓名``), beside bare
    columns of an ID or a phone and no column of that party's own (``投保人证件号码``): a 面签
    register, a dealer's list of 车主. Those bare columns are that person's, so the name is
    theirs too: the row's customer is named by it, where the party column would leave the
    customer nameless (and hold a name nobody's key joins). None for any other file."""
    if not taken & _PERSON_KEYS:
        return None
    found: int | None = None
    prefixes: list[str] = []
    for i, text in enumerate(texts):
        key = normalise_header(text)
        party = _PARTY_NAME.fullmatch(key)
        if party is not None and fields[i] is None:
            if found is not None:
                return None
            found = i
            prefixes.append(party.group(1))
    if found is None:
        return None
    prefix = prefixes[0]
    for i, text in enumerate(texts):
        key = normalise_header(text)
        if i != found and fields[i] is None and (key.startswith(prefix) or _NAME_LIKE.search(key)):
            return None  # 投保人证件号码: the party's own; 被保险人名称(全称): a name unread
    return found


def map_headers(
    headers: Sequence[object],
    mapping: Mapping[str, object] | None = None,
    *,
    defaults: bool = True,
    phone_aliases: Iterable[str] = (),
) -> HeaderMap:
    """Match each header to a canonical field: the user ``mapping`` first, then the defaults.

    ``defaults=False`` uses only the user mapping (and the canonical names themselves).
    ``phone_aliases`` are further spellings of `PHONE` columns (a channel's own, such as
    报案人电话), matched before the default spellings of the record fields.
    """
    user = check_mapping(mapping) if mapping else {}
    codes = {
        k[len(_CODE_PREFIX) :]: v
        for k, v in user.items()
        if k.startswith(_CODE_PREFIX) and v is not None
    }
    if codes:
        user = {k: v for k, v in user.items() if not k.startswith(_CODE_PREFIX)}
    index = _DEFAULT_INDEX if defaults else {normalise_header(f): f for f in MAPPABLE_FIELDS}
    phone_index = {normalise_header(name): PHONE for name in phone_aliases}
    later = {normalise_header(name): PHONE for name in PHONE_ALIASES} if defaults else {}
    later[PHONE] = PHONE
    if defaults:
        later.update((normalise_header(name), DOCUMENT_TYPE) for name in DOCUMENT_TYPE_ALIASES)
    later[DOCUMENT_TYPE] = DOCUMENT_TYPE

    def known(key: str) -> bool:
        return key in user or key in phone_index or key in index or key in later

    def field_of(key: str) -> str | None:
        if key in user:
            return user[key]
        return phone_index.get(key) or index.get(key) or later.get(key)

    fields: list[str | None] = []
    taken: set[str] = set()
    duplicates: list[str] = []
    repeats: list[tuple[str, str]] = []
    phones: list[str] = []
    document_types: list[str] = []
    sources: list[tuple[str, str]] = []
    lines: list[tuple[str, str, str]] = []
    lines_taken: set[tuple[str, str]] = set()
    texts = tuple("" if h is None else str(h) for h in headers)
    keys = [_matching_key(texts, i, known, field_of) for i in range(len(texts))]
    by_place = _by_place(
        [
            "" if normalise_header(text) in user or key in user else key
            for text, key in zip(texts, keys, strict=True)
        ],
        field_of,
    )
    placed: list[tuple[str, str, str]] = []
    for i, text in enumerate(texts):
        if i in by_place:  # 投保人 | 证件号码: the holder's, by its place
            placed.append((text, *by_place[i]))
            fields.append(None)
            continue
        key = normalise_header(text)
        line = None if key in user else _line_of(key, field_of)
        if line is not None:  # 商业险保单号, 交强险终保日期: a line's own policy column
            if line not in lines_taken:
                lines_taken.add(line)
                lines.append((text, *line))
            fields.append(None)
            continue
        if not known(key):  # the same header again, numbered, qualified or prefixed
            key = keys[i]
        field = field_of(key)
        if field == PHONE:
            phones.append(text)
            field = None
        elif field == DOCUMENT_TYPE:
            document_types.append(text)
            field = None
        elif field in SOURCE_COLUMNS:
            sources.append((text, field))
            field = None
        elif field in _FIRST_COLUMN_FIELDS and field in taken:
            field = None  # 通讯地址 after 客户地址: an extra value of its own
        elif field is not None and field in taken:
            duplicates.append(text)
            repeats.append((text, field))
            field = None
        if field is not None:
            taken.add(field)
        fields.append(field)
    lone = _lone_party_name(texts, fields, taken) if "name" not in taken and defaults else None
    if lone is not None:  # 投保人 | 身份证号 | 手机号码, no 被保险人: the one person named
        fields[lone] = "name"
        duplicates = [h for h in duplicates if h != texts[lone]]
    return HeaderMap(
        headers=texts,
        fields=tuple(fields),
        duplicates=tuple(duplicates),
        repeats=tuple(repeats),
        phones=tuple(phones),
        document_types=tuple(document_types),
        sources=tuple(sources),
        lines=tuple(lines),
        party_columns=tuple(placed),
        document_codes=(
            MappingProxyType({**DEFAULT_DOCUMENT_CODES, **codes})
            if codes
            else DEFAULT_DOCUMENT_CODES
        ),
    )
