"""Why a record went to the customer it went to, and why a pair is up for review, in words.

Every value shown is masked (PRIVACY.md).

>>> from custmaster.resolve.resolver import Resolution
>>> print(explain_resolution(Resolution(
...     "C00000001", "policy_no", why=(("policy_no", "PDAA2026", "same policy, role insured"),))))
attached to C00000001 through policy_no
  policy_no: PDAA2026 | PDAA2026 (same policy, role insured)
"""

from __future__ import annotations

from custmaster.resolve.candidates import CandidatePair
from custmaster.resolve.resolver import Resolution

__all__ = ["VIA", "explain_pair", "explain_resolution"]

#: What each way of resolving means.
VIA: dict[str, str] = {
    "resident_id": "the same resident ID",
    "uscc": "the same unified social credit code",
    "document": "the same identity document (type, country, number)",
    "policy_no": "the same policy number, in the same role",
    "plate": "the plate of a vehicle insured by a policy in force that day",
    "vin": "the VIN of a vehicle insured by a policy in force that day",
    "orphan": "a policy in force that day for the vehicle an earlier record named",
    "new": "no key matched an existing customer",
}


def explain_resolution(resolution: Resolution) -> str:
    """A few lines: where the record went, through what, what joined and what was raised."""
    if resolution.customer_id is None:
        head = f"new customer: {VIA['new']}"
        if not resolution.owner:
            head += "; its resident ID is contradicted, so it does not identify it"
    else:
        head = f"attached to {resolution.customer_id} through {resolution.via}"
    lines = [head]
    lines.extend(f"  {e}" for e in resolution.evidence)
    if resolution.absorb:
        lines.append("  joined customers without a strong key: " + ", ".join(resolution.absorb))
    for draft in resolution.pairs:
        lines.append(f"  candidate pair with {draft.other}: {draft.reason.value}")
        lines.extend(f"    {e}" for e in draft.evidence)
    return "\n".join(lines)


def explain_pair(pair: CandidatePair) -> str:
    """A pair's reasons, priority, evidence and status, one per line."""
    return str(pair)
