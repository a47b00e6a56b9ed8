"""Endorsements (批改): change of address, of vehicle, of insured, cancellation.

An endorsement changes a policy from its effective date (批改生效日期). custmaster applies it
as an observation of the core system whose observed time *is* that date (China midnight), with
the reference ``<policy number>#<endorsement number>``. Newest-wins survivorship then does the
ordering: whatever order endorsements arrive in, the current view reflects them in
effective-date order, and an endorsement never overrides what was observed after it took
effect. Re-applying an endorsement changes nothing.

What each kind carries:

- **address** (地址变更): the new 客户地址 of the insured, attached through the policy.
- **vehicle** (换车, 车辆信息变更): the new plate, VIN, engine number, make/model or first
  registration of the policy's vehicle.
- **insured** (过户, 被保险人变更): the new insured (name, resident ID …). The former insured
  is marked as no longer insured from that day (``insured_until``) and the new one as insured
  since (``insured_since``); the candidate pair the identity rules raise because one policy
  number now has two resident IDs is decided *keep apart*, by the endorsement, so it does not
  wait in the review queue (two people, correctly kept apart).
- **holder** (投保人变更): the new holder (role ``holder``).
- **contact** (联系方式变更): new phone numbers or e-mail of the insured.
- **cancellation** (退保, 注销): the policy's status becomes ``cancelled`` from the effective
  date (`custmaster.model.Policy.in_force` is false from that day).

Every endorsement is also kept in the policy's endorsement list
(`custmaster.workflows.policies.policy_details`).

An endorsement number is one endorsement, however its changes arrive: applied again with
other fields (the rest of its rows, in a later file), the fields not yet in the store are
added as a further part (reference ``<policy>#<number>#<fields>``) and the policy's endorsement
lists the fields of all parts; the fields already there are not applied twice, and a
different value for one of them is refused (``endorsement.conflict``).

>>> from custmaster.service import Service
>>> from custmaster.model import Provenance, SourceRecord
>>> service = Service.open("memory://")
>>> _ = service.ingest_one(SourceRecord(
...     provenance=Provenance(channel="core_system", source_ref="PDAA2026001#0",
...                           observed_at="2026-01-02"),
...     policy_no="PDAA2026001", line="商业险", resident_id="11010519491231002X", name="张伟",
...     address="福建省厦门市思明区湖滨南路1号", cover_start="2026-01-05", cover_end="2027-01-04"))
>>> late = apply_endorsement(service, "PDAA2026001", number="E2", effective="2026-09-01",
...                          changes={"address": "福建省厦门市湖里区嘉禾路9号"})
>>> early = apply_endorsement(service, "PDAA2026001", number="E1", effective="2026-03-01",
...                           changes={"address": "福建省厦门市集美区银江路3号"})
>>> early.out_of_order, service.find(policy_no="PDAA2026001")[0].address
(True, '福建省厦门市湖里区嘉禾路9号')
>>> _ = apply_endorsement(service, "PDAA2026001", number="E3", effective="2026-10-01",
...                       kind="退保")
>>> from custmaster.workflows.policies import policy_details
>>> policy = policy_details(service, "PDAA2026001")
>>> policy.status.value, [e.number for e in policy.endorsements]
('cancelled', ['E1', 'E2', 'E3'])
>>> import datetime as dt
>>> policy.in_force(on=dt.date(2026, 9, 30)), policy.in_force(on=dt.date(2026, 10, 1))
(True, False)

Files (`import_endorsements`, ``custmaster endorse``) come in three shapes, told apart by their
columns:

- **wide** (宽表): one row per endorsement, 保单号, 批单号, 批改类型, 批改生效日期 and the new
  values under the usual headers (客户地址, 车牌号, 被保险人, 身份证号, 移动电话 …);
- **long** (长表): one row per changed item, 保单号, 批单号, 批改项目 (车牌号码, 车架号,
  被保险人名称, 联系电话 …: the header vocabulary of the imports), 批改前 and 批改后,
  批改生效日期; the rows of one 批单号 are one endorsement, its kind inferred from the items
  (or given by 批改类型);
- **wording** (批文): the endorsement's text alone (批文, 批改内容), read by
  `custmaster.workflows.endorsement_wording`; a wide or long row whose change columns are empty
  is read from its text too.
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from custmaster.errors import InvalidComponent, NotFoundError, ValidationError
from custmaster.model.policy import Endorsement, EndorsementKind, PolicyRole
from custmaster.model.provenance import Channel, Provenance
from custmaster.model.source import FIELDS, PHONE_FIELDS, SourceRecord
from custmaster.resolve.candidates import PairStatus, Reason
from custmaster.service import Service, as_service
from custmaster.store.base import BaseStore, IngestResult, Outcome, Store
from custmaster.validate import phone as phone_module
from custmaster.validate._mask import mask_unknown
from custmaster.validate.phone import PhoneKind, PhoneNumber
from custmaster.workflows.core_import import parse_time
from custmaster.workflows.endorsement_wording import HOLDER, Vocabulary, Wording, parse_wording
from custmaster.workflows.headers import PHONE, map_headers, normalise_header
from custmaster.workflows.policies import (
    current_insured,
    endorsement_text,
    meta_key,
    meta_value,
    parse_endorsement,
)
from custmaster.workflows.reading import Row, Table, TableFormatError, open_table
from custmaster.workflows.validation import (
    REJECT_COLUMNS,
    Reject,
    RowValidator,
    cell_text,
    is_empty_cell,
    is_numbered_blank,
    mask_field,
    split_phone_cell,
)

__all__ = [
    "ENDORSEMENT_HEADERS",
    "ERROR_CODES",
    "SHAPES",
    "WINDOW",
    "EndorsementResult",
    "EndorsementSummary",
    "apply_endorsement",
    "endorsement_kind",
    "import_endorsements",
]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "endorsement.policy_no": "An endorsement names no policy number.",
    "endorsement.number": "An endorsement has no endorsement number (批单号).",
    "endorsement.effective": "An endorsement has no effective date (批改生效日期).",
    "endorsement.kind": "The endorsement kind (批改类型) is not one custmaster knows.",
    "endorsement.field": "An endorsement changes a field that is not a record field.",
    "endorsement.no_columns": "An endorsement file lacks the policy number or effective date.",
    "endorsement.no_new_value": (
        "A file names changed items (批改项目) but has no column of their new values (批改后)."
    ),
    "endorsement.no_item_column": (
        "A file has new values (批改后) but no column naming the changed item (批改项目)."
    ),
    "endorsement.item": (
        "A changed item (批改项目) of a long endorsement file names no record field."
    ),
    "endorsement.value": "A changed item of a long endorsement file has no new value (批改后).",
    "endorsement.conflict": (
        "Rows or parts of one endorsement disagree: two new values of one field, two effective "
        "dates or two kinds."
    ),
    "endorsement.party": "One endorsement changes both the holder's and the insured's items.",
    "endorsement.insured_without_id": (
        "A change of insured gives the new insured's name but no ID number."
    ),
    "endorsement.split_identity": (
        "The new insured's identity came in two parts of one endorsement (a name here, the ID "
        "number there); it cannot be attached safely."
    ),
    "endorsement.incomplete": (
        "Another row of the same endorsement was rejected, so none of its rows was applied."
    ),
    "endorsement.before_mismatch": (
        "Warning: an item's value before the endorsement (批改前) is not the one the store had "
        "before its effective date; the endorsement was applied."
    ),
}

#: Header spellings of the endorsement's own columns: ``item``, ``before`` and ``after`` are a
#: long file's changed item (批改项目), its old value (批改前) and its new value (批改后); ``text``
#: the endorsement's wording (批文).
ENDORSEMENT_HEADERS: Mapping[str, tuple[str, ...]] = {
    "number": ("批单号", "批改单号", "批单号码", "批改申请号", "批改序号", "endorsement_no"),
    "kind": ("批改类型", "批改原因", "批改内容类型", "批改种类", "批改类别", "endorsement_kind"),
    "effective": ("批改生效日期", "生效日期", "批改生效时间", "批改日期", "effective"),
    "operator": ("操作员", "经办人", "批改人", "operator"),
    "item": (
        "批改项目", "变更项目", "批改字段", "变更字段", "修改项目", "修改字段", "批改要素",
        "变更要素", "批改项", "变更项", "批改项目名称", "变更项目名称", "批改字段名称",
        "变更字段名称", "item",
    ),
    "before": (
        "批改前", "变更前", "修改前", "原值", "旧值", "批改前内容", "变更前内容", "修改前内容",
        "批改前值", "变更前值", "原内容", "批改前信息", "变更前信息", "before",
    ),
    "after": (
        "批改后", "变更后", "修改后", "新值", "现值", "批改后内容", "变更后内容", "修改后内容",
        "批改后值", "变更后值", "新内容", "批改后信息", "变更后信息", "after",
    ),
    "text": (
        "批文", "批文内容", "批改内容", "批改文字", "批单内容", "批改批文", "批改说明", "批改详情",
        "批注", "批单批文", "批改文本", "endorsement_text",
    ),
}  # fmt: skip

#: The shapes of endorsement files (see the module description).
SHAPES: tuple[str, ...] = ("wide", "long", "wording")

#: How many endorsements `import_endorsements` keeps open at once by default: rows of one
#: endorsement this close together are applied as one, whatever their order.
WINDOW = 1000

#: Further spellings of endorsement kinds seen in extracts.
_KIND_ALIASES: dict[str, str] = {
    "变更地址": "address",
    "地址": "address",
    "通讯地址变更": "address",
    "车辆变更": "vehicle",
    "更换车辆": "vehicle",
    "换牌": "vehicle",
    "车牌变更": "vehicle",
    "被保人变更": "insured",
    "变更被保险人": "insured",
    "投保人信息变更": "holder",
    "电话变更": "contact",
    "联系电话变更": "contact",
    "全单退保": "cancellation",
    "退保批改": "cancellation",
    "保单注销": "cancellation",
}

_VEHICLE = frozenset({"plate", "vin", "engine_no", "make_model", "first_registered"})
_IDENTITY = frozenset({"name", "resident_id", "uscc", "id_document", "birth_date", "gender"})
_CONTACT = frozenset({"mobile", "home_phone", "office_phone", "fax", "email"})
#: The fields that find the new insured (a further part carries them to find the same person).
_KEYS = ("resident_id", "uscc", "id_document")
_PHONE_SET = frozenset(PHONE_FIELDS)
_CHINA = dt.timezone(dt.timedelta(hours=8))
_TEXT_HEADERS = frozenset(normalise_header(name) for name in ENDORSEMENT_HEADERS["text"])
#: Rows read before telling whether an item column names fields or kinds.
_PEEK = 20
_VALIDATORS_MAX = 256


def endorsement_kind(value: object, changed: Iterable[str] = ()) -> EndorsementKind:
    """The kind of an endorsement from its 批改类型 text, or inferred from the fields changed.

    >>> endorsement_kind("过户"), endorsement_kind("全单退保")
    (<EndorsementKind.INSURED: 'insured'>, <EndorsementKind.CANCELLATION: 'cancellation'>)
    >>> endorsement_kind(None, ["plate", "vin"])
    <EndorsementKind.VEHICLE: 'vehicle'>
    """
    if isinstance(value, EndorsementKind):
        return value
    if value is not None and str(value).strip():
        text = str(value).strip()
        try:
            return EndorsementKind(_KIND_ALIASES.get(text, text))
        except ValueError:
            raise InvalidComponent(
                "Unknown endorsement kind; use address, vehicle, insured, holder, contact, "
                "cancellation or other (or 地址变更, 换车, 过户, 退保 …).",
                code="endorsement.kind",
                field="kind",
                masked_value=mask_unknown(text),
                message_zh="无法识别的批改类型。",
            ) from None
    fields = set(changed)
    if fields & _IDENTITY:
        return EndorsementKind.INSURED
    if fields & _VEHICLE:
        return EndorsementKind.VEHICLE
    if "address" in fields:
        return EndorsementKind.ADDRESS
    if fields & _CONTACT:
        return EndorsementKind.CONTACT
    return EndorsementKind.OTHER


def _known_kind(text: str) -> EndorsementKind | None:
    try:
        return endorsement_kind(text)
    except ValidationError:
        return None


@attrs.frozen
class EndorsementResult:
    """What applying one endorsement did."""

    policy_no: str
    number: str
    kind: EndorsementKind
    effective: dt.date
    #: What ingesting its record did (``duplicate`` when it was applied before).
    outcome: Outcome
    #: The customer its values went to (the new insured for an insured change).
    customer_id: str | None
    #: Whether a later-effective endorsement of the policy was already applied.
    out_of_order: bool = False
    #: Candidate pairs decided keep-apart because the insured changed.
    kept_apart: tuple[str, ...] = ()
    error: ValidationError | None = None
    #: Whether it completed an endorsement already in the store (a further part).
    part: bool = False


def _policy_no(value: object) -> str:
    text = "".join(str(value or "").split()).upper()
    if not text:
        raise InvalidComponent(
            "An endorsement names the policy it changes.",
            code="endorsement.policy_no",
            field="policy_no",
            masked_value="",
            message_zh="批改须注明保单号。",
        )
    return text


def _effective(value: object) -> dt.date:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidComponent(
            "An endorsement needs its effective date (批改生效日期).",
            code="endorsement.effective",
            field="effective",
            masked_value="",
            message_zh="批改须有生效日期。",
        )
    return parse_time(value, field="effective").date()


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=_CHINA)


def _conflict(field: str, shown: str, what: str) -> InvalidComponent:
    return InvalidComponent(
        f"Rows or parts of one endorsement disagree: {what}.",
        code="endorsement.conflict",
        field=field,
        masked_value=shown,
        message_zh="同一批单的各行（或各次）内容不一致。",
    )


def _latest_effective(service: Service, customer_id: str | None, policy_no: str) -> dt.date | None:
    if customer_id is None:
        return None
    state = service.state(customer_id)
    customer = None if state is not None else service.get(customer_id)
    text = meta_value("endorsements", policy_no, state=state, customer=customer)
    parsed = parse_endorsement(text) if text else None
    return parsed.effective if parsed is not None else None


def _record(
    policy_no: str,
    ref: str,
    *,
    at: dt.datetime,
    operator: str | None,
    values: Mapping[str, Any],
    extra: Mapping[str, str],
) -> SourceRecord:
    return SourceRecord(
        provenance=Provenance(
            channel=Channel.CORE_SYSTEM, source_ref=ref, observed_at=at, operator=operator
        ),
        policy_no=policy_no,
        extra=dict(extra),
        **values,
    )


def apply_endorsement(
    target: Service | Store,
    policy_no: str,
    *,
    number: str,
    effective: dt.date | dt.datetime | str,
    kind: EndorsementKind | str | None = None,
    changes: Mapping[str, Any] | None = None,
    operator: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> EndorsementResult:
    """Apply one endorsement of ``policy_no`` (see the module description).

    ``changes`` maps `custmaster.SourceRecord` field names to the new values (as text or
    values; they are validated). A phone field may take several numbers, as a cell holds
    them (``"13800138000/13900139000"``) or as a list: the first is the field's value, each
    further one the customer's too (a record of its own, reference
    ``<policy>#<number>~<field>.<n>``). ``kind`` defaults to what the changed fields suggest.
    Raises `custmaster.ValidationError` for a bad value or kind, and ``endorsement.conflict``
    when the number is in the store with another value of a field given here (nothing is
    applied then).
    """
    service = as_service(target)
    number_text = "".join(str(number or "").split()).upper()
    if not number_text:
        raise InvalidComponent(
            "An endorsement needs its number (批单号).",
            code="endorsement.number",
            field="number",
            masked_value="",
            message_zh="批改须有批单号。",
        )
    policy = _policy_no(policy_no)
    day = _effective(effective)
    values = {k: v for k, v in (changes or {}).items() if v is not None and v != ""}
    unknown = [k for k in values if k not in FIELDS or k == "policy_no"]
    values, more = _further_numbers(values) if not unknown else (values, [])
    if unknown:
        raise InvalidComponent(
            f"Not a field an endorsement can change: {unknown[0][:40]!r}.",
            code="endorsement.field",
            field="changes",
            masked_value=mask_unknown(unknown[0]),
            message_zh="批改不能变更该字段。",
        )
    endorsement_type = endorsement_kind(kind, values)
    endorsement = Endorsement(
        number=number_text, effective=day, kind=endorsement_type, changed=tuple(sorted(values))
    )
    try:
        before = service.policy(policy)
    except NotFoundError:
        before = None
    previous = current_insured(service, before) if before is not None else None
    if (
        endorsement_type is EndorsementKind.INSURED
        and previous is not None
        and values.keys() & _IDENTITY
        and not values.keys() & set(_KEYS)
        and _first_part(service, policy, endorsement.number)
    ):
        # resolved through the policy alone, the record would go to the former insured and
        # give them the new insured's name (a later part of a number in the store is found
        # by the new insured's key its first part gave)
        raise InvalidComponent(
            "A change of insured names the new insured without an ID number (身份证号, 统一社会"
            "信用代码 or another document); give it, or the new name would be written onto the "
            "former insured.",
            code="endorsement.insured_without_id",
            field="resident_id",
            masked_value="",
            message_zh="被保险人变更未提供新被保险人的证件号码，否则新姓名会写到原被保险人名下。",
        )
    latest = _latest_effective(service, previous, policy)
    out_of_order = latest is not None and latest > day
    with service.transaction():
        result, kept = _write(
            service,
            policy,
            f"{policy}#{endorsement.number}",
            endorsement,
            values,
            previous=previous if endorsement_type is EndorsementKind.INSURED else None,
            operator=operator,
            extra=extra,
            more=more,
        )
        part = False
        if _repeated(result):  # the number is in with other content: add what it lacks
            part = True
            result, kept, endorsement = _apply_part(
                service,
                policy,
                endorsement,
                values,
                explicit=kind is not None and str(kind).strip() != "",
                previous=previous,
                operator=operator,
                extra=extra,
                more=more,
            )
    return EndorsementResult(
        policy_no=policy,
        number=endorsement.number,
        kind=endorsement.kind,
        effective=day,
        outcome=result.outcome,
        customer_id=result.customer_id,
        out_of_order=out_of_order and result.outcome is not Outcome.DUPLICATE,
        kept_apart=tuple(kept),
        error=result.error,
        part=part and result.outcome not in (Outcome.DUPLICATE, Outcome.REJECTED),
    )


def _further(item: tuple[str, PhoneNumber]) -> tuple[str, str]:
    """``(field, E.164)`` of a further number of a cell, placed as the imports place it: a
    联系电话 column's (`PHONE`), or a fixed line in a mobile column, goes to ``mobile`` when it
    is a mobile number, else to ``home_phone``."""
    field, number = item
    if field in (PHONE, "mobile"):
        field = "mobile" if number.kind is PhoneKind.MOBILE else "home_phone"
    return field, number.canonical


def _further_numbers(values: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """``values`` with one number per phone field, and the further numbers ``(field, E.164)``
    of a phone field given several (a cell's ``138…/139…``, a list; `_further`); raises the
    first bad number's error, for its field."""
    single: dict[str, Any] = {}
    more: dict[tuple[str, str], None] = {}
    for field, value in values.items():
        if field not in _PHONE_SET:
            single[field] = value
            continue
        for part in value if isinstance(value, (list, tuple)) else (value,):
            try:
                first, further = split_phone_cell(cell_text(part))
            except ValidationError as error:
                raise error.for_field(field) from None
            if field not in single:
                single[field] = first
            elif first != single[field]:
                more[_further((field, phone_module.parse(first)))] = None
            for number in further:
                more[_further((field, number))] = None
    return single, [item for item in more if item[1] != single.get(item[0])]


def _first_part(service: Service, policy: str, number: str) -> bool:
    """Whether endorsement ``number`` of ``policy`` is not in the store yet."""
    store = service.store
    if not isinstance(store, BaseStore):  # a third-party store: assume it is
        return True
    return store.stored_record((Channel.CORE_SYSTEM.code, f"{policy}#{number}")) is None


def _repeated(result: IngestResult) -> bool:
    return (
        result.outcome is Outcome.REJECTED
        and result.error is not None
        and result.error.code == "record.conflicting_duplicate"
    )


def _write(
    service: Service,
    policy: str,
    ref: str,
    endorsement: Endorsement,
    values: Mapping[str, Any],
    *,
    previous: str | None,
    operator: str | None,
    extra: Mapping[str, str] | None,
    new_insured: bool = True,
    more: Sequence[tuple[str, str]] = (),
) -> tuple[IngestResult, list[str]]:
    """Ingest an endorsement's record, and one record per further phone number (``more``)
    carrying the keys that found the first; for a change of insured (``new_insured``) mark
    the former insured (``previous``) and keep the two apart."""
    kind = endorsement.kind
    at = _midnight(endorsement.effective)
    facts = dict(extra or {})
    facts[meta_key("endorsements", policy)] = endorsement_text(endorsement)
    fields = dict(values)
    if kind is EndorsementKind.CANCELLATION:
        facts[meta_key("status", policy)] = "cancelled"
    if kind is EndorsementKind.HOLDER:
        fields.setdefault("role", PolicyRole.HOLDER)
    insured_change = kind is EndorsementKind.INSURED and new_insured
    if kind is EndorsementKind.INSURED:
        fields.setdefault("role", PolicyRole.INSURED)
        if new_insured:
            facts[meta_key("insured_since", policy)] = endorsement.effective.isoformat()
    record = _record(policy, ref, at=at, operator=operator, values=fields, extra=facts)
    result = service.ingest_one(record)
    if result.outcome is not Outcome.REJECTED and result.customer_id is not None:
        keys = {k: fields[k] for k in (*_KEYS, "role") if k in fields}
        for n, (field, number) in enumerate(more, 1):
            values = {**keys, field: number}
            service.ingest_one(
                _record(
                    policy, f"{ref}~{field}.{n}", at=at, operator=operator, values=values, extra={}
                )
            )
    kept: list[str] = []
    if insured_change and result.outcome is not Outcome.REJECTED:
        if previous is not None and previous != result.customer_id:
            _mark_former_insured(
                service, policy, former=previous, endorsement=endorsement, at=at, operator=operator
            )
        if result.customer_id is not None:
            kept = _keep_apart(service, result.customer_id, previous, policy, endorsement)
    return result, kept


@attrs.frozen
class _Stored:
    """What the store holds of one endorsement number: its values, changed fields, kinds."""

    values: dict[str, Any]
    changed: frozenset[str]
    kinds: frozenset[EndorsementKind]


def _stored(service: Service, policy: str, number: str) -> _Stored:
    """The values and fields of every part of endorsement ``number`` already in the store."""
    ref = f"{policy}#{number}"
    key = f"extra.{meta_key('endorsements', policy)}"
    values: dict[str, Any] = {}
    changed: set[str] = set()
    kinds: set[EndorsementKind] = set()
    # part of the endorsement being applied, audited with it
    for customer in service.lookup(policy_no=policy):
        for record in service.observations(customer.id):
            source = record.provenance
            if source.channel.code != Channel.CORE_SYSTEM.code:
                continue
            name = source.source_ref
            if name != ref and not (name.startswith(ref + "#") and not name.endswith("#former")):
                continue
            for name, value in record.values():
                if name == key:
                    parsed = parse_endorsement(value)
                    if parsed is not None:
                        changed.update(parsed.changed)
                        kinds.add(parsed.kind)
                elif not name.startswith("extra.") and name not in ("policy_no", "role"):
                    values.setdefault(name, value)
    return _Stored(values, frozenset(changed), frozenset(kinds))


def _apply_part(
    service: Service,
    policy: str,
    endorsement: Endorsement,
    values: Mapping[str, Any],
    *,
    explicit: bool,
    previous: str | None,
    operator: str | None,
    extra: Mapping[str, str] | None,
    more: Sequence[tuple[str, str]] = (),
) -> tuple[IngestResult, list[str], Endorsement]:
    """Apply the fields of ``values`` endorsement ``number`` lacks in the store, as a further
    part; a field it holds with another value is a conflict."""
    stored = _stored(service, policy, endorsement.number)
    probe = _record(
        policy,
        "probe",
        at=_midnight(endorsement.effective),
        operator=None,
        values={k: v for k, v in values.items() if k != "role"},
        extra={},
    )
    new: dict[str, Any] = {}
    for field, value in values.items():
        if field == "role":
            continue
        normal = getattr(probe, field)
        if field in stored.values:
            if stored.values[field] != normal:
                raise _conflict(field, mask_field(field, normal), f"another {field} than before")
            continue
        new[field] = value
    kind = endorsement.kind if explicit else endorsement_kind(None, stored.changed | set(new))
    merged = attrs.evolve(endorsement, kind=kind, changed=tuple(sorted(stored.changed | set(new))))
    if not new:
        cancels = kind is EndorsementKind.CANCELLATION
        if cancels and EndorsementKind.CANCELLATION not in stored.kinds:
            raise _conflict("kind", "", "a cancellation under the number of another endorsement")
        return IngestResult(Outcome.DUPLICATE), [], merged
    identity = set(new) & _IDENTITY
    if identity and set(stored.values) & _IDENTITY:
        raise InvalidComponent(
            "The new insured's identity came in two parts of one endorsement (a name in one, "
            "the ID number in another): send the rows of the insured change together.",
            code="endorsement.split_identity",
            field=sorted(identity)[0],
            masked_value="",
            message_zh="同一批单的新被保险人身份信息分两次到达（如姓名与证件号分开）；请将过户的各行一并提交。",
        )
    fields = dict(new)
    if not identity and kind in (EndorsementKind.INSURED, EndorsementKind.HOLDER):
        # the person the earlier part went to, found by its key
        fields.update((k, stored.values[k]) for k in _KEYS if k in stored.values)
    ref = f"{policy}#{endorsement.number}#{'+'.join(sorted(new))}"
    result, kept = _write(
        service,
        policy,
        ref,
        merged,
        fields,
        previous=previous if identity else None,
        operator=operator,
        extra=extra,
        new_insured=bool(identity),
        more=more,
    )
    return result, kept, merged


def _mark_former_insured(
    service: Service,
    policy: str,
    *,
    former: str,
    endorsement: Endorsement,
    at: dt.datetime,
    operator: str | None,
) -> None:
    """A record on the former insured: no longer insured on ``policy`` from the day."""
    customer = service.get(former)
    values: dict[str, Any] = {"role": PolicyRole.INSURED}
    if customer.resident_id is not None:
        values["resident_id"] = customer.resident_id
    elif customer.uscc is not None:
        values["uscc"] = customer.uscc
    elif customer.id_document is not None:  # a passport, or an organisation's old code
        values["id_document"] = customer.id_document
    facts = {meta_key("insured_until", policy): endorsement.effective.isoformat()}
    ref = f"{policy}#{endorsement.number}#former"
    record = _record(policy, ref, at=at, operator=operator, values=values, extra=facts)
    service.ingest_one(record)


def _keep_apart(
    service: Service,
    new: str,
    former: str | None,
    policy: str,
    endorsement: Endorsement,
) -> list[str]:
    if former is None or former == new:
        return []
    kept = []
    for pair in service.candidates(PairStatus.OPEN):
        if {pair.a, pair.b} != {new, former} or Reason.POLICY_ID_CONFLICT not in pair.reasons:
            continue
        service.decide(
            pair,
            merge=False,
            by=f"endorsement {policy}#{endorsement.number}",
            note=f"insured changed by endorsement {endorsement.number} "
            f"effective {endorsement.effective.isoformat()}",
        )
        kept.append(pair.id)
    return kept


@attrs.frozen
class EndorsementSummary:
    """What `import_endorsements` did.

    ``applied``, ``duplicates``, ``rejected``, ``out_of_order`` and ``kinds`` count
    endorsements (a long file's several rows of one 批单号 are one).
    """

    path: Path
    rows: int
    applied: int
    duplicates: int
    rejected: int
    #: Endorsements applied although a later-effective endorsement of the policy was in.
    out_of_order: int
    #: Endorsements applied per kind.
    kinds: tuple[tuple[str, int], ...]
    #: Candidate pairs decided keep-apart because an insured changed.
    kept_apart: int
    #: Lines written to the rejects file (rejected cells and rows, and the warnings).
    rejects: int
    codes: tuple[tuple[str, int], ...]
    rejects_path: Path | None
    #: The file's shape: ``wide``, ``long`` or ``wording`` (`SHAPES`); for a workbook whose
    #: sheets differ, their shapes joined by ``+`` in the order first read (``wide+long``).
    shape: str = "wide"
    #: Endorsements read (groups of rows of one 批单号).
    endorsements: int = 0
    #: Endorsements whose changes were read from their text (批文).
    from_wording: int = 0
    #: Warnings (``endorsement.before_mismatch``): lines of the rejects file whose row was
    #: applied all the same.
    warnings: int = 0
    #: Endorsements that completed one already in the store (rows of its number in an
    #: earlier file, or further apart in this one than the window).
    parts: int = 0
    #: The sheets read of a workbook, in order (empty for a CSV or HTML file).
    sheets: tuple[str, ...] = ()


def _endorsement_columns(headers: Iterable[str]) -> dict[str, str]:
    index = {
        normalise_header(name): field
        for field, names in ENDORSEMENT_HEADERS.items()
        for name in names
    }
    found: dict[str, str] = {}
    for header in headers:
        field = index.get(normalise_header(header))
        if field is not None and field not in found.values():
            found[header] = field
    return found


@attrs.define(slots=True)
class _Item:
    """One changed item of an endorsement: a long row's, or one its text states."""

    row: int
    #: The column holding the new value (批改后, or the text's column).
    column: str
    field: str
    party: str
    after: object
    before: object = None
    before_column: str = ""


@attrs.define(slots=True)
class _Pending:
    """The rows of one endorsement read so far."""

    policy: object
    policy_row: int
    number: str
    rows: list[int] = attrs.field(factory=list)
    #: Validated values of wide rows, and the row of each.
    values: dict[str, Any] = attrs.field(factory=dict)
    value_rows: dict[str, tuple[int, str]] = attrs.field(factory=dict)
    items: list[_Item] = attrs.field(factory=list)
    effective: list[tuple[int, object]] = attrs.field(factory=list)
    kinds: list[tuple[int, str]] = attrs.field(factory=list)
    operator: str | None = None
    rejects: list[Reject] = attrs.field(factory=list)
    cancellation: bool = False
    wording: bool = False
    wording_dates: list[tuple[int, dt.date]] = attrs.field(factory=list)
    #: Further numbers of phone cells holding several: ``(field, E.164)``.
    more: list[tuple[str, str]] = attrs.field(factory=list)


#: The messages of the rejects `import_endorsements` writes itself.
_MESSAGES: dict[str, tuple[str, str]] = {
    "no_item": (
        "The row names no changed item (批改项目) and no kind (批改类型).",
        "该行未写明批改项目或批改类型。",
    ),
    "item": (
        "The changed item (批改项目) names no field custmaster keeps; map it to a field, or to "
        "null to leave it out, with a header mapping (--mapping).",
        "批改项目不是本系统保存的字段；可用表头映射（--mapping）指定字段或设为忽略（null）。",
    ),
    "value": ("The changed item has no new value (批改后).", "批改项目没有批改后的值。"),
    "incomplete": (
        "Another row of this endorsement (批单号) was rejected; none of its rows was applied.",
        "同一批单的其他行被拒绝，本批单各行均未处理。",
    ),
    "party": (
        "One endorsement changes both the holder's (投保人) and the insured's items; give each "
        "its own endorsement number.",
        "同一批单同时变更投保人与被保险人的信息；请分别批改。",
    ),
    "before_mismatch": (
        "The value before the endorsement (批改前) is not the one the store had before the "
        "effective date; the endorsement was applied.",
        "批改前的值与系统在批改生效日前的值不一致；批改已处理。",
    ),
}


def _same(a: object, b: object) -> bool:
    return "".join(cell_text(a).split()) == "".join(cell_text(b).split())


class _Run:
    """One `import_endorsements` run: the columns, the open endorsements, the counts."""

    def __init__(
        self,
        service: Service,
        path: Path,
        *,
        own: dict[str, str],
        header_map: Any,
        shape: str,
        vocabulary: Vocabulary,
        operator: str | None,
        window: int,
        check_before: bool,
        writer: Any,
        sheet: str | None = None,
    ) -> None:
        self.service = service
        self.path = path
        #: The workbook's sheet the rows come from, written last in each rejects line.
        self.sheet = sheet
        self.own = own
        self.column = {role: header for header, role in own.items()}
        self.header_map = header_map
        self.shape = shape
        self.vocabulary = vocabulary
        self.operator = operator
        self.window = max(1, window)
        self.check_before = check_before
        self.writer = writer
        self.validator = RowValidator(header_map, all_columns=True)
        self.policy_column = next((h for h, f in header_map.mapped if f == "policy_no"), "")
        #: Whether the new values are in a text column (批改项目 + 批改内容).
        self.after_is_text = any(
            normalise_header(h) in _TEXT_HEADERS for h, role in own.items() if role == "after"
        )
        self.open: collections.OrderedDict[tuple[str, str], _Pending] = collections.OrderedDict()
        self.validators: dict[tuple[str, ...], RowValidator] = {}
        self.counts = collections.Counter[str]()
        self.kinds = collections.Counter[str]()
        self.codes = collections.Counter[str]()
        self.rows = 0

    # reading

    def cell(self, row: Row, role: str) -> str:
        header = self.column.get(role)
        return cell_text(row.get(header)).strip() if header is not None else ""

    def read(self, row_number: int, row: Row) -> None:
        self.rows += 1
        policy = row.get(self.policy_column)
        number = self.cell(row, "number").upper().replace(" ", "")
        # without a number: a long file's rows of one policy and day, a wide file's row
        fallback = "@" + self.cell(row, "effective") if self.shape == "long" else f"#{row_number}"
        key = ("".join(cell_text(policy).split()).upper(), number or fallback)
        group = self.open.get(key)
        if group is None:
            if len(self.open) >= self.window:
                self.flush(self.open.popitem(last=False)[1])
            group = _Pending(
                policy=policy,
                policy_row=row_number,
                number=number or f"{self.path.stem}-{row_number}",
            )
            self.open[key] = group
        group.rows.append(row_number)
        kind = self.cell(row, "kind")
        if kind:
            group.kinds.append((row_number, kind))
        effective = row.get(self.column["effective"]) if "effective" in self.column else None
        if effective is not None and cell_text(effective).strip():
            group.effective.append((row_number, effective))
        operator = self.cell(row, "operator")
        if operator and group.operator is None:
            group.operator = operator
        if self.shape == "long":
            self.read_item(group, row_number, row)
        else:
            self.read_wide(group, row_number, row)

    def read_wide(self, group: _Pending, row_number: int, row: Row) -> None:
        checked = self.validator(row_number, row)
        if checked.rejects or checked.conflicts:
            group.rejects.extend((*checked.rejects, *checked.conflicts))
            return
        values = dict(checked.values)
        values.pop("policy_no", None)
        text = self.cell(row, "text")
        if not values and text:
            self.read_wording(group, row_number, text)
            return
        for field, value in values.items():
            known = group.values.get(field)
            if known is not None and known != value:
                group.rejects.append(self.conflict(row_number, field, value, "two values"))
                continue
            group.values[field] = value
            group.value_rows.setdefault(field, (row_number, self.mapped_column(field)))
        group.more += map(_further, checked.more)

    def mapped_column(self, field: str) -> str:
        return next((h for h, f in self.header_map.read if f == field), "")

    def read_item(self, group: _Pending, row_number: int, row: Row) -> None:
        item = self.cell(row, "item")
        after_header = self.column["after"]
        after = row.get(after_header)
        empty_after = is_empty_cell(cell_text(after))
        if not item and empty_after:
            text = self.cell(row, "text")
            if text:
                self.read_wording(group, row_number, text)
            elif not group.kinds or group.kinds[-1][0] != row_number:
                group.rejects.append(
                    self.reject(
                        row_number, self.column.get("item", after_header), "item", "no_item"
                    )
                )
            return
        try:
            found = self.vocabulary.item(item)
        except ValidationError as error:
            group.rejects.append(
                Reject.from_error(row_number, self.column.get("item", ""), "item", error)
            )
            return
        if found is None:
            if self.vocabulary.ignored(item):
                return
            kind = _known_kind(item) if empty_after else None
            if kind is not None:  # 批改项目 = 全单退保: the row's kind
                group.kinds.append((row_number, item))
                return
            group.rejects.append(
                self.reject(
                    row_number, self.column.get("item", ""), "item", "item", mask_unknown(item)
                )
            )
            return
        field, party = found
        if empty_after:
            group.rejects.append(self.reject(row_number, after_header, field, "value"))
            return
        if self.after_is_text:  # 批改内容 holding the whole 批文 rather than the new value
            try:
                wording = parse_wording(cell_text(after), self.vocabulary)
            except ValidationError:
                pass
            else:
                self.read_wording(group, row_number, cell_text(after), wording=wording)
                return
        before_header = self.column.get("before", "")
        group.items.append(
            _Item(
                row=row_number,
                column=after_header,
                field=field,
                party=party,
                after=after,
                before=row.get(before_header) if before_header else None,
                before_column=before_header,
            )
        )

    def read_wording(
        self, group: _Pending, row_number: int, text: str, *, wording: Wording | None = None
    ) -> None:
        column = self.column.get("text") or self.column["after"]
        if wording is None:
            try:
                wording = parse_wording(text, self.vocabulary)
            except ValidationError as error:
                group.rejects.append(Reject.from_error(row_number, column, "wording", error))
                return
        group.wording = True
        group.cancellation = group.cancellation or wording.cancellation
        if wording.effective is not None:
            group.wording_dates.append((row_number, wording.effective))
        group.items.extend(
            _Item(
                row=row_number,
                column=column,
                field=change.field,
                party=wording.party,
                after=change.after,
                before=change.before,
                before_column=column,
            )
            for change in wording.changes
        )

    # helpers

    def reject(self, row: int, column: str, field: str, what: str, shown: str = "") -> Reject:
        """A reject of this module's own (`_MESSAGES`)."""
        en, zh = _MESSAGES[what]
        return Reject(
            row=row,
            column=column,
            field=field,
            code="endorsement.item" if what == "no_item" else f"endorsement.{what}",
            message=en,
            message_zh=zh,
            masked_value=shown,
        )

    def conflict(self, row: int, field: str, value: object, what: str) -> Reject:
        shown = mask_field(field, value) if field in FIELDS else mask_unknown(cell_text(value))
        column = self.column.get(field) or self.mapped_column(field)
        return Reject.from_error(row, column, field, _conflict(field, shown, what))

    def items_validator(self, headers: tuple[str, ...]) -> RowValidator:
        validator = self.validators.get(headers)
        if validator is None:
            if len(self.validators) >= _VALIDATORS_MAX:
                self.validators.clear()
            validator = RowValidator(map_headers(headers), all_columns=True)
            self.validators[headers] = validator
        return validator

    def write(self, item: Reject) -> None:
        self.codes[item.code] += 1
        self.counts["written"] += 1
        if self.writer is not None:
            line = item.as_row()
            self.writer.writerow(line if self.sheet is None else (*line, self.sheet))

    # applying

    def finish(self) -> None:
        while self.open:
            self.flush(self.open.popitem(last=False)[1])

    def refuse(self, group: _Pending, rejects: Iterable[Reject]) -> None:
        """Reject a whole endorsement: its bad rows with their codes, its other rows as
        ``endorsement.incomplete``."""
        self.counts["rejected"] += 1
        seen: set[int] = set()
        for item in rejects:
            seen.add(item.row)
            self.write(item)
        for row in dict.fromkeys(group.rows):
            if row not in seen:
                self.write(self.reject(row, "", "", "incomplete"))

    def flush(self, group: _Pending) -> None:
        self.counts["endorsements"] += 1
        if group.rejects:
            self.refuse(group, group.rejects)
            return
        rejects: list[Reject] = []
        values = dict(group.values)
        policy = group.policy
        checked = self.items_validator(("policy_no",))(group.policy_row, {"policy_no": policy})
        rejects.extend(attrs.evolve(r, column=self.policy_column) for r in checked.rejects)
        policy = checked.values.get("policy_no", policy)
        befores = self.read_items(group, values, rejects)
        for field, number in group.more:  # apply_endorsement takes a field's numbers together
            known = values.get(field)
            values[field] = (
                *(known if isinstance(known, tuple) else (known,) * bool(known)),
                number,
            )
        kind = self.kind(group, rejects)
        effective = self.effective_of(group, rejects)
        if rejects:
            self.refuse(group, rejects)
            return
        warnings: list[Reject] = []
        holder = any(item.party == HOLDER for item in group.items)
        if befores and self.check_before and effective is not None and not holder:
            warnings = self.compare(str(policy), effective, befores)
        try:
            result = apply_endorsement(
                self.service,
                str(policy or ""),
                number=group.number,
                effective=effective if effective is not None else "",
                kind=kind,
                changes=values,
                operator=group.operator or self.operator,
            )
        except ValidationError as error:
            self.refuse(group, [self.error_reject(group, error)])
            return
        if result.outcome is Outcome.REJECTED:
            failure = result.error
            self.refuse(
                group,
                [Reject.from_error(group.rows[0], "", "source_ref", failure)] if failure else [],
            )
            return
        if group.wording:
            self.counts["from_wording"] += 1
        if result.outcome is Outcome.DUPLICATE:
            self.counts["duplicates"] += 1
            return
        self.counts["applied"] += 1
        self.counts["out_of_order"] += result.out_of_order
        self.counts["kept"] += len(result.kept_apart)
        self.counts["parts"] += result.part
        self.kinds[result.kind.value] += 1
        for warning in warnings:
            self.counts["warnings"] += 1
            self.write(warning)

    def read_items(
        self, group: _Pending, values: dict[str, Any], rejects: list[Reject]
    ) -> dict[str, tuple[_Item, Any]]:
        """Validate the group's items into ``values``; returns each field's item and its
        validated old value (批改前), where one is given and valid."""
        if not group.items:
            return {}
        parties = {item.party for item in group.items}
        if len(parties) > 1:
            first = next(i for i in group.items if i.party == HOLDER)
            rejects.append(self.reject(first.row, first.column, first.field, "party"))
            return {}
        by_field: dict[str, _Item] = {}
        for item in group.items:
            known = by_field.get(item.field)
            if known is None:
                by_field[item.field] = item
            elif not _same(known.after, item.after):
                rejects.append(self.conflict(item.row, item.field, item.after, "two new values"))
        headers = tuple(by_field)
        checked = self.items_validator(headers)(by_field[headers[0]].row, {
            field: item.after for field, item in by_field.items()
        })  # fmt: skip
        for bad in checked.rejects:
            item = by_field.get(bad.column) or by_field[headers[0]]
            rejects.append(attrs.evolve(bad, row=item.row, column=item.column))
        group.more += map(_further, checked.more)
        for field, value in checked.values.items():
            known_value = values.get(field)
            if known_value is not None and known_value != value:
                item = by_field.get(field) or by_field[headers[0]]
                rejects.append(self.conflict(item.row, field, value, "two new values"))
            values[field] = value
        olds = {f: i.before for f, i in by_field.items() if not is_empty_cell(cell_text(i.before))}
        if not olds:
            return {}
        previous = self.items_validator(tuple(olds))(0, olds)
        found: dict[str, tuple[_Item, Any]] = {}
        for field, value in previous.values.items():
            named = by_field.get(field)
            if named is None and field in PHONE_FIELDS:
                named = by_field.get(PHONE)
            if named is not None:
                found[field] = (named, value)
        return found

    def kind(self, group: _Pending, rejects: list[Reject]) -> str | EndorsementKind | None:
        texts = list(dict.fromkeys(text for _, text in group.kinds))
        kinds: list[EndorsementKind] = []
        for row, text in group.kinds:
            try:
                kinds.append(endorsement_kind(text))
            except ValidationError as error:
                rejects.append(Reject.from_error(row, self.column.get("kind", ""), "kind", error))
                return None
        distinct = set(kinds)
        if len(distinct) > 1:
            row = group.kinds[-1][0]
            rejects.append(self.conflict(row, "kind", texts[-1], "two kinds"))
            return None
        given = kinds[0] if kinds else None
        holder = any(item.party == HOLDER for item in group.items)
        wanted = (
            EndorsementKind.CANCELLATION
            if group.cancellation
            else EndorsementKind.HOLDER
            if holder
            else None
        )
        if wanted is not None and given is not None and given is not wanted:
            row = group.kinds[-1][0]
            rejects.append(self.conflict(row, "kind", texts[-1], "a kind unlike the text's"))
            return None
        return given or wanted

    def effective_of(self, group: _Pending, rejects: list[Reject]) -> dt.date | None:
        days: dict[dt.date, int] = {}
        column = self.column.get("effective", "")
        for row, cell in group.effective:
            try:
                days.setdefault(_effective(cell), row)
            except ValidationError as error:
                rejects.append(Reject.from_error(row, column, "effective", error))
                return None
        if not days:
            for row, day in group.wording_dates:
                days.setdefault(day, row)
            column = self.column.get("text", column)
        if len(days) > 1:
            row = max(days.values())
            rejects.append(self.conflict(row, "effective", "", "two effective dates"))
            return None
        return next(iter(days), None)

    def error_reject(self, group: _Pending, error: ValidationError) -> Reject:
        field = error.field or ""
        column = self.column.get(field, "")
        if field == "effective" and not column and group.wording:
            column = self.column.get("text", "")  # the text gave no date
        row = group.rows[0]
        item = next((i for i in group.items if i.field == field), None)
        if item is not None:
            row, column = item.row, item.column
        elif field in group.value_rows:
            row, column = group.value_rows[field]
        elif not column:
            column = self.mapped_column(field)
        return Reject.from_error(row, column, field, error)

    def compare(
        self, policy: str, day: dt.date, befores: Mapping[str, tuple[_Item, Any]]
    ) -> list[Reject]:
        """Warnings for the old values (批改前) unlike the store's before ``day``."""
        held = _held_before(self.service, policy, _midnight(day), set(befores))
        warnings = []
        for field, (item, value) in befores.items():
            known = held.get("phones" if field in PHONE_FIELDS else field)
            if not known or value in known:
                continue
            warnings.append(
                self.reject(
                    item.row, item.before_column, field, "before_mismatch", mask_field(field, value)
                )
            )
        return warnings


def _held_before(
    service: Service, policy: str, at: dt.datetime, fields: set[str]
) -> dict[str, set[Any]]:
    """The newest value of each of ``fields`` the policy's insured was observed with before
    ``at`` (a vehicle field: on that policy), and every phone number seen by then."""
    try:
        base = service.policy(policy)
    except NotFoundError:
        return {}
    insured = current_insured(service, base)
    if insured is None:
        return {}
    newest: dict[str, tuple[dt.datetime, Any]] = {}
    phones: set[Any] = set()
    for record in service.observations(insured):
        seen = record.provenance.observed_at
        if seen >= at:
            continue
        for field in fields:
            if field in PHONE_FIELDS:
                continue
            value = getattr(record, field, None)
            if value is None or (field in _VEHICLE and record.policy_no != policy):
                continue
            if field not in newest or newest[field][0] <= seen:
                newest[field] = (seen, value)
        phones.update(v for f in PHONE_FIELDS if (v := getattr(record, f)) is not None)
    held = {field: {value} for field, (_, value) in newest.items()}
    if fields & set(PHONE_FIELDS):
        held["phones"] = phones
    return held


def _detect(
    own: dict[str, str], rows: Iterator[tuple[int, Row]], vocabulary: Vocabulary, name: str
) -> tuple[str, list[tuple[int, Row]]]:
    """The shape of a file from its columns (and its first rows' items): ``wide`` or
    ``long`` (``wording`` is told later, from the mapped columns); the rows peeked at."""
    roles = {role: header for header, role in own.items()}
    if "after" in roles:
        if "item" not in roles:
            raise TableFormatError(
                f"{name}: the file has new values (批改后) but no column naming the changed item "
                "(批改项目, 变更项目, 批改字段).",
                code="endorsement.no_item_column",
                message_zh=f"{name}：文件有批改后的值，但没有批改项目（变更项目、批改字段）列。",
            )
        return "long", []
    if "item" not in roles:
        return "wide", []
    peeked: list[tuple[int, Row]] = []
    for pair in rows:
        peeked.append(pair)
        if len(peeked) >= _PEEK:
            break
    names = [cell_text(row.get(roles["item"])).strip() for _, row in peeked]
    names = [n for n in names if n]
    fields = 0
    for item in names:
        try:
            fields += vocabulary.item(item) is not None
        except ValidationError:
            fields += 1
    if names and 2 * fields > len(names):
        if "text" not in roles:
            raise TableFormatError(
                f"{name}: the file names changed items (批改项目) but has no column of their "
                "new values (批改后, 变更后, 新值).",
                code="endorsement.no_new_value",
                message_zh=f"{name}：文件有批改项目列，但没有批改后（变更后、新值）的列。",
            )
        own[roles["text"]] = "after"  # 批改项目 + 批改内容: the content is the new value
        return "long", peeked
    if "kind" not in roles:  # 批改项目 holding kinds (地址变更, 退保): the kind column
        own[roles["item"]] = "kind"
    else:
        del own[roles["item"]]
    return "wide", peeked


def import_endorsements(
    target: Service | Store,
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | Sequence[str] | None = None,
    delimiter: str | None = None,
    header_row: int | None = None,
    mapping: Mapping[str, object] | None = None,
    rejects: str | Path | None = None,
    operator: str | None = None,
    window: int = WINDOW,
    check_before: bool = True,
) -> EndorsementSummary:
    """Apply every endorsement of a file, in any of the three shapes (module description).

    **Wide**: 保单号, 批单号, 批改类型, 批改生效日期 and the new values under their usual
    headers (客户地址, 车牌号, 车架号, 被保险人, 身份证号, 移动电话, 联系电话 …). **Long**: 保单号,
    批单号, 批改项目, 批改前, 批改后, 批改生效日期, one row per changed item. **Wording**: 保单号,
    批单号 and the 批文 (or 批改内容), read by `custmaster.workflows.endorsement_wording`; its
    effective date counts when the file has no 批改生效日期 column or the row's cell is
    empty. ``mapping`` maps the new values' headers, and the items of a long file or a text,
    to fields (``{"车主": "name"}``; ``{"使用性质": null}`` leaves an item out).

    The header is the row of the first 20 with the most known columns (a title line above it
    is skipped). A workbook's every sheet of endorsements is read (a month a sheet), each by
    its own header and in its own shape, unless ``sheet`` names one or several; notes and
    cover sheets are skipped (`custmaster.workflows.reading`). An endorsement whose rows are on
    two sheets is completed as a further part, as rows further apart than ``window`` are. The
    rejects file of a workbook has a last column, ``sheet``.

    The rows of one endorsement (policy and 批单号) are applied together, in the order their
    first rows come; they need not be adjacent: up to ``window`` endorsements are kept open
    while reading (bounded memory), and rows of one further apart complete it in the store
    as a further part (see `apply_endorsement`), never applying a field twice. An endorsement
    with a bad row is rejected whole: each bad row with its code, its other rows as
    ``endorsement.incomplete``, in ``rejects`` (the columns of every rejects file).

    With ``check_before`` each old value (批改前, or the text's ``由X``) is compared with the
    newest value the policy's insured (a vehicle field: the policy) was observed with before
    the effective date; a different one is a warning (``endorsement.before_mismatch``, in the
    rejects file, `EndorsementSummary.warnings`), never a reason to reject: the core system's
    endorsement is the later word.

    Raises `custmaster.workflows.reading.TableFormatError` when the file has no policy number
    column, or neither an effective date nor a text column (``endorsement.no_columns``), names
    items without a column of their new values (``endorsement.no_new_value``) or has new values
    without a column naming their items (``endorsement.no_item_column``).
    """
    service = as_service(target)
    path = Path(path)
    vocabulary = Vocabulary(mapping)
    handle = None
    rejects_path = Path(rejects) if rejects is not None else None

    def score(headers: tuple[str, ...]) -> int:
        return map_headers(headers, mapping).score() + len(_endorsement_columns(headers))

    if sheet is None or isinstance(sheet, str):
        names: list[str | None] = [sheet]
        if sheet is None and header_row is None:  # a workbook's every sheet of endorsements
            with open_table(
                path, encoding=encoding, delimiter=delimiter, header_score=score
            ) as probe:
                names = list(probe.sheet_names) or [probe.sheet]
    else:
        names = list(sheet)
    runs: list[_Run] = []
    shapes: list[str] = []
    try:
        if rejects_path is not None:
            handle = rejects_path.open("w", encoding="utf-8-sig", newline="")
        writer = csv.writer(handle, lineterminator="\r\n") if handle is not None else None
        for name in names:
            with open_table(
                path,
                encoding=encoding,
                sheet=name,
                delimiter=delimiter,
                header_row=header_row,
                header_score=score if header_row is None else None,
            ) as table:
                if writer is not None and not runs:
                    workbook = table.sheet is not None
                    writer.writerow((*REJECT_COLUMNS, "sheet") if workbook else REJECT_COLUMNS)
                run, shape = _read_sheet(
                    service,
                    path,
                    table,
                    mapping,
                    vocabulary,
                    operator=operator,
                    window=window,
                    check_before=check_before,
                    writer=writer,
                )
                runs.append(run)
                shapes.append(shape)
    finally:
        if handle is not None:
            handle.close()
    counts = sum((r.counts for r in runs), collections.Counter[str]())
    kinds = sum((r.kinds for r in runs), collections.Counter[str]())
    codes = sum((r.codes for r in runs), collections.Counter[str]())
    return EndorsementSummary(
        path=path,
        rows=sum(r.rows for r in runs),
        applied=counts["applied"],
        duplicates=counts["duplicates"],
        rejected=counts["rejected"],
        out_of_order=counts["out_of_order"],
        kinds=tuple(sorted(kinds.items())),
        kept_apart=counts["kept"],
        rejects=counts["written"],
        codes=tuple(sorted(codes.items(), key=lambda item: (-item[1], item[0]))),
        rejects_path=rejects_path,
        shape="+".join(dict.fromkeys(shapes)),
        endorsements=counts["endorsements"],
        from_wording=counts["from_wording"],
        warnings=counts["warnings"],
        parts=counts["parts"],
        sheets=tuple(r.sheet for r in runs if r.sheet is not None),
    )


def _read_sheet(
    service: Service,
    path: Path,
    table: Table,
    mapping: Mapping[str, object] | None,
    vocabulary: Vocabulary,
    *,
    operator: str | None,
    window: int,
    check_before: bool,
    writer: Any,
) -> tuple[_Run, str]:
    """Apply the endorsements of one table (a CSV file, or one sheet of a workbook): its run
    (counts) and the shape it was read in."""
    own = _endorsement_columns(table.headers)
    rows = iter(table)
    shape, peeked = _detect(own, rows, vocabulary, path.name)
    field_mapping: dict[str, object] = dict(mapping or {})
    for header in own:
        field_mapping[header] = None
    header_map = map_headers(table.headers, field_mapping)
    roles = set(own.values())
    where = path.name if table.sheet is None else f"{path.name} ({table.sheet})"
    if "policy_no" not in header_map.fields or not roles & {"effective", "text"}:
        raise TableFormatError(
            f"{where}: an endorsement file needs a policy number (保单号) and an "
            "effective date (批改生效日期) or endorsement text (批文) column.",
            code="endorsement.no_columns",
            message_zh=f"{where}：批改文件须有保单号列，以及批改生效日期列或批文列。",
        )
    changes = [f for f in header_map.fields if f not in (None, "policy_no")]
    if shape == "wide" and "text" in roles and not changes and not header_map.phones:
        shape = "wording"
    run = _Run(
        service,
        path,
        own=own,
        header_map=header_map,
        shape=shape,
        vocabulary=vocabulary,
        operator=operator,
        window=window,
        check_before=check_before,
        writer=writer,
        sheet=table.sheet,
    )
    for row_number, row in itertools.chain(peeked, rows):
        if not is_numbered_blank(row):  # a template's numbered empty line: no endorsement
            run.read(row_number, row)
    run.finish()
    return run, shape
