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
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from custmaster.errors import InvalidComponent, NotFoundError, ValidationError
from custmaster.model.policy import Endorsement, EndorsementKind, PolicyRole
from custmaster.model.provenance import Channel, Provenance
from custmaster.model.source import FIELDS, SourceRecord
from custmaster.resolve.candidates import PairStatus, Reason
from custmaster.service import Service, as_service
from custmaster.store.base import Outcome, Store
from custmaster.validate._mask import mask_unknown
from custmaster.workflows.core_import import parse_time
from custmaster.workflows.headers import map_headers, normalise_header
from custmaster.workflows.policies import (
    current_insured,
    endorsement_text,
    meta_key,
    meta_value,
    parse_endorsement,
)
from custmaster.workflows.reading import TableFormatError, open_table
from custmaster.workflows.validation import REJECT_COLUMNS, Reject, RowValidator, cell_text

__all__ = [
    "ENDORSEMENT_HEADERS",
    "ERROR_CODES",
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
}

#: Header spellings of the endorsement's own columns.
ENDORSEMENT_HEADERS: Mapping[str, tuple[str, ...]] = {
    "number": ("批单号", "批改单号", "批单号码", "批改申请号", "批改序号", "endorsement_no"),
    "kind": ("批改类型", "批改项目", "批改原因", "批改内容类型", "endorsement_kind"),
    "effective": ("批改生效日期", "生效日期", "批改生效时间", "批改日期", "effective"),
    "operator": ("操作员", "经办人", "批改人", "operator"),
}

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
    values; they are validated). ``kind`` defaults to what the changed fields suggest.
    Raises `custmaster.ValidationError` for a bad value or kind (nothing is applied then).
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
    at = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    ref = f"{policy}#{endorsement.number}"
    facts = dict(extra or {})
    facts[meta_key("endorsements", policy)] = endorsement_text(endorsement)
    if endorsement_type is EndorsementKind.CANCELLATION:
        facts[meta_key("status", policy)] = "cancelled"
    if endorsement_type is EndorsementKind.HOLDER:
        values.setdefault("role", PolicyRole.HOLDER)
    try:
        before = service.policy(policy)
    except NotFoundError:
        before = None
    previous = current_insured(service, before) if before is not None else None
    latest = _latest_effective(service, previous, policy)
    out_of_order = latest is not None and latest > day
    kept: list[str] = []
    with service.transaction():
        if endorsement_type is EndorsementKind.INSURED:
            values.setdefault("role", PolicyRole.INSURED)
            facts[meta_key("insured_since", policy)] = day.isoformat()
            if previous is not None:
                _mark_former_insured(
                    service,
                    policy,
                    former=previous,
                    endorsement=endorsement,
                    at=at,
                    operator=operator,
                )
        record = _record(policy, ref, at=at, operator=operator, values=values, extra=facts)
        result = service.ingest_one(record)
        if endorsement_type is EndorsementKind.INSURED and result.customer_id is not None:
            kept = _keep_apart(service, result.customer_id, previous, policy, endorsement)
    return EndorsementResult(
        policy_no=policy,
        number=endorsement.number,
        kind=endorsement_type,
        effective=day,
        outcome=result.outcome,
        customer_id=result.customer_id,
        out_of_order=out_of_order and result.outcome is not Outcome.DUPLICATE,
        kept_apart=tuple(kept),
        error=result.error,
    )


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
    """What `import_endorsements` did."""

    path: Path
    rows: int
    applied: int
    duplicates: int
    rejected: int
    #: Rows applied although a later-effective endorsement of the policy was already in.
    out_of_order: int
    #: Rows per endorsement kind applied.
    kinds: tuple[tuple[str, int], ...]
    #: Candidate pairs decided keep-apart because an insured changed.
    kept_apart: int
    rejects: int
    codes: tuple[tuple[str, int], ...]
    rejects_path: Path | None


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


def import_endorsements(
    target: Service | Store,
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    delimiter: str | None = None,
    header_row: int | None = None,
    mapping: Mapping[str, object] | None = None,
    rejects: str | Path | None = None,
    operator: str | None = None,
) -> EndorsementSummary:
    """Apply every endorsement of a file: 保单号, 批单号, 批改类型, 批改生效日期 and the new values
    under their usual headers (客户地址, 车牌号, 车架号, 被保险人, 身份证号, 移动电话 …).

    Rows are applied in file order; their effective dates order the result. A bad row is
    written to ``rejects`` (same columns as every rejects file) and skipped.
    """
    service = as_service(target)
    path = Path(path)
    counts = {"applied": 0, "duplicates": 0, "rejected": 0, "out_of_order": 0, "kept": 0}
    kinds: dict[str, int] = {}
    codes: dict[str, int] = {}
    written = 0
    rows = 0
    handle = None
    writer: Any = None
    rejects_path = Path(rejects) if rejects is not None else None

    def reject(item: Reject) -> None:
        nonlocal written
        written += 1
        codes[item.code] = codes.get(item.code, 0) + 1
        if writer is not None:
            writer.writerow(item.as_row())

    with open_table(
        path, encoding=encoding, sheet=sheet, delimiter=delimiter, header_row=header_row
    ) as table:
        own = _endorsement_columns(table.headers)
        field_mapping: dict[str, object] = dict(mapping or {})
        for header in own:
            field_mapping[header] = None
        header_map = map_headers(table.headers, field_mapping)
        if "policy_no" not in header_map.fields or "effective" not in own.values():
            raise TableFormatError(
                f"{path.name}: an endorsement file needs a policy number (保单号) and an "
                "effective date (批改生效日期) column.",
                code="endorsement.no_columns",
                message_zh=f"{path.name}：批改文件须有保单号和批改生效日期列。",
            )
        validator = RowValidator(header_map)
        try:
            if rejects_path is not None:
                handle = rejects_path.open("w", encoding="utf-8-sig", newline="")
                writer = csv.writer(handle, lineterminator="\r\n")
                writer.writerow(REJECT_COLUMNS)
            for row_number, row in table:
                rows += 1
                checked = validator(row_number, row)
                if checked.rejects:
                    counts["rejected"] += 1
                    for item in checked.rejects:
                        reject(item)
                    continue
                own_values = {
                    field: cell_text(row.get(header)).strip() for header, field in own.items()
                }
                effective_cell = next(
                    (row.get(h) for h, f in own.items() if f == "effective"), None
                )
                values = dict(checked.values)
                policy_no = values.pop("policy_no", None)
                try:
                    result = apply_endorsement(
                        service,
                        str(policy_no or ""),
                        number=own_values.get("number") or f"{path.stem}-{row_number}",
                        effective=effective_cell if effective_cell is not None else "",
                        kind=own_values.get("kind") or None,
                        changes=values,
                        operator=own_values.get("operator") or operator,
                    )
                except ValidationError as error:
                    counts["rejected"] += 1
                    column = next(
                        (h for h, f in own.items() if f == error.field),
                        next((h for h, f in header_map.mapped if f == error.field), ""),
                    )
                    reject(Reject.from_error(row_number, column, error.field or "", error))
                    continue
                if result.outcome is Outcome.REJECTED:
                    counts["rejected"] += 1
                    if result.error is not None:
                        reject(Reject.from_error(row_number, "", "source_ref", result.error))
                    continue
                if result.outcome is Outcome.DUPLICATE:
                    counts["duplicates"] += 1
                    continue
                counts["applied"] += 1
                counts["out_of_order"] += result.out_of_order
                counts["kept"] += len(result.kept_apart)
                kinds[result.kind.value] = kinds.get(result.kind.value, 0) + 1
        finally:
            if handle is not None:
                handle.close()
    return EndorsementSummary(
        path=path,
        rows=rows,
        applied=counts["applied"],
        duplicates=counts["duplicates"],
        rejected=counts["rejected"],
        out_of_order=counts["out_of_order"],
        kinds=tuple(sorted(kinds.items())),
        kept_apart=counts["kept"],
        rejects=written,
        codes=tuple(sorted(codes.items(), key=lambda item: (-item[1], item[0]))),
        rejects_path=rejects_path,
    )
