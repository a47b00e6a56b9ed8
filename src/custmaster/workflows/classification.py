"""Classifying customers: source channel, level and the key-customer flag (重点客户).

A customer's **source channel** is the channel of their first observation
(`custmaster.Customer.first_channel`: the core system, a claim report, telesales …). Their
**level** and **key-customer** flag follow configurable rules over what they hold:

- ``policies``: how many policies they are linked to (any role);
- ``years``: in how many distinct years a policy of theirs started (years insured);
- ``lines``: the lines they hold (``compulsory`` 交强险, ``commercial`` 商业险, others);
- ``vehicles``: how many distinct vehicles (plate or VIN) their policies insure.

`ClassificationRules` lists levels from the best down; a customer gets the first level whose
every condition they meet, else ``default_level``. The key-customer rule is met by a level
it names or by its own conditions. Rules come from code or a JSON file (`load_rules`)::

    {"levels": [{"level": "A", "min_years": 3, "lines": ["compulsory", "commercial"]},
                {"level": "B", "min_policies": 2}],
     "default_level": "C",
     "key": {"levels": ["A"], "min_vehicles": 3}}

>>> profile = CustomerProfile.build("C1", "telesales", policies=4, years=3,
...                                 lines=("commercial", "compulsory"), vehicles=1)
>>> DEFAULT_RULES.level_of(profile), DEFAULT_RULES.is_key(profile)
('A', True)
>>> small = CustomerProfile.build("C2", "core_system", policies=1, years=1,
...                               lines=("compulsory",), vehicles=1)
>>> DEFAULT_RULES.level_of(small), DEFAULT_RULES.is_key(small)
('C', False)
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from custmaster.errors import NotFoundError, UsageError
from custmaster.merge.engine import GoldenState, field_path
from custmaster.model.policy import PolicyLine
from custmaster.service import Service, as_service
from custmaster.store import StoredView
from custmaster.store.base import Store

__all__ = [
    "DEFAULT_RULES",
    "ERROR_CODES",
    "ClassificationRules",
    "ClassificationSummary",
    "Condition",
    "CustomerProfile",
    "LevelRule",
    "classify_customer",
    "classify_customers",
    "load_rules",
    "profile_of",
    "profile_of_view",
    "summarise",
]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "classification.rules": "Classification rules are not a valid JSON object of levels and key.",
}


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _rules_error(f"a count must be a whole number >= 0, not {value!r}")
    return value


def _lines(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise _rules_error("lines must be a list of line names")
    try:
        return tuple(sorted({PolicyLine.get(str(v)).code for v in value}))
    except ValueError as error:
        raise _rules_error(str(error)) from None


def _rules_error(why: str) -> UsageError:
    return UsageError(
        f"Invalid classification rules: {why}.",
        code="classification.rules",
        message_zh="客户分类规则无效。",
    )


@attrs.frozen(cache_hash=True)
class Condition:
    """Thresholds a customer must all meet (0 and an empty ``lines`` mean no condition)."""

    min_policies: int = attrs.field(default=0, converter=_count)
    min_years: int = attrs.field(default=0, converter=_count)
    min_vehicles: int = attrs.field(default=0, converter=_count)
    #: Lines the customer must all hold.
    lines: tuple[str, ...] = attrs.field(default=(), converter=_lines)

    @property
    def empty(self) -> bool:
        """Whether this condition asks nothing."""
        return not (self.min_policies or self.min_years or self.min_vehicles or self.lines)

    def met_by(self, profile: CustomerProfile) -> bool:
        """Whether ``profile`` meets every threshold."""
        return (
            profile.policies >= self.min_policies
            and profile.years >= self.min_years
            and profile.vehicles >= self.min_vehicles
            and set(self.lines) <= set(profile.lines)
        )


@attrs.frozen(cache_hash=True)
class LevelRule:
    """A level and the condition for it."""

    level: str
    condition: Condition = Condition()


def _level_rules(value: Iterable[LevelRule]) -> tuple[LevelRule, ...]:
    return tuple(value)


@attrs.frozen(cache_hash=True)
class ClassificationRules:
    """Levels from the best down, the default level, and the key-customer rule.

    A customer is a key customer when their level is in ``key_levels`` or, if ``key`` asks
    anything, when they meet ``key``.
    """

    levels: tuple[LevelRule, ...] = attrs.field(converter=_level_rules)
    default_level: str = "C"
    key_levels: tuple[str, ...] = ()
    key: Condition = Condition()

    def level_of(self, profile: CustomerProfile) -> str:
        """The first level whose condition ``profile`` meets, else the default level."""
        for rule in self.levels:
            if rule.condition.met_by(profile):
                return rule.level
        return self.default_level

    def is_key(self, profile: CustomerProfile, level: str | None = None) -> bool:
        """Whether ``profile`` is a key customer (重点客户)."""
        if (level or self.level_of(profile)) in self.key_levels:
            return True
        return not self.key.empty and self.key.met_by(profile)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ClassificationRules:
        """Rules from a mapping shaped like the JSON of the module description."""
        try:
            levels = [
                LevelRule(str(item["level"]), _condition(item)) for item in data.get("levels", ())
            ]
            key = data.get("key") if data.get("key") is not None else {}
            if not isinstance(key, Mapping):
                raise _rules_error("key must be an object")
            key_levels = key.get("levels", ())
            if isinstance(key_levels, str) or not isinstance(key_levels, Iterable):
                raise _rules_error("key.levels must be a list")
            return cls(
                levels=levels,
                default_level=str(data.get("default_level", "C")),
                key_levels=tuple(str(level) for level in key_levels),
                key=_condition(key),
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise _rules_error(f"missing or wrong entry ({error})") from None


def _condition(item: Mapping[str, Any]) -> Condition:
    if not isinstance(item, Mapping):
        raise _rules_error("each level is an object")
    return Condition(
        min_policies=item.get("min_policies", 0),
        min_years=item.get("min_years", 0),
        min_vehicles=item.get("min_vehicles", 0),
        lines=item.get("lines", ()),
    )


def load_rules(path: str | Path) -> ClassificationRules:
    """Read `ClassificationRules` from a JSON file (see the module description)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _rules_error(f"cannot read {str(path)!r}: {error}") from None
    if not isinstance(data, Mapping):
        raise _rules_error("the file must hold a JSON object")
    return ClassificationRules.from_mapping(data)


#: The rules used unless others are given: A = insured 3 years or more with both motor lines;
#: B = two policies or more; C = the rest; key customers are level A or insure 3 vehicles.
DEFAULT_RULES = ClassificationRules(
    levels=[
        LevelRule("A", Condition(min_years=3, lines=("compulsory", "commercial"))),
        LevelRule("B", Condition(min_policies=2)),
    ],
    default_level="C",
    key_levels=("A",),
    key=Condition(min_vehicles=3),
)


@attrs.frozen
class CustomerProfile:
    """What a customer holds, their source channel, and the level and key flag they got."""

    customer_id: str
    source_channel: str | None
    policies: int
    years: int
    lines: tuple[str, ...]
    vehicles: int
    level: str = ""
    key_customer: bool = False

    @classmethod
    def build(
        cls,
        customer_id: str,
        source_channel: str | None,
        *,
        policies: int,
        years: int,
        lines: Sequence[str],
        vehicles: int,
        rules: ClassificationRules | None = None,
    ) -> CustomerProfile:
        """A profile with its level and key flag under ``rules`` (default `DEFAULT_RULES`)."""
        held = tuple(sorted(lines))
        chosen = rules if rules is not None else DEFAULT_RULES
        level, key = _grade(chosen, policies, years, held, vehicles)
        return cls(customer_id, source_channel, policies, years, held, vehicles, level, key)


@functools.lru_cache(maxsize=4096)
def _grade(
    rules: ClassificationRules, policies: int, years: int, lines: tuple[str, ...], vehicles: int
) -> tuple[str, bool]:
    """The level and key flag of what a customer holds (few distinct holdings: cached)."""
    bare = CustomerProfile("", None, policies, years, lines, vehicles)
    level = rules.level_of(bare)
    return level, rules.is_key(bare, level)


def profile_of(
    customer_id: str, state: GoldenState, rules: ClassificationRules | None = None
) -> CustomerProfile:
    """The profile of a customer from their golden state."""
    years: set[int] = set()
    lines: set[str] = set()
    vehicles: set[str] = set()
    for number in state.policies:
        start = state.value(field_path("cover_start", number))
        if start is not None:
            years.add(start.year)
        line = state.value(field_path("line", number))
        if not isinstance(line, PolicyLine):
            line = PolicyLine.of_number(number)
        if line is not None:
            lines.add(line.code)
        vehicle = state.value(field_path("vin", number)) or state.value(field_path("plate", number))
        if isinstance(vehicle, str):
            vehicles.add(vehicle)
    channel = state.first_channel
    return CustomerProfile.build(
        customer_id,
        channel.code if channel is not None else None,
        policies=len(state.policies),
        years=len(years),
        lines=sorted(lines),
        vehicles=len(vehicles),
        rules=rules,
    )


def profile_of_view(view: StoredView, rules: ClassificationRules | None = None) -> CustomerProfile:
    """The profile of a customer from the view a SQL store keeps (`profile_of` without
    rebuilding the golden state: the same result), read from the view's summary."""
    summary = view.summary
    policies, years, lines, vehicles = summary.holdings
    return CustomerProfile.build(
        view.customer_id,
        summary.first_channel,
        policies=policies,
        years=years,
        lines=lines,
        vehicles=vehicles,
        rules=rules,
    )


def _profile_from_customer(
    service: Service, customer_id: str, rules: ClassificationRules | None
) -> CustomerProfile:
    customer = service.get(customer_id)
    years: set[int] = set()
    lines: set[str] = set()
    vehicles: set[str] = set()
    numbers = customer.policy_numbers()
    for number in numbers:
        try:
            policy = service.policy(number)
        except NotFoundError:
            continue
        if policy.cover_start is not None:
            years.add(policy.cover_start.year)
        lines.add(policy.line.code)
        if policy.vehicle is not None and (policy.vehicle.vin or policy.vehicle.plate):
            vehicles.add(str(policy.vehicle.vin or policy.vehicle.plate))
    channel = customer.first_channel
    return CustomerProfile.build(
        customer.id,
        channel.code if channel is not None else None,
        policies=len(numbers),
        years=len(years),
        lines=sorted(lines),
        vehicles=len(vehicles),
        rules=rules,
    )


def classify_customer(
    target: Service | Store, customer_id: str, rules: ClassificationRules | None = None
) -> CustomerProfile:
    """The profile, level and key flag of one customer."""
    service = as_service(target)
    state = service.state(customer_id)
    if state is not None:
        return profile_of(customer_id, state, rules)
    return _profile_from_customer(service, customer_id, rules)


def classify_customers(
    target: Service | Store, rules: ClassificationRules | None = None
) -> Iterator[CustomerProfile]:
    """The profile of every customer, by id."""
    service = as_service(target)
    for customer in service.iter_customers():
        yield classify_customer(service, customer.id, rules)


@attrs.frozen
class ClassificationSummary:
    """Customers counted by source channel and level, and the key customers."""

    customers: int
    key_customers: int
    #: ``(source channel, level, count)``, by channel then level.
    table: tuple[tuple[str, str, int], ...]
    levels: tuple[str, ...]
    channels: tuple[str, ...]

    def count(self, channel: str, level: str) -> int:
        """Customers of this source channel and level."""
        return next((n for c, lv, n in self.table if c == channel and lv == level), 0)


def summarise(profiles: Iterable[CustomerProfile]) -> ClassificationSummary:
    """Count profiles by source channel and level.

    >>> summary = summarise([
    ...     CustomerProfile("C1", "telesales", 4, 3, ("commercial", "compulsory"), 1, "A", True),
    ...     CustomerProfile("C2", "telesales", 1, 1, ("compulsory",), 1, "C", False),
    ...     CustomerProfile("C3", None, 1, 1, ("compulsory",), 1, "C", False)])
    >>> summary.count("telesales", "A"), summary.key_customers, summary.channels
    (1, 1, ('telesales', 'unknown'))
    """
    counts: dict[tuple[str, str], int] = {}
    total = key = 0
    for profile in profiles:
        total += 1
        key += profile.key_customer
        cell = (profile.source_channel or "unknown", profile.level)
        counts[cell] = counts.get(cell, 0) + 1
    table = tuple((c, lv, n) for (c, lv), n in sorted(counts.items()))
    return ClassificationSummary(
        customers=total,
        key_customers=key,
        table=table,
        levels=tuple(sorted({lv for _, lv, _ in table})),
        channels=tuple(sorted({c for c, _, _ in table})),
    )
