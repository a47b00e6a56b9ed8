"""`Customer`: the golden record of one person or organisation.

A customer is computed from observations by `custmaster.merge`; this module only says what a
valid record looks like. A person is identified by the resident ID (gender and birth date are
derived from it) or by another `IdentityDocument`; an organisation by its USCC, or by the
organisation code it had before (组织机构代码: an `IdentityDocument` of type ``org_code``), or
both. Single-valued
fields hold the current value; the values they held before are in ``histories``, each with the
`Provenance` of the observation that brought it, newest first. Contact points accumulate.

>>> from custmaster.model.contact import ContactPoint
>>> customer = Customer(
...     id="C000001", name="张伟", resident_id="11010519491231002X",
...     address="福建省厦门市思明区湖滨南路100号",
...     contact_points=[
...         ContactPoint(kind="mobile", value="13800138000", first_seen="2025-01-05",
...                      last_seen="2026-03-01", channels={"core_system": 3}),
...         ContactPoint(kind="mobile", value="13900139000", first_seen="2026-02-01",
...                      status="wrong", status_at="2026-02-03T10:00:00+08:00"),
...     ],
...     policies=[PolicyRoleLink(policy_no="PDAA2026001", role="insured")])
>>> customer.gender, customer.birth_date
(<Gender.FEMALE: 'female'>, datetime.date(1949, 12, 31))
>>> [p.value for p in customer.callable_contacts()]
['+8613800138000']
>>> customer
Customer(id='C000001', kind=<CustomerKind.PERSON: 'person'>, name='张*',
         resident_id='110***********002X', ...)

In Jupyter a customer shows as a small table (`Customer._repr_html_`), masked as well:

>>> page = customer._repr_html_()
>>> "张*" in page, "110***********002X" in page, "138****8000" in page
(True, True, True)
>>> "张伟" in page, "11010519491231002X" in page, "13800138000" in page
(False, False, False)
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import itertools
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from custmaster.errors import InvalidComponent, InvalidFormat, ValidationError
from custmaster.model import _convert, _mask
from custmaster.model.contact import (
    _NOT_CALLABLE,
    VOICE_KINDS,
    ContactKind,
    ContactPoint,
    ContactStatus,
    normalise_contact,
)
from custmaster.model.identity import CustomerKind, DocumentType, Gender, IdentityDocument
from custmaster.model.policy import PolicyRole
from custmaster.model.provenance import Channel, Provenance
from custmaster.model.source import SourceRecord
from custmaster.privacy.masking import mask
from custmaster.privacy.sensitivity import policy_for
from custmaster.validate import cn_name, cn_postcode, cn_resident_id, cn_uscc
from custmaster.validate._mask import mask_unknown

__all__ = ["ERROR_CODES", "Customer", "HistoryEntry", "PolicyRoleLink"]

#: Every error code this module raises (besides the shared ``model.*`` codes).
ERROR_CODES: dict[str, str] = {
    "customer.kind_field": (
        "A person has a USCC or an organisation code, or an organisation has person fields."
    ),
    "customer.gender_contradicts_id": "The gender given contradicts the resident ID.",
    "customer.birth_date_contradicts_id": "The birth date given contradicts the resident ID.",
    "customer.organisation_name": "An organisation name is longer than 200 characters.",
    "customer.level": "A customer level is longer than 40 characters.",
    "customer.contact_duplicate": "Two contact points have the same kind and value.",
    "customer.history_field": "A history is kept for a field that has no history.",
    "customer.history_entry": "A history entry is not a HistoryEntry of the field it is under.",
}

# The same customer is rebuilt on every observation merged into it; its key values are
# validated once and then found in these caches (failures are not cached).
_parse_resident_id = functools.lru_cache(maxsize=65536)(cn_resident_id.parse)
_person_name = functools.lru_cache(maxsize=65536)(cn_name.validate)
_uscc = functools.lru_cache(maxsize=16384)(cn_uscc.validate)

_ORGANISATION_NAME_MAX = 200
_LEVEL_MAX = 40

# Fields of a customer that are not single values with a history.
_NOT_HISTORY = frozenset({"id", "kind", "contact_points", "policies", "histories"})
_SOURCE_ONLY = frozenset({"provenance", "extra"})


# --- history ----------------------------------------------------------------------------------


def _value_class(annotation: Any) -> type:
    """The class of a field's values from its annotation (``X | None`` gives ``X``)."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        (inner,) = (a for a in typing.get_args(annotation) if a is not type(None))
        return _value_class(inner)
    return typing.cast("type", annotation)


@functools.cache
def _history_types() -> dict[str, type]:
    types_: dict[str, type] = {}
    for cls, excluded in ((SourceRecord, _SOURCE_ONLY), (Customer, _NOT_HISTORY)):
        hints = typing.get_type_hints(cls)
        for attribute in attrs.fields(cls):
            if attribute.name not in excluded:
                types_[attribute.name] = _value_class(hints[attribute.name])
    return types_


def _history_field(value: object) -> str:
    if not isinstance(value, str):
        raise _convert.type_error("field", "a field name", value)
    HistoryEntry.value_type(value)
    return value


def _provenance(value: object) -> Provenance:
    if isinstance(value, Provenance):
        return value
    raise _convert.type_error("provenance", "Provenance", value)


@attrs.frozen(kw_only=True, repr=False)
class HistoryEntry:
    """A value a field held, with the `Provenance` of the observation that brought it.

    ``field`` is a `Customer` field or a `custmaster.model.source.FIELDS` name, or
    ``extra.<name>`` for an extra source column; ``value`` must be of that field's type
    (`value_type`). ``repr`` masks the value by its field.

    >>> entry = HistoryEntry(field="address", value="上海市浦东新区世纪大道100号",
    ...                      provenance=Provenance(channel="telesales", source_ref="T1",
    ...                                            observed_at="2025-06-01"))
    >>> entry
    HistoryEntry(field='address', value='上海市浦东新区******', provenance=Provenance(...))
    """

    field: str = attrs.field(converter=_history_field)
    value: object = attrs.field()
    provenance: Provenance = attrs.field(converter=_provenance)

    @value.validator
    def _check_value(self, _attribute: attrs.Attribute[object], value: object) -> None:
        expected = HistoryEntry.value_type(self.field)
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            raise _convert.type_error(self.field, expected.__name__, value)

    @staticmethod
    def value_type(field: str) -> type:
        """The class of the values of ``field`` in a history (raises for an unknown field).

        >>> HistoryEntry.value_type("birth_date"), HistoryEntry.value_type("extra.车队")
        (<class 'datetime.date'>, <class 'str'>)
        """
        if field.startswith("extra.") and len(field) > len("extra."):
            return str
        found = _history_types().get(field)
        if found is None:
            raise InvalidFormat(
                "Not a field that has a history.",
                code="customer.history_field",
                field="histories",
                masked_value=mask_unknown(field),
                message_zh="该字段没有历史值。",
            )
        return found

    def __repr__(self) -> str:
        return (
            f"HistoryEntry(field={self.field!r}, value={_mask.mask_field(self.field, self.value)!r}"
            ", provenance=Provenance(...))"
        )


def _newest_first(entry: HistoryEntry) -> dt.datetime:
    return entry.provenance.observed_at


class _CheckedHistories(_convert.FrozenMap[str, tuple[HistoryEntry, ...]]):
    """Histories already checked by `_histories` (so evolving a customer does not recheck)."""

    __slots__ = ()


def _histories(value: object) -> _CheckedHistories:
    if isinstance(value, _CheckedHistories):
        return value
    if not isinstance(value, Mapping):
        raise _convert.type_error("histories", "a mapping of field name to entries", value)
    checked: list[tuple[str, tuple[HistoryEntry, ...]]] = []
    for field in sorted(value):
        HistoryEntry.value_type(field)
        entries = value[field]
        if isinstance(entries, (str, bytes)) or not isinstance(entries, (tuple, list)):
            raise _convert.type_error("histories", "a sequence of HistoryEntry", entries)
        if not entries:
            continue
        for entry in entries:
            if not isinstance(entry, HistoryEntry) or entry.field != field:
                raise InvalidComponent(
                    "A history entry belongs to another field or is not a HistoryEntry.",
                    code="customer.history_entry",
                    field="histories",
                    masked_value=mask_unknown(field),
                    message_zh="历史值条目与字段不符。",
                )
        checked.append((field, tuple(sorted(entries, key=_newest_first, reverse=True))))
    return _CheckedHistories(checked)


# --- policy links and contact points ----------------------------------------------------------

_ROLE_ORDER = {role: i for i, role in enumerate(PolicyRole)}


def _link_policy_no(value: object) -> str:
    return _convert.required(value, "policy_no", _convert.upper_ref)


def _link_role(value: object) -> PolicyRole:
    return _convert.required_enum(value, "role", PolicyRole)


@attrs.frozen(kw_only=True)
class PolicyRoleLink:
    """That a customer plays ``role`` on the policy ``policy_no``."""

    policy_no: str = attrs.field(converter=_link_policy_no)
    role: PolicyRole = attrs.field(converter=_link_role)


def _policy_links(value: object) -> tuple[PolicyRoleLink, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise _convert.type_error("policies", "a sequence of PolicyRoleLink", value)
    links = set()
    for link in value:
        if not isinstance(link, PolicyRoleLink):
            raise _convert.type_error("policies", "PolicyRoleLink", link)
        links.add(link)
    return tuple(sorted(links, key=lambda link: (link.policy_no, _ROLE_ORDER[link.role])))


_KIND_ORDER = {kind: i for i, kind in enumerate(ContactKind)}


def _contact_order(point: ContactPoint) -> tuple[int, str]:
    return (_KIND_ORDER[point.kind], point.value)


def _contact_points(value: object) -> tuple[ContactPoint, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise _convert.type_error("contact_points", "a sequence of ContactPoint", value)
    points = list(value)
    for point in points:
        if not isinstance(point, ContactPoint):
            raise _convert.type_error("contact_points", "ContactPoint", point)
    points.sort(key=_contact_order)
    for before, after in itertools.pairwise(points):
        if before.key == after.key:
            raise InvalidComponent(
                "The same contact point appears twice; merge its channels and times instead.",
                code="customer.contact_duplicate",
                field="contact_points",
                masked_value=_mask.mask_contact_value(after.value),
                message_zh="同一联系方式出现两次，应合并其渠道与时间。",
            )
    return tuple(points)


def _best_first(point: ContactPoint) -> tuple[int, float, int, str]:
    return (
        0 if point.status is ContactStatus.REACHED else 1,
        -point.last_seen.timestamp(),
        _KIND_ORDER[point.kind],
        point.value,
    )


# --- single values ----------------------------------------------------------------------------


def _level(value: str) -> str:
    level = _convert.text(value)
    if len(level) > _LEVEL_MAX:
        raise InvalidFormat(
            f"A customer level is at most {_LEVEL_MAX} characters.",
            code="customer.level",
            masked_value=mask_unknown(level),
            message_zh=f"客户等级最多 {_LEVEL_MAX} 个字符。",
        )
    return level


def _organisation_name(value: str) -> str:
    name = _convert.text(value)
    if len(name) > _ORGANISATION_NAME_MAX:
        raise InvalidFormat(
            f"An organisation name is at most {_ORGANISATION_NAME_MAX} characters.",
            code="customer.organisation_name",
            masked_value=mask_unknown(name),
            message_zh=f"单位名称最多 {_ORGANISATION_NAME_MAX} 个字符。",
        )
    return name


def _resident_id_number(value: str) -> str:
    return _parse_resident_id(value).number


def _customer_id(value: object) -> str:
    return _convert.ref(value, "id")


def _kind(value: object) -> CustomerKind:
    return _convert.required_enum(value, "kind", CustomerKind)


def _name(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "name", _convert.text)


def _resident_id(value: object) -> str | None:
    return _convert.optional(value, "resident_id", _resident_id_number)


def _uscc_field(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "uscc", _uscc)


def _gender(value: object) -> Gender | None:
    return _convert.optional_enum(value, "gender", Gender)


def _birth_date(value: object) -> dt.date | None:
    return _convert.optional_date(value, "birth_date")


def _address(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "address", _convert.address)


def _postcode(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "postcode", cn_postcode.validate)


def _level_field(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "level", _level)


def _strict_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise _convert.type_error("key_customer", "True or False", value)


def _optional_channel(value: object) -> Channel | None:
    if value is None:
        return None
    if isinstance(value, (str, Channel)):
        try:
            return Channel.get(value)
        except ValidationError as error:
            raise error.for_field("first_channel") from None
    raise _convert.type_error("first_channel", "a channel", value)


def _optional_document(value: object) -> IdentityDocument | None:
    if value is None or isinstance(value, IdentityDocument):
        return value
    if isinstance(value, Mapping):
        return _convert.nested(IdentityDocument, value, "id_document")
    raise _convert.type_error("id_document", "IdentityDocument", value)


def _kind_error(field: str, kind: CustomerKind) -> InvalidComponent:
    return InvalidComponent(
        f"A customer of kind {kind.value!r} has no {field}.",
        code="customer.kind_field",
        field=field,
        masked_value="",
        message_zh="该类客户不应有此字段。",
    )


def _contradiction(field: str, shown: str) -> InvalidComponent:
    return InvalidComponent(
        f"The {field} contradicts the resident ID.",
        code=_CONTRADICTION_CODES[field],
        field=field,
        masked_value=shown,
        message_zh="与身份证号码不符。",
    )


_CONTRADICTION_CODES = {
    "gender": "customer.gender_contradicts_id",
    "birth_date": "customer.birth_date_contradicts_id",
}


@attrs.frozen(kw_only=True)
class Customer:
    """One customer: a person or an organisation, with contact points, policies and history.

    A person has a ``resident_id`` (18-digit form) or an ``id_document``; ``gender`` and
    ``birth_date`` are derived from the resident ID when there is one (giving others is an
    error), and may be given directly otherwise. An organisation has a ``uscc``, and may keep
    its organisation code from before the USCC (组织机构代码) as an ``id_document`` of type
    ``org_code`` (the only document an organisation has, and one a person never has); it has
    none of the other person fields. ``name`` is validated as a person's name for persons and
    kept as written (spaces folded) for organisations.

    Classification: ``level`` (the insurer's own grade, free text), ``key_customer`` (重点客户)
    and ``first_channel`` (the channel of first contact).

    ``contact_points`` are sorted by kind, then value; no two have the same kind and value.
    ``policies`` links the customer to policy numbers by role (sorted, each once).
    ``histories`` maps a field name to its earlier values, newest first (`history`).
    """

    id: str = attrs.field(converter=_customer_id)
    kind: CustomerKind = attrs.field(default=CustomerKind.PERSON, converter=_kind)
    name: str | None = attrs.field(
        default=None,
        converter=_name,
        repr=_mask.name_repr,
    )
    resident_id: str | None = attrs.field(
        default=None,
        converter=_resident_id,
        repr=_mask.resident_id_repr,
    )
    id_document: IdentityDocument | None = attrs.field(default=None, converter=_optional_document)
    uscc: str | None = attrs.field(default=None, converter=_uscc_field, repr=_mask.uscc_repr)
    gender: Gender | None = attrs.field(default=None, converter=_gender)
    birth_date: dt.date | None = attrs.field(
        default=None,
        converter=_birth_date,
        repr=_mask.birth_date_repr,
    )
    address: str | None = attrs.field(
        default=None,
        converter=_address,
        repr=_mask.address_repr,
    )
    postcode: str | None = attrs.field(default=None, converter=_postcode)
    level: str | None = attrs.field(default=None, converter=_level_field)
    key_customer: bool = attrs.field(default=False, converter=_strict_bool)
    first_channel: Channel | None = attrs.field(default=None, converter=_optional_channel)
    contact_points: tuple[ContactPoint, ...] = attrs.field(default=(), converter=_contact_points)
    policies: tuple[PolicyRoleLink, ...] = attrs.field(default=(), converter=_policy_links)
    histories: Mapping[str, tuple[HistoryEntry, ...]] = attrs.field(
        factory=_CheckedHistories,
        converter=_histories,
        repr=lambda h: "{" + ", ".join(f"{k!r}: <{len(v)} entries>" for k, v in h.items()) + "}",
    )

    def __attrs_post_init__(self) -> None:
        document = self.id_document
        if self.kind is CustomerKind.ORGANISATION:
            old_code = document is not None and document.type is DocumentType.ORG_CODE
            for field in ("resident_id", "id_document", "gender", "birth_date"):
                if getattr(self, field) is not None and not (field == "id_document" and old_code):
                    raise _kind_error(field, self.kind)
            if self.name is not None:
                try:
                    object.__setattr__(self, "name", _organisation_name(self.name))
                except ValidationError as error:
                    raise error.for_field("name") from None
            return
        if self.uscc is not None:
            raise _kind_error("uscc", self.kind)
        if document is not None and document.type is DocumentType.ORG_CODE:
            raise _kind_error("id_document", self.kind)
        if self.name is not None:
            try:
                object.__setattr__(self, "name", _person_name(self.name))
            except ValidationError as error:
                raise error.for_field("name") from None
        if self.resident_id is not None:
            try:
                parsed = _parse_resident_id(self.resident_id)
            except ValidationError as error:
                raise error.for_field("resident_id") from None
            gender = Gender(parsed.gender)
            if self.gender is not None and self.gender is not gender:
                raise _contradiction("gender", self.gender.value)
            if self.birth_date is not None and self.birth_date != parsed.birth_date:
                raise _contradiction("birth_date", _mask.mask_date(self.birth_date))
            object.__setattr__(self, "resident_id", parsed.number)
            object.__setattr__(self, "gender", gender)
            object.__setattr__(self, "birth_date", parsed.birth_date)

    def history(self, field: str) -> tuple[HistoryEntry, ...]:
        """The earlier values of ``field`` with their provenance, newest first (may be empty)."""
        return self.histories.get(field, ())

    def callable_contacts(
        self, kinds: Iterable[ContactKind | str] | None = None
    ) -> tuple[ContactPoint, ...]:
        """The contact points worth trying, best first; those flagged wrong, and those whose
        holder asked not to be contacted on them (`ContactStatus.DO_NOT_CALL`), are left out.

        By default only numbers one can call (`VOICE_KINDS`: mobile, home, office); pass
        ``kinds`` to choose others (``kinds=ContactKind`` for every kind). Order: reached
        before unverified, then the most recently seen first, then kind and value.
        """
        wanted = VOICE_KINDS if kinds is None else frozenset(ContactKind(k) for k in kinds)
        usable = [
            point
            for point in self.contact_points
            if point.kind in wanted and point.status not in _NOT_CALLABLE
        ]
        usable.sort(key=_best_first)
        return tuple(usable)

    def contact_point(self, kind: ContactKind | str, value: str) -> ContactPoint | None:
        """The contact point of this kind and value (in any accepted spelling), or ``None``."""
        wanted = ContactKind(kind)
        normalised = normalise_contact(wanted, value)
        for point in self.contact_points:
            if point.kind is wanted and point.value == normalised:
                return point
        return None

    def policy_numbers(self, role: PolicyRole | str | None = None) -> tuple[str, ...]:
        """The policy numbers the customer is linked to, in any role or in ``role``."""
        wanted = None if role is None else PolicyRole(role)
        return tuple(
            dict.fromkeys(
                link.policy_no for link in self.policies if wanted is None or link.role is wanted
            )
        )

    @property
    def addresses(self) -> tuple[str, ...]:
        """Every address known: the current one, address contact points (most recently seen
        first), then the earlier values of ``address``; each once."""
        found: dict[str, None] = {}
        if self.address is not None:
            found[self.address] = None
        for point in sorted(self.contact_points, key=_best_first):
            if point.kind is ContactKind.ADDRESS:
                found.setdefault(point.value, None)
        for entry in self.history("address"):
            found.setdefault(typing.cast("str", entry.value), None)
        return tuple(found)

    def _repr_html_(self) -> str:
        """The golden record as a small HTML table for Jupyter, personal values masked.

        Identity and address, the contact points with their status, the policies by role
        and how many earlier values each field keeps; every value is HTML-escaped.
        """
        return _customer_html(self)


# --- HTML display (Jupyter) -------------------------------------------------------------------

_CONTACT_FIELDS = {
    ContactKind.MOBILE: "mobile",
    ContactKind.HOME: "home_phone",
    ContactKind.OFFICE: "office_phone",
    ContactKind.FAX: "fax",
    ContactKind.EMAIL: "email",
    ContactKind.ADDRESS: "address",
}


def _label(field: str) -> str:
    chinese = policy_for(field).label_zh
    return f"{field} {chinese}" if chinese else field


def _html_table(caption: str, head: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    esc = html.escape
    parts = [f'<table><caption style="text-align:left">{esc(caption)}</caption>']
    header = "".join(f"<th>{esc(h)}</th>" for h in head)
    if header:
        parts.append(f"<thead><tr>{header}</tr></thead>")
    parts.append("<tbody>")
    for row in rows:
        cells = list(row)
        if not header:  # a field list: the first cell labels the row
            first, rest = cells[0], cells[1:]
            line = f'<th style="text-align:left">{esc(str(first))}</th>'
            line += "".join(f'<td style="text-align:left">{esc(str(c))}</td>' for c in rest)
        else:
            line = "".join(f'<td style="text-align:left">{esc(str(c))}</td>' for c in cells)
        parts.append(f"<tr>{line}</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def _customer_html(customer: Customer) -> str:
    fields: list[tuple[str, object]] = [("id", customer.id), ("kind", customer.kind.value)]
    document = customer.id_document
    shown: list[tuple[str, object]] = [
        ("name", customer.name),
        ("resident_id", customer.resident_id),
        ("uscc", customer.uscc),
        ("id_document", document.number if document is not None else None),
        ("gender", customer.gender.value if customer.gender is not None else None),
        ("birth_date", customer.birth_date),
        ("address", customer.address),
        ("postcode", customer.postcode),
        ("level", customer.level),
        ("key_customer", "yes 是" if customer.key_customer else None),
        ("first_channel", customer.first_channel.code if customer.first_channel else None),
    ]
    fields.extend((field, mask(field, value)) for field, value in shown if value is not None)
    if document is not None:
        fields.append(("id_document_type", document.type.value))
    parts = [
        '<div class="custmaster-customer">',
        _html_table(f"Customer {customer.id}", (), ((_label(f), v) for f, v in fields)),
    ]
    if customer.contact_points:
        contacts = (
            (
                point.kind.value,
                mask(_CONTACT_FIELDS[point.kind], point.value),
                point.status.value,
                point.last_seen.date().isoformat(),
                "; ".join(f"{c}:{n}" for c, n in sorted(point.channels.items())),
            )
            for point in customer.contact_points
        )
        parts.append(
            _html_table(
                "Contact points 联系方式",
                ("kind", "value", "status", "last seen", "channels"),
                contacts,
            )
        )
    if customer.policies:
        links = ((link.policy_no, link.role.value) for link in customer.policies)
        parts.append(_html_table("Policies 保单", ("policy_no", "role"), links))
    if customer.histories:
        kept = ((_label(f), len(entries)) for f, entries in customer.histories.items())
        parts.append(_html_table("History 历史值", ("field", "earlier values"), kept))
    parts.append("</div>")
    return "".join(parts)
