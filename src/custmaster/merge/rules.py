"""Survivorship rules: which observed value of a field becomes the customer's current value.

Every value custmaster holds was *observed*: a source said it at some time, through some
channel (`custmaster.model.provenance.Provenance`). For each field of a customer, a rule ranks
the observations and the best one wins; the others stay as that field's history.

The built-in rules:

- `NEWEST` (the default): the newest observed time wins.
- `TRUSTED_NAME` (the default for ``name``, a `TrustedName`): a real name wins over a surname
  with a form of address (``张先生``) or a placeholder; then a name observed together with a
  strong identity key (resident ID, USCC, another identity document) wins over one observed
  without; then the newest.
- `ChannelPriority`: the most trusted channel wins, the newest within it.
- `FIRST_SEEN`: the oldest observation wins (for "source channel of first contact").
- `MOST_FREQUENT`: the value observed most often wins; equal counts go to the value seen last.
- `UNION`: the current value is every distinct value observed (a sorted tuple).
- `custom(key)`: the observation with the highest ``key(observed)`` wins — or any object
  that satisfies the `Rule` protocol.

Whatever the rule, equal ranks are broken by channel priority (the order of
`Channel.builtins()` unless configured), then by the source reference, then by the value, so
the winner depends only on the *set* of observations, never on their arrival order.

>>> from custmaster.model.provenance import Provenance
>>> def seen(value, when, channel="telesales", ref="r1"):
...     return Observed("address", value, Provenance(channel=channel, source_ref=ref,
...                                                  observed_at=when))
>>> a = seen("上海市浦东新区世纪大道100号", "2026-01-05")
>>> b = seen("上海市徐汇区漕溪北路88号", "2026-03-01", channel="core_system", ref="r2")
>>> choose(NEWEST, [a, b]).provenance.source_ref
'r2'
>>> choose(FIRST_SEEN, [a, b]).provenance.source_ref
'r1'
>>> choose(custom(lambda o: len(o.value), name="longest"), [a, b]).provenance.source_ref
'r1'
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs

from custmaster.errors import UsageError, ValidationError
from custmaster.merge._mask import mask_value
from custmaster.model.provenance import Channel, Provenance
from custmaster.validate import cn_name

__all__ = [
    "DEFAULT_RULES",
    "ERROR_CODES",
    "FIRST_SEEN",
    "LONGER_WINS_TIES",
    "MOST_FREQUENT",
    "NEWEST",
    "TRUSTED_NAME",
    "UNION",
    "ChannelOrder",
    "ChannelPriority",
    "CustomRule",
    "FirstSeen",
    "MergePolicy",
    "MostFrequent",
    "Newest",
    "Observed",
    "Rule",
    "TrustedName",
    "Union",
    "ValueStats",
    "choose",
    "custom",
    "full_key",
    "has_strong_key",
    "value_key",
    "weak_name",
]

#: Every error code this module raises, with what it means.
ERROR_CODES: dict[str, str] = {
    "merge.unknown_rule": "A merge rule was named that does not exist.",
    "merge.bad_rule": "A merge rule is neither a Rule, a rule name nor a key function.",
    "merge.empty": "A rule was asked to choose among no observations.",
}


def _show(observed: Observed) -> str:
    return repr(mask_value(observed.field, observed.value))


@attrs.frozen(slots=True)
class Observed:
    """One value of one field, as a source observed it.

    ``record`` is the source record the value came from, when known (a rule may read what
    else the record carried, as `TrustedName` does); it takes no part in comparisons.
    ``repr`` masks the value by its field (PRIVACY.md), so a history can be printed.

    >>> from custmaster.model.provenance import Provenance
    >>> Observed("mobile", "+8613800138000",
    ...          Provenance(channel="telesales", source_ref="T1", observed_at="2026-01-05"))
    Observed(field='mobile', value='138****8000', provenance=Provenance(...))
    """

    field: str
    value: Any = attrs.field(repr=False)
    provenance: Provenance = attrs.field(repr=False)
    record: Any = attrs.field(default=None, repr=False, eq=False)

    def __repr__(self) -> str:
        return f"Observed(field={self.field!r}, value={_show(self)}, provenance=Provenance(...))"


def value_key(value: object) -> str:
    """A sortable text form of a value, the last tie-break between observations.

    >>> value_key(dt.date(2026, 1, 5)), value_key(Channel.TELESALES)
    ('2026-01-05', 'telesales')
    """
    if isinstance(value, str):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, tuple):
        return "\x1f".join(value_key(v) for v in value)
    if isinstance(value, enum.Enum):
        return str(value.value)
    code = getattr(value, "code", None)
    if isinstance(code, str):
        return code
    key = getattr(value, "key", None)
    if isinstance(key, tuple):
        return value_key(key)
    return repr(value)


def _channel_codes(codes: Iterable[str | Channel]) -> tuple[str, ...]:
    return tuple(Channel.get(c).code for c in codes)


@attrs.frozen
class ChannelOrder:
    """Channel trust order, most trusted first; the tie-break between equal observed times.

    Channels not listed rank after every listed one, among themselves by code.

    >>> order = ChannelOrder(("core_system", "telesales"))
    >>> order.score(Channel.CORE_SYSTEM) > order.score(Channel.TELESALES)
    True
    >>> order.score(Channel.TELESALES) > order.score(Channel("wechat"))
    True
    """

    codes: tuple[str, ...] = attrs.field(converter=_channel_codes)
    _scores: dict[str, tuple[int, str]] = attrs.field(
        init=False, eq=False, repr=False, factory=dict
    )

    @classmethod
    def default(cls) -> ChannelOrder:
        """The order of `Channel.builtins()`."""
        return cls(tuple(c.code for c in Channel.builtins()))

    def score(self, channel: Channel) -> tuple[int, str]:
        """A sortable trust score: higher is more trusted."""
        code = channel.code
        score = self._scores.get(code)
        if score is None:
            try:
                index = self.codes.index(code)
            except ValueError:
                index = len(self.codes)
            score = self._scores[code] = (-index, code)
        return score


@attrs.define(slots=True)
class ValueStats:
    """What a field's observations say about one distinct value: how often, first and last."""

    count: int
    first_seen: dt.datetime
    last_seen: dt.datetime

    def add(self, observed_at: dt.datetime) -> None:
        """Count one more observation of the value at ``observed_at``."""
        self.count += 1
        self.first_seen = min(self.first_seen, observed_at)
        self.last_seen = max(self.last_seen, observed_at)


@runtime_checkable
class Rule(Protocol):
    """A survivorship rule.

    ``rank`` scores one observation (higher wins; equal scores fall to the tie-break).
    When ``uses_stats`` is true the engine passes the `ValueStats` of the observation's value;
    a rank may then only grow as its value is observed more (so the engine can update the
    winner in constant time), and must order the observations of one value the same whatever
    the stats. ``current`` turns the winning observation into the field's current value.
    """

    @property
    def name(self) -> str:
        """A stable name, shown by ``explain``."""
        ...

    @property
    def uses_stats(self) -> bool:
        """Whether `rank` reads the value's `ValueStats`."""
        ...

    def rank(self, observed: Observed, stats: ValueStats | None, channels: ChannelOrder) -> Any:
        """The score of one observation; the highest wins."""
        ...

    def current(self, winner: Observed, values: Mapping[Any, ValueStats] | None) -> Any:
        """The field's current value given the winning observation."""
        ...

    def describe(self) -> str:
        """One sentence saying why the winner won, for ``explain``."""
        ...


class _RankRule:
    """Shared behaviour: the current value is the winner's value."""

    name = "rule"
    uses_stats = False

    def current(self, winner: Observed, values: Mapping[Any, ValueStats] | None) -> Any:
        return winner.value

    def __repr__(self) -> str:
        return f"<rule {self.name}>"


class Newest(_RankRule):
    """The newest observed time wins (the default rule)."""

    name = "newest"

    def rank(self, observed: Observed, stats: ValueStats | None, channels: ChannelOrder) -> Any:
        return observed.provenance.observed_at

    def describe(self) -> str:
        return "the newest observed time wins"


class FirstSeen(_RankRule):
    """The oldest observed time wins."""

    name = "first_seen"

    def rank(self, observed: Observed, stats: ValueStats | None, channels: ChannelOrder) -> Any:
        return -observed.provenance.observed_at.timestamp()

    def describe(self) -> str:
        return "the first observation wins"


def _to_order(order: ChannelOrder | Iterable[str | Channel]) -> ChannelOrder:
    return order if isinstance(order, ChannelOrder) else ChannelOrder(tuple(order))


def _optional_order(order: ChannelOrder | Iterable[str | Channel] | None) -> ChannelOrder | None:
    return None if order is None else _to_order(order)


@attrs.frozen
class ChannelPriority(_RankRule):
    """The most trusted channel wins; within a channel, the newest.

    ``order`` lists channel codes, most trusted first; ``None`` uses the policy's order.
    """

    order: ChannelOrder | None = attrs.field(default=None, converter=_optional_order)
    name = "channel_priority"

    def rank(self, observed: Observed, stats: ValueStats | None, channels: ChannelOrder) -> Any:
        order = self.order or channels
        return (order.score(observed.provenance.channel), observed.provenance.observed_at)

    def describe(self) -> str:
        return "the most trusted channel wins, then the newest within it"


class MostFrequent(_RankRule):
    """The value observed most often wins; equal counts go to the value seen most recently."""

    name = "most_frequent"
    uses_stats = True

    def rank(self, observed: Observed, stats: ValueStats | None, channels: ChannelOrder) -> Any:
        count = stats.count if stats is not None else 1
        return (count, observed.provenance.observed_at)

    def describe(self) -> str:
        return "the value observed most often wins"


class Union(_RankRule):
    """Every distinct value observed is current (a sorted tuple); provenance of the newest."""

    name = "union"
    uses_stats = True

    def rank(self, observed: Observed, stats: ValueStats | None, channels: ChannelOrder) -> Any:
        return observed.provenance.observed_at

    def current(self, winner: Observed, values: Mapping[Any, ValueStats] | None) -> Any:
        if not values:
            return (winner.value,)
        return tuple(sorted(values, key=value_key))

    def describe(self) -> str:
        return "every distinct value is kept; the newest observation is shown as the source"


@attrs.frozen
class CustomRule(_RankRule):
    """A rule from a key function: the observation with the highest ``key(observed)`` wins."""

    key: Callable[[Observed], Any]
    name: str = "custom"
    text: str = "a custom rule chose it"

    def rank(self, observed: Observed, stats: ValueStats | None, channels: ChannelOrder) -> Any:
        return self.key(observed)

    def describe(self) -> str:
        return self.text


def custom(key: Callable[[Observed], Any], *, name: str = "custom", text: str = "") -> CustomRule:
    """A user rule: the observation with the highest ``key(observed)`` wins.

    >>> rule = custom(lambda o: o.provenance.channel.code == "core_system", name="core_first")
    >>> rule.name
    'core_first'
    """
    return CustomRule(key=key, name=name, text=text or f"the rule {name!r} ranked it highest")


def weak_name(value: object) -> bool:
    """Whether a name should never win over a real one: what `custmaster.validate.cn_name`
    flags as only a surname and a form of address (``张先生``), or refuses as a placeholder
    (``不详``, ``张某``) or otherwise invalid.

    >>> weak_name("张先生"), weak_name("不详"), weak_name("张伟"), weak_name("腾讯科技有限公司")
    (True, True, False, False)
    """
    if not isinstance(value, str):
        return False
    return _weak_text(value)


# Names recur (surnames with 先生/女士 above all), and ranking compares the winner again with
# each newcomer: the verdicts of the last 65,536 distinct names are kept (as many as the model's
# cache of validated names; a bool each).
@functools.lru_cache(maxsize=65536)
def _weak_text(value: str) -> bool:
    try:
        return cn_name.parse(value).honorific is not None
    except ValidationError:
        return True


def has_strong_key(record: object) -> bool:
    """Whether a source record carries a strong identity key: a resident ID, a USCC or
    another identity document (what `custmaster.resolve.keys.strong_keys` resolves by)."""
    return record is not None and bool(
        getattr(record, "resident_id", None)
        or getattr(record, "uscc", None)
        or getattr(record, "id_document", None)
    )


#: What `TrustedName.deciding` says about an observation that is not a real name.
_WEAK_TEXT = "only a surname with a form of address, or a placeholder"


@attrs.frozen
class TrustedName(_RankRule):
    """The survivorship rule an insurer expects for a name (the default for ``name``).

    Observations rank, highest first:

    1. a real name over one `weak` flags (default `weak_name`: ``张先生``, placeholders):
       a call-back list's ``王女士`` never replaces ``王芳``, it stays in the history;
    2. with ``keyed`` (the default), a name observed on a record that carries a strong
       identity key (`has_strong_key`: resident ID, USCC, identity document — core system,
       underwriting, face-to-face signing) over a name from a record without one (a claim
       report, telesales, a call-back), however much newer;
    3. the newest observed time; then the usual tie-break.

    The rank depends only on the observation and its record, so the winner is independent
    of arrival order like every rule's. ``MergePolicy(rules={"name": "newest"})`` restores
    plain newest-wins.

    >>> from custmaster.model.provenance import Provenance
    >>> from custmaster.model.source import SourceRecord
    >>> def row(channel, ref, when, **fields):
    ...     return SourceRecord(provenance=Provenance(channel=channel, source_ref=ref,
    ...                                               observed_at=when), **fields)
    >>> core = row("core_system", "P1", "2026-01-05", name="王芳",
    ...            resident_id="11010519491231002X")
    >>> call = row("callback", "CB7", "2026-06-01", name="王女士")
    >>> sales = row("telesales", "TS9", "2026-07-01", name="王方")
    >>> seen = [Observed("name", r.name, r.provenance, r) for r in (core, call, sales)]
    >>> choose(TRUSTED_NAME, seen).value, choose(NEWEST, seen).value
    ('王芳', '王方')
    """

    keyed: bool = True
    weak: Callable[[Any], bool] = weak_name
    name = "trusted_name"

    def rank(self, observed: Observed, stats: ValueStats | None, channels: ChannelOrder) -> Any:
        return (
            not self.weak(observed.value),
            self.keyed and has_strong_key(observed.record),
            observed.provenance.observed_at,
        )

    def describe(self) -> str:
        if not self.keyed:
            return f"a real name wins over one that is {_WEAK_TEXT}; then the newest"
        return (
            f"a real name wins over one that is {_WEAK_TEXT}; then a name observed with a "
            "strong identity key (resident ID, USCC, identity document) wins over one "
            "observed without; then the newest"
        )

    def deciding(self, winner: Observed, runner_up: Observed, channels: ChannelOrder) -> str | None:
        """What put ``winner`` above ``runner_up``, when it was not time (for ``explain``)."""
        won, lost = self.rank(winner, None, channels), self.rank(runner_up, None, channels)
        other = f"the runner-up ({runner_up.provenance.channel.code}, {_when(runner_up)})"
        if won[0] != lost[0]:
            return f"{other} is {_WEAK_TEXT}"
        if won[1] != lost[1]:
            return (
                f"it was observed with the customer's strong identity key on a "
                f"{winner.provenance.channel.code} record; {other} carried none"
            )
        return None


def _when(observed: Observed) -> str:
    return observed.provenance.observed_at.isoformat()


NEWEST = Newest()
FIRST_SEEN = FirstSeen()
MOST_FREQUENT = MostFrequent()
UNION = Union()
TRUSTED_NAME = TrustedName()

#: The rule of a field that `MergePolicy.rules` does not list (fields not here: `NEWEST`).
DEFAULT_RULES: Mapping[str, Rule] = {"name": TRUSTED_NAME}

_BY_NAME: dict[str, Rule] = {
    "newest": NEWEST,
    "first_seen": FIRST_SEEN,
    "most_frequent": MOST_FREQUENT,
    "union": UNION,
    "channel_priority": ChannelPriority(),
    "trusted_name": TRUSTED_NAME,
}


def _to_rule(rule: Rule | str | Callable[[Observed], Any]) -> Rule:
    if isinstance(rule, str):
        try:
            return _BY_NAME[rule]
        except KeyError:
            raise UsageError(
                f"Unknown merge rule {rule!r}; known: {', '.join(sorted(_BY_NAME))}.",
                code="merge.unknown_rule",
                message_zh=f"未知的合并规则 {rule!r}。",
            ) from None
    if isinstance(rule, Rule):
        return rule
    if callable(rule):
        return custom(rule)
    raise UsageError(
        f"A merge rule must be a Rule, a rule name or a key function, not {type(rule).__name__}.",
        code="merge.bad_rule",
        message_zh="合并规则须为 Rule 对象、规则名称或键函数。",
    )


def _to_rules(rules: Mapping[str, Rule | str | Callable[[Observed], Any]]) -> dict[str, Rule]:
    return {field: _to_rule(rule) for field, rule in dict(rules).items()}


@attrs.frozen
class MergePolicy:
    """The rule of each field plus the channel trust order used to break ties.

    ``rules`` maps a field name (``"address"``, ``"extra.occupation"``, a policy field such as
    ``"cover_end"``) to a `Rule`, a rule name (``"newest"``, ``"first_seen"``,
    ``"most_frequent"``, ``"union"``, ``"channel_priority"``, ``"trusted_name"``) or a key
    function. Fields not listed use their default (`DEFAULT_RULES`): `TRUSTED_NAME` for
    ``name``, `NEWEST` for every other field.

    >>> policy = MergePolicy(rules={"name": "channel_priority", "occupation": "most_frequent"})
    >>> policy.rule("name").name, policy.rule("address").name
    ('channel_priority', 'newest')
    >>> MergePolicy().rule("name").name, MergePolicy(rules={"name": "newest"}).rule("name").name
    ('trusted_name', 'newest')
    """

    rules: Mapping[str, Rule] = attrs.field(factory=dict, converter=_to_rules)
    channels: ChannelOrder = attrs.field(factory=ChannelOrder.default, converter=_to_order)

    def rule(self, field: str) -> Rule:
        """The rule for ``field`` (``extra.`` prefixes are tried with and without; then the
        field's default)."""
        rule = self.rules.get(field)
        if rule is None:
            if field.startswith("extra."):
                rule = self.rules.get(field[6:])
            if rule is None:
                rule = DEFAULT_RULES.get(field)
        return rule if rule is not None else NEWEST

    def effective(self) -> dict[str, Rule]:
        """Every field named by ``rules`` or `DEFAULT_RULES`, with the rule it gets."""
        return {field: self.rule(field) for field in sorted({*self.rules, *DEFAULT_RULES})}

    @property
    def all_newest(self) -> bool:
        """True when every field uses `NEWEST` (the engine's fast path)."""
        return all(rule is NEWEST for rule in self.effective().values())


#: Fields whose observations, tied on time and channel, go to the longer value (`tie_break`).
LONGER_WINS_TIES = frozenset({"address"})


def tie_break(observed: Observed, channels: ChannelOrder) -> tuple[Any, ...]:
    """Channel priority, then (addresses only) the more detailed value, then source
    reference, then value: higher wins.

    Two rows of one extract often give one customer's address at one time written twice,
    with and without the province (``福建省厦门市…`` and ``厦门市…``), or without the room
    number; the longer one says more. It is a property of the value alone, so the winner
    still does not depend on the order observations arrive in.

    >>> from custmaster.model.provenance import Provenance
    >>> def seen(value, ref):
    ...     return Observed("address", value, Provenance(channel="core_system",
    ...                     source_ref=ref, observed_at="2026-03-01"))
    >>> order = ChannelOrder.default()
    >>> tie_break(seen("福建省厦门市思明区湖滨南路100号", "a#1"), order) > tie_break(
    ...     seen("厦门市思明区湖滨南路100号", "a#2"), order)
    True
    """
    p = observed.provenance
    value = observed.value
    detail = len(value) if observed.field in LONGER_WINS_TIES and isinstance(value, str) else 0
    return (channels.score(p.channel), detail, p.source_ref, value_key(value))


def full_key(
    rule: Rule, observed: Observed, stats: ValueStats | None, channels: ChannelOrder
) -> tuple[Any, ...]:
    """The complete sort key of an observation under ``rule``: rank, then tie-break."""
    return (rule.rank(observed, stats, channels), *tie_break(observed, channels))


def collect_stats(observations: Iterable[Observed]) -> dict[Any, ValueStats]:
    """The `ValueStats` of each distinct value among ``observations``."""
    stats: dict[Any, ValueStats] = {}
    for o in observations:
        at = o.provenance.observed_at
        s = stats.get(o.value)
        if s is None:
            stats[o.value] = ValueStats(1, at, at)
        else:
            s.add(at)
    return stats


def ranked(
    rule: Rule, observations: Sequence[Observed], channels: ChannelOrder | None = None
) -> list[Observed]:
    """``observations`` best first under ``rule`` (a full, non-incremental ranking)."""
    order = channels or ChannelOrder.default()
    stats = collect_stats(observations) if rule.uses_stats else None
    return sorted(
        observations,
        key=lambda o: full_key(rule, o, stats[o.value] if stats else None, order),
        reverse=True,
    )


def choose(
    rule: Rule, observations: Sequence[Observed], channels: ChannelOrder | None = None
) -> Observed:
    """The winning observation under ``rule``.

    Raises `custmaster.errors.UsageError` when there is nothing to choose from.
    """
    if not observations:
        raise UsageError(
            "No observations to choose from.",
            code="merge.empty",
            message_zh="没有可供选择的观测值。",
        )
    return ranked(rule, observations, channels)[0]
