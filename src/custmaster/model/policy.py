"""Policies: the line, who plays which role, the cover, the insured vehicle and its endorsements.

A motor policy in China is either compulsory third-party liability (交强险) or commercial
(商业险), usually sold together as two policies. `PolicyLine` has those two built in and is
open to other lines, like `custmaster.model.provenance.Channel`. Each policy names customers
in up to three roles (`PolicyRole`: holder 投保人, insured 被保险人, vehicle owner 车主) by their
customer id; endorsements (批改) are kept in effective-date order.

>>> policy = Policy(
...     policy_no="pdaa202635020000000123", line="交强险",
...     roles={"holder": "C1", "insured": "C1", "owner": "C2"},
...     cover_start="2026-01-06", cover_end="2027-01-05", business_type="续保",
...     renews="PDAA202535020000000077", status="in_force",
...     endorsements=[
...         Endorsement(number="E2", effective="2026-09-01", kind="cancellation"),
...         Endorsement(number="E1", effective="2026-03-01", kind="address",
...                     changed=("address",)),
...     ])
>>> policy.policy_no, policy.line, policy.business_type
('PDAA202635020000000123', PolicyLine('compulsory'), <BusinessType.RENEWAL: 'renewal'>)
>>> [e.number for e in policy.endorsements]
['E1', 'E2']
>>> policy.customer_id("insured"), policy.in_force(on=dt.date(2026, 5, 1))
('C1', True)
>>> policy.in_force(on=dt.date(2026, 9, 1))  # cancelled from that day
False
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import ClassVar

import attrs

from custmaster.errors import InvalidComponent, InvalidFormat
from custmaster.model import _convert
from custmaster.model.provenance import utc_now
from custmaster.model.vehicle import Vehicle
from custmaster.validate._mask import mask_unknown

__all__ = [
    "ERROR_CODES",
    "BusinessType",
    "Endorsement",
    "EndorsementKind",
    "Policy",
    "PolicyLine",
    "PolicyRole",
    "PolicyStatus",
]

#: Every error code this module raises (besides the shared ``model.*`` codes).
ERROR_CODES: dict[str, str] = {
    "policy_line.format": "A policy line is neither a built-in line's name nor a valid code.",
    "policy.cover_order": "The cover of a policy ends before it starts.",
    "policy.renews_self": "A policy names itself as the policy it renews.",
    "policy.renews_business_type": "A policy that is not a renewal names a policy it renews.",
    "policy.endorsement_duplicate": "Two endorsements of a policy have the same number.",
}

_LINE_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")


@attrs.frozen(order=True)
class PolicyLine:
    """A line of business: a stable lower-case code plus a display label.

    The built-in lines are class attributes (``PolicyLine.COMPULSORY``,
    ``PolicyLine.COMMERCIAL``); `PolicyLine.get` also knows their Chinese names. Other lines
    are ``PolicyLine("accident", "驾乘意外险")`` or ``PolicyLine.get("accident")``. Lines compare
    and hash by ``code`` alone, which is also their serialised form.

    >>> PolicyLine.get("商业险"), PolicyLine.get("Compulsory")
    (PolicyLine('commercial'), PolicyLine('compulsory'))
    >>> PolicyLine.get("accident") == PolicyLine("accident", "驾乘意外险")
    True
    """

    code: str = attrs.field()
    label: str = attrs.field(default="", eq=False, order=False)

    COMPULSORY: ClassVar[PolicyLine]
    COMMERCIAL: ClassVar[PolicyLine]

    @code.validator
    def _check_code(self, _attribute: attrs.Attribute[str], value: str) -> None:
        if not isinstance(value, str) or not _LINE_RE.fullmatch(value):
            raise InvalidFormat(
                "A policy line code is 1-40 lower-case ASCII letters, digits or '_', starting "
                "with a letter (or the Chinese name of a built-in line).",
                code="policy_line.format",
                field="line",
                masked_value=mask_unknown(value),
                message_zh=(
                    "险种代码须为 1-40 位小写字母、数字或下划线，以字母开头（或内置险种的中文名）。"
                ),
            )

    @classmethod
    def get(cls, code: str | PolicyLine) -> PolicyLine:
        """The built-in line with this code or Chinese name, or a new line with that code."""
        if isinstance(code, PolicyLine):
            return code
        if isinstance(code, str):
            found = _LINES.get(code) or _LINES.get(code.strip().lower())
            if found is not None:
                return found
            return cls(code.strip().lower())
        return cls(code)

    @classmethod
    def builtins(cls) -> tuple[PolicyLine, ...]:
        """The lines custmaster knows."""
        return (cls.COMPULSORY, cls.COMMERCIAL)

    @classmethod
    def of_number(cls, policy_no: object) -> PolicyLine | None:
        """The line a policy number names by its product code, or None.

        Read where no source states a policy's line (a core extract without 险种 column):
        numbers of the 人保财险 form, ``P`` and the product code (``DZA`` 交强险, ``DAA`` 商业险)
        then the year, name their line. Other numbering schemes name none; their line comes
        from a 险种 column.

        >>> PolicyLine.of_number("PDZA202635020000000102"), PolicyLine.of_number("PDAA2026001")
        (PolicyLine('compulsory'), PolicyLine('commercial'))
        >>> PolicyLine.of_number("10501003900170983727") is None
        True
        """
        if not isinstance(policy_no, str) or len(policy_no) < 8 or not policy_no[4:8].isdigit():
            return None
        return _NUMBER_LINES.get(policy_no[:4].upper())

    def __repr__(self) -> str:
        return f"PolicyLine({self.code!r})"

    def __str__(self) -> str:
        return self.code


#: The Chinese names of the compulsory line, as extracts write them in the 险种 column.
_COMPULSORY_NAMES = (
    "交强险", "交强", "机动车交通事故责任强制保险", "机动车交通事故责任强制险", "机动车交强险",
    "强制险", "交通强制险", "摩托车交强险", "拖拉机交强险",
)  # fmt: skip
#: The Chinese names of the commercial line: the product's names since the 2020 reform
#: (综合商业保险) and for new-energy vehicles (2021), and the names of its covers, which
#: extracts give in the 险种 column.
_COMMERCIAL_NAMES = (
    "商业险", "商业", "机动车商业保险", "机动车商业险", "商业车险", "机动车综合商业保险",
    "新能源汽车商业保险", "摩托车商业保险", "特种车商业保险", "车损险", "机动车损失保险",
    "机动车损失险", "三者险", "第三者责任险", "商业三者险", "机动车第三者责任保险",
    "机动车第三者责任险", "车上人员责任险", "车上人员险", "机动车车上人员责任保险", "盗抢险",
    "全车盗抢险", "划痕险", "车身划痕损失险", "玻璃险", "玻璃单独破碎险", "不计免赔险",
)  # fmt: skip

_LINES: dict[str, PolicyLine] = {}
for _attr, _code, _label, _names in (
    (
        "COMPULSORY",
        "compulsory",
        "交强险 compulsory motor third-party liability",
        _COMPULSORY_NAMES,
    ),
    ("COMMERCIAL", "commercial", "商业险 commercial motor", _COMMERCIAL_NAMES),
):
    _builtin = PolicyLine(_code, _label)
    setattr(PolicyLine, _attr, _builtin)
    _LINES[_code] = _builtin
    for _name in _names:
        _LINES[_name] = _builtin


#: Product codes at the head of a policy number (人保财险's form) and the line each names.
_NUMBER_LINES = {"PDZA": PolicyLine.COMPULSORY, "PDAA": PolicyLine.COMMERCIAL}


class PolicyRole(_convert.AliasEnum):
    """The role a customer plays on a policy."""

    #: 投保人: who buys the policy and pays.
    HOLDER = "holder"
    #: 被保险人: whose risk is covered.
    INSURED = "insured"
    #: 车主: the registered owner of the insured vehicle.
    OWNER = "owner"


_convert.register_aliases(
    PolicyRole,
    {"投保人": "holder", "被保险人": "insured", "被保人": "insured", "车主": "owner",
     "行驶证车主": "owner", "vehicle_owner": "owner"},
)  # fmt: skip


class PolicyStatus(_convert.AliasEnum):
    """Where a policy stands."""

    #: A proposal not yet issued (暂存, 待核保).
    PENDING = "pending"
    #: Issued but the premium is not paid (未缴费); not in force.
    UNPAID = "unpaid"
    IN_FORCE = "in_force"
    #: Cancelled (退保, 注销); an endorsement of kind ``cancellation`` says from when.
    CANCELLED = "cancelled"
    #: The cover has ended.
    EXPIRED = "expired"


_convert.register_aliases(
    PolicyStatus,
    {"暂存": "pending", "待核保": "pending", "核保中": "pending", "待审核": "pending",
     "未缴费": "unpaid", "待缴费": "unpaid", "待支付": "unpaid",
     "有效": "in_force", "生效": "in_force", "已生效": "in_force", "在保": "in_force",
     "正常": "in_force", "承保": "in_force", "已承保": "in_force", "保单有效": "in_force",
     # issued and paid, the cover not yet begun: a policy all the same (its dates say when)
     "未生效": "in_force", "待生效": "in_force",
     "退保": "cancelled", "已退保": "cancelled", "全单退保": "cancelled", "批退": "cancelled",
     "注销": "cancelled", "已注销": "cancelled", "退保注销": "cancelled", "撤单": "cancelled",
     "已撤单": "cancelled", "作废": "cancelled", "已作废": "cancelled",
     "终止": "expired", "满期": "expired", "已满期": "expired", "过期": "expired",
     "已过期": "expired", "到期": "expired", "已到期": "expired", "失效": "expired",
     "已失效": "expired"},
)  # fmt: skip


class BusinessType(_convert.AliasEnum):
    """Whether a policy is the first with this insurer or a renewal (新保/续保/转保)."""

    #: 新保: first policy for this vehicle (a new car, or a customer new to insurance).
    NEW = "new"
    #: 续保: renews a policy of this insurer (``Policy.renews`` names it).
    RENEWAL = "renewal"
    #: 转保: the vehicle was insured with another insurer before.
    TRANSFER = "transfer"


_convert.register_aliases(
    BusinessType,
    {"新保": "new", "首年": "new", "新车": "new", "新车新保": "new", "新车投保": "new",
     "旧车新保": "new", "新单": "new", "新投保": "new", "新": "new",
     "续保": "renewal", "续": "renewal", "续保单": "renewal", "本公司续保": "renewal",
     "续保(本公司)": "renewal", "续保（本公司）": "renewal",
     "转保": "transfer", "转入": "transfer", "转": "transfer", "他司转保": "transfer",
     "他公司转入": "transfer", "转保(他司)": "transfer", "转保（他司）": "transfer"},
)  # fmt: skip


class EndorsementKind(_convert.AliasEnum):
    """What an endorsement (批改) changes."""

    ADDRESS = "address"
    VEHICLE = "vehicle"
    INSURED = "insured"
    HOLDER = "holder"
    CONTACT = "contact"
    CANCELLATION = "cancellation"
    OTHER = "other"


_convert.register_aliases(
    EndorsementKind,
    {"地址变更": "address", "变更地址": "address", "联系地址变更": "address",
     "通讯地址变更": "address", "批改地址": "address",
     "车辆信息变更": "vehicle", "车辆变更": "vehicle", "换车": "vehicle", "更换车辆": "vehicle",
     "批改车辆信息": "vehicle", "车牌变更": "vehicle", "变更车牌": "vehicle",
     "号牌变更": "vehicle", "车牌号变更": "vehicle",
     "过户": "insured", "车辆过户": "insured", "被保险人变更": "insured",
     "变更被保险人": "insured", "车主变更": "insured",
     "投保人变更": "holder", "变更投保人": "holder",
     "联系方式变更": "contact", "变更联系方式": "contact", "电话变更": "contact",
     "联系电话变更": "contact", "手机号变更": "contact",
     "退保": "cancellation", "全单退保": "cancellation", "批退": "cancellation",
     "注销": "cancellation", "保单注销": "cancellation",
     "其他": "other", "其它": "other", "信息变更": "other", "保险期间变更": "other",
     "终保日期变更": "other"},
)  # fmt: skip


def _field_names(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (tuple, list, set, frozenset)):
        raise _convert.type_error("changed", "a sequence of field names", value)
    names = set()
    for name in value:
        if not isinstance(name, str) or not name.strip():
            raise _convert.type_error("changed", "field names", name)
        names.add(name.strip())
    return tuple(sorted(names))


def _number(value: object) -> str:
    return _convert.required(value, "number", _convert.upper_ref)


def _effective(value: object) -> dt.date:
    return _convert.required_date(value, "effective")


def _endorsement_kind(value: object) -> EndorsementKind:
    return _convert.required_enum(value, "kind", EndorsementKind)


@attrs.frozen(kw_only=True)
class Endorsement:
    """An endorsement (批改): its number, effective date, kind and the fields it changed.

    ``changed`` lists field names only (``("address",)``), never the values, which arrive as
    observations of their own.
    """

    number: str = attrs.field(converter=_number)
    effective: dt.date = attrs.field(converter=_effective)
    kind: EndorsementKind = attrs.field(converter=_endorsement_kind)
    changed: tuple[str, ...] = attrs.field(default=(), converter=_field_names)


def _endorsements(value: object) -> tuple[Endorsement, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)):
        raise _convert.type_error("endorsements", "a sequence of Endorsement", value)
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, Endorsement):
            raise _convert.type_error("endorsements", "Endorsement", item)
        if item.number in seen:
            raise InvalidComponent(
                "Two endorsements have the same number.",
                code="policy.endorsement_duplicate",
                field="endorsements",
                masked_value=item.number,
                message_zh="批改单号重复。",
            )
        seen.add(item.number)
    return tuple(sorted(value, key=lambda e: (e.effective, e.number)))


def _roles(value: object) -> _convert.FrozenMap[PolicyRole, str]:
    if not isinstance(value, Mapping):
        raise _convert.type_error("roles", "a mapping of role to customer id", value)
    roles = {
        _convert.required_enum(role, "roles", PolicyRole): _convert.ref(customer, "roles")
        for role, customer in value.items()
    }
    return _convert.FrozenMap(sorted(roles.items(), key=lambda item: _ROLE_ORDER[item[0]]))


_ROLE_ORDER = {role: i for i, role in enumerate(PolicyRole)}


def _vehicle(value: object) -> Vehicle | None:
    if value is None or isinstance(value, Vehicle):
        return value
    raise _convert.type_error("vehicle", "Vehicle", value)


def _line(value: object) -> PolicyLine:
    if isinstance(value, (str, PolicyLine)):
        return PolicyLine.get(value)
    raise _convert.type_error("line", "a policy line", value)


def _policy_no(value: object) -> str:
    return _convert.required(value, "policy_no", _convert.upper_ref)


def _cover_start(value: object) -> dt.date | None:
    return _convert.optional_date(value, "cover_start")


def _cover_end(value: object) -> dt.date | None:
    return _convert.optional_date(value, "cover_end")


def _business_type(value: object) -> BusinessType | None:
    return _convert.optional_enum(value, "business_type", BusinessType)


def _renews(value: object) -> str | None:
    return None if value is None else _convert.optional(value, "renews", _convert.upper_ref)


def _status(value: object) -> PolicyStatus:
    return _convert.required_enum(value, "status", PolicyStatus)


@attrs.frozen(kw_only=True)
class Policy:
    """A policy: number, line, customers by role, cover, status, vehicle and endorsements.

    ``roles`` maps each `PolicyRole` to a customer id. ``cover_start`` and ``cover_end`` are
    the first and last day of cover (both inclusive, China time). ``renews`` is the number of
    the policy this one renews (only for a renewal or when the business type is unknown).
    ``endorsements`` are sorted by effective date, then number.
    """

    policy_no: str = attrs.field(converter=_policy_no)
    line: PolicyLine = attrs.field(converter=_line)
    roles: Mapping[PolicyRole, str] = attrs.field(factory=_convert.FrozenMap, converter=_roles)
    cover_start: dt.date | None = attrs.field(default=None, converter=_cover_start)
    cover_end: dt.date | None = attrs.field(default=None, converter=_cover_end)
    business_type: BusinessType | None = attrs.field(default=None, converter=_business_type)
    renews: str | None = attrs.field(default=None, converter=_renews)
    status: PolicyStatus = attrs.field(default=PolicyStatus.IN_FORCE, converter=_status)
    vehicle: Vehicle | None = attrs.field(default=None, converter=_vehicle)
    endorsements: tuple[Endorsement, ...] = attrs.field(default=(), converter=_endorsements)

    def __attrs_post_init__(self) -> None:
        if (
            self.cover_start is not None
            and self.cover_end is not None
            and self.cover_end < self.cover_start
        ):
            raise InvalidComponent(
                "The cover ends before it starts.",
                code="policy.cover_order",
                field="cover_end",
                masked_value=self.cover_end.isoformat(),
                message_zh="保险止期早于起期。",
            )
        if self.renews is not None:
            if self.renews == self.policy_no:
                raise InvalidComponent(
                    "A policy cannot renew itself.",
                    code="policy.renews_self",
                    field="renews",
                    masked_value=self.renews,
                    message_zh="保单不能续保自身。",
                )
            if self.business_type is not None and self.business_type is not BusinessType.RENEWAL:
                raise InvalidComponent(
                    "Only a renewal renews another policy.",
                    code="policy.renews_business_type",
                    field="renews",
                    masked_value=self.renews,
                    message_zh="只有续保保单才有上年保单号。",
                )

    def customer_id(self, role: PolicyRole | str) -> str | None:
        """The id of the customer in ``role``, or ``None``."""
        return self.roles.get(PolicyRole(role))

    @property
    def cancelled_on(self) -> dt.date | None:
        """The effective date of the earliest cancellation endorsement, if any."""
        for endorsement in self.endorsements:
            if endorsement.kind is EndorsementKind.CANCELLATION:
                return endorsement.effective
        return None

    def in_force(self, on: dt.date | None = None) -> bool:
        """Whether the policy covers the day ``on`` (default: today in China).

        False for a pending or unpaid policy, outside the cover dates or when they are
        unknown, and from the effective date of a cancellation on; a cancelled policy with no
        cancellation endorsement is never in force. An ``expired`` policy was in force on the
        days of its cover.
        """
        day = on if on is not None else utc_now().astimezone(_convert.CHINA_TZ).date()
        if isinstance(day, dt.datetime):
            day = day.astimezone(_convert.CHINA_TZ).date()
        if self.status in (PolicyStatus.PENDING, PolicyStatus.UNPAID):
            return False
        if self.cover_start is None or self.cover_end is None:
            return False
        if not self.cover_start <= day <= self.cover_end:
            return False
        cancelled = self.cancelled_on
        if cancelled is not None:
            return day < cancelled
        return self.status is not PolicyStatus.CANCELLED

    @property
    def customer_ids(self) -> tuple[str, ...]:
        """Every customer id named on the policy, each once, in role order."""
        return tuple(dict.fromkeys(self.roles.values()))
