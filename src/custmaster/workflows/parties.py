"""The other parties of a policy row: the holder (投保人) and the vehicle owner (车主).

A core-system row describes the insured (被保险人), and many extracts add the holder and the
owner in their own columns: ``投保人``, ``投保人证件号码``, ``投保人手机``, ``车主``,
``车主身份证号``, ``车主地址`` … `find_parties` recognises such columns by a role prefix and a
field suffix, and `read_party` turns one party's cells into the values of a
`custmaster.SourceRecord` with that role on the row's policy.

A party becomes a record only when it has a strong key (a resident ID or a USCC, told apart by
their check characters, or the document its type column names: ``投保人证件类型`` 护照 makes
the number a passport, see `custmaster.workflows.validation.identity_value`): a name or a
phone alone never identifies anyone. A party without one is left to the row's extra values, as
any other column.

>>> parties = find_parties(["保单号", "被保险人", "投保人", "投保人证件号码", "投保人手机", "车主"])
>>> [(p.role.value, p.headers) for p in parties]
[('holder', ('投保人', '投保人证件号码', '投保人手机')), ('owner', ('车主',))]
>>> row = {"投保人": "厦门某某科技有限公司", "投保人证件号码": "91110000600037341L",
...        "投保人手机": "0592-5123456"}
>>> sorted(read_party(parties[0], row).values.items())  # doctest: +NORMALIZE_WHITESPACE
[('home_phone', '+865925123456'), ('name', '厦门某某科技有限公司'), ('role', 'holder'),
 ('uscc', '91110000600037341L')]
>>> read_party(parties[1], {"车主": "李娜"}).values is None  # no strong key: not a record
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from custmaster.errors import ValidationError
from custmaster.model import _convert
from custmaster.model.policy import PolicyRole
from custmaster.validate import cn_name, cn_resident_id, cn_uscc
from custmaster.validate import phone as phone_module
from custmaster.validate._mask import mask_unknown
from custmaster.workflows.headers import DEFAULT_DOCUMENT_CODES, normalise_header
from custmaster.workflows.validation import (
    PLACEHOLDER_CODES,
    cell_text,
    field_text,
    identity_value,
    is_empty_cell,
    is_zero_placeholder,
    old_code_document,
    split_phone_cell,
)

__all__ = [
    "ERROR_CODES",
    "PARTY_FIELDS",
    "PARTY_ROLES",
    "SAME_AS",
    "Party",
    "PartyValues",
    "find_parties",
    "read_party",
]

#: A party cell saying it is the insured's (or the row above's) value: no value of its own,
#: read as an empty cell (投保人 同被保险人).
SAME_AS = frozenset(
    {"同上", "同左", "同前", "本人", "同本人", "同被保险人", "同被保人", "同投保人", "同车主",
     "被保险人本人", "与被保险人相同", "同被保险人信息"}
)  # fmt: skip

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "party.id": "A party's ID column holds neither a resident ID nor a USCC.",
}

#: Column prefixes naming a party other than the insured, and the role each one has.
PARTY_ROLES: Mapping[str, PolicyRole] = {
    "投保人": PolicyRole.HOLDER,
    "投保单位": PolicyRole.HOLDER,
    "行驶证车主": PolicyRole.OWNER,
    "车主": PolicyRole.OWNER,
    "车辆所有人": PolicyRole.OWNER,
}

#: Column suffixes after a party prefix, and what they hold (``""``: the prefix alone is the
#: party's name, as ``投保人`` is).
PARTY_FIELDS: Mapping[str, str] = {
    "": "name",
    "姓名": "name",
    "名称": "name",
    "证件号码": "id",
    "证件号": "id",
    "身份证号": "id",
    "身份证号码": "id",
    "身份证": "id",
    "统一社会信用代码": "id",
    # an organisation's code from before the USCC: 9 characters, or the USCC itself
    "组织机构代码": "org_code",
    "组织机构代码证号": "org_code",
    "组织代码": "org_code",
    "证件类型": "document_type",
    "证件种类": "document_type",
    "证件类别": "document_type",
    "证件类型代码": "document_type",
    "手机": "phone",
    "手机号": "phone",
    "手机号码": "phone",
    "移动电话": "phone",
    "电话": "phone",
    "联系电话": "phone",
    "地址": "address",
    "联系地址": "address",
    "住址": "address",
    "通讯地址": "address",
}

# Longest prefix first, so that 行驶证车主 is not read as 行驶证 + 车主.
_PREFIXES = sorted(PARTY_ROLES, key=len, reverse=True)


@attrs.frozen
class Party:
    """One party's columns in a file: its role and ``(header, what)`` pairs."""

    role: PolicyRole
    columns: tuple[tuple[str, str], ...]

    @property
    def headers(self) -> tuple[str, ...]:
        """The party's headers, in column order."""
        return tuple(header for header, _ in self.columns)


@attrs.frozen
class PartyValues:
    """What `read_party` found: the record values (None when the party has no strong key)
    and the party's bad cells as ``(header, field, error)``."""

    values: dict[str, Any] | None
    errors: tuple[tuple[str, str, ValidationError], ...] = ()
    #: Further numbers of a phone cell holding several (the first is in ``values``), each
    #: with the record field its kind calls for (``mobile`` or ``home_phone``).
    more: tuple[tuple[str, str], ...] = ()


def find_parties(
    headers: Iterable[str], placed: Iterable[tuple[str, str, str]] = ()
) -> tuple[Party, ...]:
    """The holder and owner columns among ``headers`` (the first column of each kind counts).

    ``placed`` gives the bare columns that are a party's by their place
    (`custmaster.workflows.headers.HeaderMap.party_columns`: ``(header, party, what)``, the
    party as its prefix, 投保人 or 车主): ``投保人 | 证件号码 | 被保险人 | 证件号码``.

    >>> find_parties(["车主姓名", "车主电话", "车主地址"])[0].columns
    (('车主姓名', 'name'), ('车主电话', 'phone'), ('车主地址', 'address'))
    >>> find_parties(["投保日期", "被保险人"])
    ()
    >>> find_parties(["投保人", "证件号码"], [("证件号码", "投保人", "id")])[0].columns
    (('投保人', 'name'), ('证件号码', 'id'))
    """
    found: dict[PolicyRole, dict[str, str]] = {}
    by_place = {header: (party, what) for header, party, what in placed}
    for header in headers:
        if header in by_place:
            party, placed_what = by_place[header]
            found.setdefault(PARTY_ROLES[party], {}).setdefault(placed_what, header)
            continue
        key = normalise_header(header)
        for prefix in _PREFIXES:
            if key.startswith(prefix):
                what = PARTY_FIELDS.get(key[len(prefix) :])
                if what is not None:
                    found.setdefault(PARTY_ROLES[prefix], {}).setdefault(what, header)
                break
    return tuple(
        Party(role, tuple((header, what) for what, header in columns.items()))
        for role, columns in found.items()
    )


def read_party(
    party: Party, row: Mapping[str, Any], codes: Mapping[str, str] = DEFAULT_DOCUMENT_CODES
) -> PartyValues:
    """The `custmaster.SourceRecord` values of ``party`` in ``row`` (role set), or None.

    Each cell is read and validated as its record field would be
    (`custmaster.workflows.validation.field_text`: placeholders are empty, an ID Excel has
    rounded is refused); a bad cell is returned in ``errors`` with its header and field
    (``holder.resident_id`` …), never raised. ``codes`` is the code table of the party's
    document type column (`custmaster.workflows.headers.HeaderMap.document_codes`); a type it
    does not know is a bad cell of that column (``document_type.unknown``).
    """
    values: dict[str, Any] = {}
    errors: list[tuple[str, str, ValidationError]] = []
    more: list[tuple[str, str]] = []
    # the party's document type (投保人证件类型): where its ID cell goes (`identity_value`)
    kind_header, kind = next(
        ((h, cell_text(row.get(h) or "")) for h, what in party.columns if what == "document_type"),
        ("", ""),
    )
    for header, what in party.columns:
        if what == "document_type":
            continue
        cell = row.get(header)
        text = "" if cell is None else cell_text(cell).strip()
        if is_empty_cell(text) or "".join(text.split()) in SAME_AS:
            continue
        field = what
        try:
            if what in ("name", "address"):
                field_text(what, text)  # raises for a damaged cell (cell.encoding)
            if what in ("id", "phone"):
                text = field_text("resident_id" if what == "id" else "mobile", cell).strip()
            if what == "name":
                values["name"] = cn_name.validate(text)
            elif what == "org_code":
                old = old_code_document(cell)
                if old is not None:
                    field, values[field] = "id_document", old
                else:
                    field, values[field] = "uscc", cn_uscc.validate(field_text("uscc", cell))
            elif what == "id":
                routed = identity_value(kind, cell, codes) if kind.strip() else None
                field, values[field] = routed if routed is not None else _identity(text)
            elif what == "phone":
                first, further = split_phone_cell(text)
                numbers = [phone_module.parse(first), *further]
                field = _slot(numbers[0])
                values[field] = numbers[0].canonical
                more.extend((_slot(n), n.canonical) for n in numbers[1:])
            else:
                values["address"] = _convert.address(text)
        except ValidationError as error:
            if error.code in PLACEHOLDER_CODES:  # 同上, 新车未上牌 …: no value, as empty cells
                continue
            if is_zero_placeholder("resident_id" if what == "id" else what, text):
                continue  # 0, 00000000000: no value
            if error.code == "document_type.unknown":
                name = f"{party.role.value}.document_type"
                errors.append((kind_header, name, error.for_field(name)))
                continue
            if what == "org_code":
                read_as = "uscc" if error.code.startswith("cn_uscc.") else "id_document"
            else:
                read_as = _id_field(error) if what == "id" else what
            name = f"{party.role.value}.{read_as}"
            errors.append((header, name, error.for_field(name)))
    if not ({"resident_id", "uscc", "id_document"} & values.keys()):
        return PartyValues(None, tuple(errors))
    values["role"] = party.role.value
    return PartyValues(values, tuple(errors), tuple(more))


def _id_field(error: ValidationError) -> str:
    """The record field a bad ID cell was read as: a USCC or another document when its
    document type said so (`identity_value`), else the resident ID."""
    if error.code.startswith("cn_uscc."):
        return "uscc"
    return "id_document" if error.field == "id_document" else "resident_id"


def _slot(number: phone_module.PhoneNumber) -> str:
    return "mobile" if number.kind is phone_module.PhoneKind.MOBILE else "home_phone"


def _identity(text: str) -> tuple[str, str]:
    """``("resident_id" | "uscc", value)`` of an ID cell."""
    compact = "".join(text.split()).upper()
    if len(compact) == 18 and cn_uscc.is_valid(compact) and not cn_resident_id.is_valid(compact):
        return "uscc", cn_uscc.validate(compact)
    try:
        return "resident_id", cn_resident_id.validate(text)
    except ValidationError:
        if cn_uscc.is_valid(compact):
            return "uscc", cn_uscc.validate(compact)
        if len(compact) == 18 and not compact[:17].isdigit():
            raise ValidationError(
                "The ID column holds neither a resident ID nor a USCC.",
                code="party.id",
                masked_value=mask_unknown(text),
                message_zh="证件号码既不是身份证号码也不是统一社会信用代码。",
            ) from None
        raise
