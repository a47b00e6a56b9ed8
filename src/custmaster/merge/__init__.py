"""Survivorship: the golden record of a customer as a pure function of its observations.

- `custmaster.merge.rules`: which observed value of a field wins (newest by default, a real
  name observed with the customer's ID for ``name``, channel priority, first seen, most
  frequent, union, or a rule of your own), with a tie-break
  that makes the result independent of arrival order.
- `custmaster.merge.engine`: `GoldenState`, updated one observation at a time.
- `custmaster.merge.history`: a field's history, the explanation of its value, and the
  golden `custmaster.model.Customer`.
"""

from __future__ import annotations

from custmaster.merge.engine import CONTACT_KINDS, POLICY_FIELDS, GoldenState, build
from custmaster.merge.history import (
    Competitor,
    Explanation,
    explain,
    history,
    policy_view,
    to_customer,
)
from custmaster.merge.rules import (
    DEFAULT_RULES,
    FIRST_SEEN,
    MOST_FREQUENT,
    NEWEST,
    TRUSTED_NAME,
    UNION,
    ChannelOrder,
    ChannelPriority,
    CustomRule,
    FirstSeen,
    MergePolicy,
    MostFrequent,
    Newest,
    Observed,
    Rule,
    TrustedName,
    Union,
    ValueStats,
    choose,
    custom,
)

__all__ = [
    "CONTACT_KINDS",
    "DEFAULT_RULES",
    "FIRST_SEEN",
    "MOST_FREQUENT",
    "NEWEST",
    "POLICY_FIELDS",
    "TRUSTED_NAME",
    "UNION",
    "ChannelOrder",
    "ChannelPriority",
    "Competitor",
    "CustomRule",
    "Explanation",
    "FirstSeen",
    "GoldenState",
    "MergePolicy",
    "MostFrequent",
    "Newest",
    "Observed",
    "Rule",
    "TrustedName",
    "Union",
    "ValueStats",
    "build",
    "choose",
    "custom",
    "explain",
    "history",
    "policy_view",
    "to_customer",
]
