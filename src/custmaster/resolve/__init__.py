"""Identity resolution: which customer a record belongs to, deterministic and explainable.

- `custmaster.resolve.keys`: strong keys (resident ID, USCC, identity document), link keys
  and the index entries every store keeps.
- `custmaster.resolve.resolver`: `resolve`, the rules in order.
- `custmaster.resolve.candidates`: `CandidatePair` with its `Reason` and masked `Evidence`.
- `custmaster.resolve.decisions`: reviewers' `Decision` (merge, keep apart, split).
- `custmaster.resolve.explain`: why a record went where it went, in words.
"""

from __future__ import annotations

from custmaster.resolve.candidates import (
    CandidatePair,
    Evidence,
    PairStatus,
    Priority,
    Reason,
)
from custmaster.resolve.decisions import Action, Decision
from custmaster.resolve.explain import explain_pair, explain_resolution
from custmaster.resolve.keys import IndexEntry, StrongKey, strong_keys
from custmaster.resolve.resolver import Lookups, PairDraft, Resolution, resolve

__all__ = [
    "Action",
    "CandidatePair",
    "Decision",
    "Evidence",
    "IndexEntry",
    "Lookups",
    "PairDraft",
    "PairStatus",
    "Priority",
    "Reason",
    "Resolution",
    "StrongKey",
    "explain_pair",
    "explain_resolution",
    "resolve",
    "strong_keys",
]
