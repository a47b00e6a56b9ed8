"""Call-back results (回访): each call becomes a contact event; wrong numbers are flagged.

A call-back result names a phone number, an outcome (接通 reached, 错号 wrong number, 空号
number does not exist, 无人接听 no answer, 拒接 refused …), a time and an operator.
`record_callback` turns it into a `custmaster.model.ContactEvent` of the ``callback`` channel
**for every customer who has that number** (a family's shared phone, a number that moved on
to someone else), and for the customers of the policy the row names, if any. Recording a
result needs the ``entry`` permission, and flagging a number wrong ``modify``
(`custmaster.privacy.access`).

A number found wrong (错号, 空号) is kept, never deleted, but flagged: it leaves every callable
list (`custmaster.Customer.callable_contacts`) and every export (`custmaster.workflows.renewals`)
for all those customers, until a *later* call-back reaches someone on it (接通, or 拒接: the
customer answered). Status is newest-wins per number, so results may arrive in any order. A
customer who brings a flagged number in a later import gets the flag too
(`custmaster.workflows.core_import`).

A do-not-call request (勿扰, 拒绝营销, 要求不再来电: outcome ``do_not_call``) keeps the number, and
shows it reaches its holder, but takes it out of the same lists for everyone who has it — and
a later call that reaches someone on it does not lift it: only an outcome ``consented``
(同意来电) does (`custmaster.merge.engine.combined_status`). A number shown wrong later counts as
wrong.

Each event's id is the call's own id (回访编号) when the file has one, else a digest of the
number, time, outcome and operator, plus ``#<customer id>``: importing the same results twice
records nothing twice.

>>> from custmaster.service import Service
>>> from custmaster.model import Provenance, SourceRecord
>>> service = Service.open("memory://")
>>> for ref, rid, name in (("P1#0", "11010519491231002X", "张伟"),
...                        ("P2#0", "110105198001010024", "李娜")):
...     _ = service.ingest_one(SourceRecord(
...         provenance=Provenance(channel="core_system", source_ref=ref,
...                               observed_at="2026-01-02"),
...         policy_no=ref[:2], resident_id=rid, name=name, mobile="13800138000"))
>>> result = record_callback(service, "138-0013-8000", "错号", at="2026-03-01 10:00",
...                          operator="王芳")
>>> result.customers, result.status
(('C00000001', 'C00000002'), 'wrong')
>>> [len(c.callable_contacts()) for c in service.find(phone="13800138000")]
[0, 0]
>>> is_flagged(service, "13800138000")
True
>>> _ = record_callback(service, "13800138000", "接通", at="2026-04-01 09:00", operator="王芳")
>>> [len(c.callable_contacts()) for c in service.find(phone="13800138000")]
[1, 1]
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from custmaster.errors import InvalidComponent, NotFoundError, ValidationError
from custmaster.model.contact import (
    ContactEvent,
    ContactKind,
    ContactMethod,
    ContactOutcome,
    ContactStatus,
)
from custmaster.model.provenance import Channel
from custmaster.privacy.access import Permission
from custmaster.service import Service, as_service
from custmaster.store.base import Store
from custmaster.validate import phone as phone_module
from custmaster.validate._mask import mask_unknown
from custmaster.workflows.core_import import (
    number_statuses,
    parse_time,
    uncallable_numbers,
    wrong_numbers,
)
from custmaster.workflows.headers import normalise_header
from custmaster.workflows.outcomes import mapped_outcome, read_outcome
from custmaster.workflows.reading import TableFormatError, open_table
from custmaster.workflows.validation import REJECT_COLUMNS, Reject, cell_text, is_numbered_blank

__all__ = [
    "CALLBACK_HEADERS",
    "ERROR_CODES",
    "CallbackResult",
    "CallbackSummary",
    "import_callbacks",
    "is_flagged",
    "parse_outcome",
    "record_callback",
    "wrong_numbers",
]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "callback.number": "A call-back row has no phone number.",
    "callback.time": "A call-back row has no time (回访时间).",
    "callback.id": "A call-back id is not 1-48 ASCII letters, digits or _ . / : -.",
    "callback.no_columns": "A call-back file lacks the number, outcome or time column.",
}

#: Header spellings of a call-back file's columns.
CALLBACK_HEADERS: Mapping[str, tuple[str, ...]] = {
    "number": (
        "电话号码",
        "回访号码",
        "勿扰号码",
        "黑名单号码",
        "回访电话",
        "号码",
        "联系电话",
        "手机号码",
        "移动电话",
        "被叫号码",
        "客户电话",
        "拨打号码",
        "外呼号码",
        "number",
    ),
    "outcome": (
        "回访结果",
        "结果",
        "通话结果",
        "回访状态",
        "呼叫结果",
        "外呼结果",
        "接通情况",
        "outcome",
    ),
    "at": (
        "回访时间",
        "通话时间",
        "回访日期",
        "时间",
        "呼叫时间",
        "外呼时间",
        "拨打时间",
        "登记时间",
        "登记日期",
        "at",
    ),
    "operator": ("回访人", "回访员", "坐席", "操作员", "坐席工号", "座席", "回访坐席", "operator"),
    "note": ("备注", "回访备注", "说明", "note"),
    "policy_no": ("保单号", "保单号码", "policy_no"),
    "id": ("回访编号", "通话编号", "回访流水号", "id"),
    "method": ("回访方式", "方式", "method"),
}

_MOBILE_PREFIX = "+861"


def parse_outcome(
    value: object, *, outcomes: Mapping[str, ContactOutcome | str] | None = None
) -> ContactOutcome:
    """An outcome as call-back systems write it: an alias of `custmaster.model.ContactOutcome`
    (接通, 错号, 空号, 无人接听 …) or a status with its detail or a remark (``已接通-本人``,
    ``回访失败-空号``, ``接通，客户拒绝``), read by `custmaster.workflows.outcomes.read_outcome`;
    ``outcomes`` maps the caller's own texts first.

    >>> parse_outcome("错号").value, parse_outcome("号码不存在").value
    ('wrong_number', 'invalid')
    >>> parse_outcome("未接通（关机）").value
    'switched_off'
    """
    return read_outcome(value, outcomes=outcomes)


def _kind_for(number: str) -> ContactKind:
    return ContactKind.MOBILE if number.startswith(_MOBILE_PREFIX) else ContactKind.HOME


def _event_id(given: str | None, number: str, at: dt.datetime, outcome: str, who: str) -> str:
    if given:
        text = given.strip()
        if not text or len(text) > 48 or not text.isascii() or "#" in text:
            raise InvalidComponent(
                "A call-back id is 1-48 ASCII letters, digits or _ . / : -.",
                code="callback.id",
                field="id",
                masked_value=mask_unknown(text),
                message_zh="回访编号须为 1-48 位 ASCII 字母、数字或 _ . / : -。",
            )
        return text
    digest = hashlib.sha1(f"{number}|{at.isoformat()}|{outcome}|{who}".encode()).hexdigest()
    return f"CB-{digest[:20]}"


@attrs.frozen
class CallbackResult:
    """What one call-back result did."""

    #: The customers the event was recorded for.
    customers: tuple[str, ...]
    #: Events newly recorded (0 when the result was imported before).
    added: int
    #: The number's status after this result: ``wrong``, ``reached`` or ``unverified``.
    status: str
    outcome: ContactOutcome


def record_callback(
    target: Service | Store,
    number: str,
    outcome: ContactOutcome | str,
    *,
    at: dt.datetime | dt.date | str,
    operator: str | None = None,
    note: str | None = None,
    policy_no: str | None = None,
    event_id: str | None = None,
    method: ContactMethod | str = ContactMethod.CALL,
    outcomes: Mapping[str, ContactOutcome | str] | None = None,
) -> CallbackResult:
    """Record one call-back result for every customer who has ``number`` (and the customers
    of ``policy_no``), except customers whose processing is restricted. ``outcome`` is read
    by `parse_outcome` (``outcomes``: the caller's own texts). Raises
    `custmaster.ValidationError` for a bad number, outcome or time."""
    service = as_service(target)
    try:
        value = phone_module.validate(number)
    except ValidationError as error:
        raise error.for_field("number") from None
    result = parse_outcome(outcome, outcomes=outcomes)
    service.require(Permission.ENTRY)
    if result.implied_status is ContactStatus.WRONG:
        service.require(Permission.MODIFY)
    when = parse_time(at, field="at")
    who = service.by(operator) if (operator or service.user) else ""
    base = _event_id(event_id, value, when, result.value, who)
    holders = {c.id: c for c in service.find(phone=value)}
    if policy_no:
        try:
            for customer in service.find(policy_no=policy_no):
                holders.setdefault(customer.id, customer)
        except (NotFoundError, ValidationError):
            pass
    for customer_id in list(holders):
        restriction = service.restriction(customer_id)
        if restriction is not None and restriction.active:
            del holders[customer_id]  # kept, not processed (PIPL Art. 47)
    added = 0
    with service.transaction():
        for customer_id in sorted(holders):
            point = next((p for p in holders[customer_id].contact_points if p.value == value), None)
            kind = point.kind if point is not None and point.kind.is_phone else _kind_for(value)
            event = ContactEvent(
                id=f"{base}#{customer_id}",
                at=when,
                channel=Channel.CALLBACK,
                method=method,
                contact_kind=kind,
                contact_value=value,
                outcome=result,
                operator=who or None,
                note=note,
            )
            known = {e.id for e in service.events(customer_id)}
            if event.id not in known:
                service.add_event(customer_id, event)
                added += 1
    ids = tuple(sorted(holders))
    return CallbackResult(
        customers=ids, added=added, status=_status(service, value, ids), outcome=result
    )


def _status(service: Service, number: str, holders: tuple[str, ...] | None = None) -> str:
    """The number's status (reached, wrong, do_not_call or unverified): as the state of its
    first holder has it (every holder gets the same events), or from all events about it when
    no holder is given."""
    if holders:
        state = service.state(holders[0])
        if state is not None:
            verdict = state.status("mobile", number)
            return verdict.status if verdict is not None else "unverified"
        events = [e for e in service.events(holders[0]) if e.contact_value == number]
    elif holders is None:
        events = service.events(contact=number)
    else:
        return "unverified"
    found = number_statuses(events).get(number)
    return found[0] if found is not None else "unverified"


def is_flagged(target: Service | Store, number: str) -> bool:
    """Whether the newest verdict on ``number`` (any spelling) over all customers is wrong."""
    service = as_service(target)
    return _status(service, phone_module.validate(number)) == "wrong"


@attrs.frozen
class CallbackSummary:
    """What `import_callbacks` did."""

    path: Path
    rows: int
    #: Events newly recorded (one per customer holding the number).
    events: int
    #: Rows whose number no customer has (and no policy named): nothing recorded.
    unmatched: int
    rejected: int
    #: Distinct numbers of the file flagged wrong after the import.
    flagged: int
    #: Distinct numbers of the file that were wrong before and are reached now.
    cleared: int
    customers: int
    rejects: int
    codes: tuple[tuple[str, int], ...]
    rejects_path: Path | None
    #: Distinct numbers of the file under a do-not-call request (勿扰) after the import.
    do_not_call: int = 0


def _columns(headers: tuple[str, ...], mapping: Mapping[str, object] | None) -> dict[str, str]:
    index = {
        normalise_header(name): field for field, names in CALLBACK_HEADERS.items() for name in names
    }
    user = {normalise_header(k): v for k, v in (mapping or {}).items()}
    found: dict[str, str] = {}
    for header in headers:
        key = normalise_header(header)
        field = user[key] if key in user else index.get(key)
        if isinstance(field, str) and field in CALLBACK_HEADERS and field not in found.values():
            found[header] = field
    return found


def _needed_columns(
    path: Path,
    headers: tuple[str, ...],
    mapping: Mapping[str, object] | None,
    given: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """The call-back columns of a file's first header; raises when the number, outcome or
    time lacks and the caller gives no value for all rows (``given``: ``outcome``, ``at``):
    the file is then no call-back file."""
    columns = _columns(headers, mapping)
    if not {"number", "outcome", "at"} - given <= set(columns.values()):
        raise TableFormatError(
            f"{path.name}: a call-back file needs a number (电话号码), an outcome (回访结果) "
            "and a time (回访时间) column; pass a mapping for other headers.",
            code="callback.no_columns",
            message_zh=f"{path.name}：回访文件须有电话号码、回访结果和回访时间列。",
        )
    return columns


def import_callbacks(
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
    outcomes: Mapping[str, ContactOutcome | str] | None = None,
    outcome: ContactOutcome | str | None = None,
    at: dt.datetime | dt.date | str | None = None,
) -> CallbackSummary:
    """Record every call-back result of a file (电话号码, 回访结果, 回访时间, 回访人, 备注,
    optionally 保单号 and 回访编号); bad rows go to ``rejects``.

    ``outcome`` and ``at`` are the outcome and time of rows without one (no such column, or
    an empty cell): a list of numbers that all mean one thing, such as a do-not-call list
    (勿扰名单, 黑名单: ``outcome="do_not_call"``, ``at`` the list's date), is recorded so.

    ``mapping`` maps headers to the column names of `CALLBACK_HEADERS` (``number``,
    ``outcome``, ``at``, ``operator``, ``note``, ``policy_no``, ``id``, ``method``);
    ``outcomes`` maps the file's own outcome texts to outcomes (`parse_outcome`). The header
    is found below title lines; a workbook's every sheet of call-back results is read (a
    month a sheet), each by its own header, unless ``sheet`` names one or several, and its
    rejects file names each row's sheet in a last column.
    """
    for given, meant in (outcomes or {}).items():  # a bad map fails before any row
        mapped_outcome(given, meant)
    default_outcome = None if outcome is None else parse_outcome(outcome, outcomes=outcomes)
    default_at = None if at is None else parse_time(at, field="at")
    defaults = frozenset(
        name for name, value in (("outcome", default_outcome), ("at", default_at)) if value
    )
    service = as_service(target)
    path = Path(path)
    before = set(wrong_numbers(service))
    codes: dict[str, int] = {}
    numbers: set[str] = set()
    customers: set[str] = set()
    rows = events = unmatched = rejected = written = 0
    handle = None
    writer: Any = None
    rejects_path = Path(rejects) if rejects is not None else None

    def reject(item: Reject) -> None:
        nonlocal written
        written += 1
        codes[item.code] = codes.get(item.code, 0) + 1
        if writer is not None:
            line = item.as_row()
            writer.writerow((*line, table.sheet) if table.sheet is not None else line)

    with open_table(
        path,
        encoding=encoding,
        sheet=sheet,
        delimiter=delimiter,
        header_row=header_row,
        header_score=lambda headers: len(_columns(headers, mapping)),
    ) as table:
        columns = _needed_columns(path, table.headers, mapping, defaults)
        header_of = {field: header for header, field in columns.items()}
        workbook = table.sheet is not None
        layout = table.headers
        try:
            if rejects_path is not None:
                handle = rejects_path.open("w", encoding="utf-8-sig", newline="")
                writer = csv.writer(handle, lineterminator="\r\n")
                writer.writerow((*REJECT_COLUMNS, "sheet") if workbook else REJECT_COLUMNS)
            for row_number, row in table:
                if table.headers is not layout:  # another sheet, or parts of another layout
                    # (a column it lacks rejects each of its rows: callback.number, .time …)
                    layout = table.headers
                    columns = _columns(layout, mapping)
                    header_of = {field: header for header, field in columns.items()}
                cells: dict[str, Any] = {
                    field: row.get(header) for header, field in columns.items()
                }
                if is_numbered_blank(row):  # a template's numbered empty line (序号 only)
                    continue
                text = {f: cell_text(v).strip() for f, v in cells.items()}
                rows += 1
                if default_at is not None and not text.get("at"):
                    cells["at"], text["at"] = default_at, default_at.isoformat()
                if not text.get("number"):
                    error: ValidationError = InvalidComponent(
                        "A call-back row needs the number called.",
                        code="callback.number",
                        field="number",
                        masked_value="",
                        message_zh="回访记录须有电话号码。",
                    )
                elif not text.get("at"):
                    error = InvalidComponent(
                        "A call-back row needs the time of the call.",
                        code="callback.time",
                        field="at",
                        masked_value="",
                        message_zh="回访记录须有回访时间。",
                    )
                else:
                    try:
                        result = record_callback(
                            service,
                            text["number"],
                            text.get("outcome") or default_outcome or "",
                            at=cells["at"],
                            operator=text.get("operator") or operator,
                            note=text.get("note") or None,
                            policy_no=text.get("policy_no") or None,
                            event_id=text.get("id") or None,
                            method=text.get("method") or ContactMethod.CALL,
                            outcomes=outcomes,
                        )
                    except ValidationError as failure:
                        error = failure
                    else:
                        events += result.added
                        customers.update(result.customers)
                        numbers.add(phone_module.validate(text["number"]))
                        if not result.customers:
                            unmatched += 1
                        continue
                rejected += 1
                field = error.field or ""
                reject(Reject.from_error(row_number, header_of.get(field, ""), field, error))
        finally:
            if handle is not None:
                handle.close()
    # one reading of the events for both: number -> whether it is wrong (else do not call)
    after = {n: e.outcome.consent is None for n, e in uncallable_numbers(service).items()}
    return CallbackSummary(
        path=path,
        rows=rows,
        events=events,
        unmatched=unmatched,
        rejected=rejected,
        flagged=sum(1 for n in numbers if after.get(n) is True),
        cleared=sum(1 for n in numbers if n in before and not after.get(n)),
        customers=len(customers),
        rejects=written,
        codes=tuple(sorted(codes.items(), key=lambda item: (-item[1], item[0]))),
        rejects_path=rejects_path,
        do_not_call=sum(1 for n in numbers if after.get(n) is False),
    )
