"""The domain model: customers, policies, vehicles, contact points and where values came from.

Pure attrs classes (frozen, slotted, keyword-only), validated on construction through
`custmaster.validate`: a bad value raises `custmaster.ValidationError` with the field named
and the value masked, and no half-valid object is ever built. ``repr`` and ``str`` mask
personal data (PRIVACY.md). `custmaster.serialize` turns every class into JSON-compatible
dicts and back.
"""

from __future__ import annotations

from custmaster.model.contact import (
    VOICE_KINDS,
    ContactEvent,
    ContactKind,
    ContactMethod,
    ContactOutcome,
    ContactPoint,
    ContactStatus,
)
from custmaster.model.customer import Customer, HistoryEntry, PolicyRoleLink
from custmaster.model.identity import CustomerKind, DocumentType, Gender, IdentityDocument
from custmaster.model.policy import (
    BusinessType,
    Endorsement,
    EndorsementKind,
    Policy,
    PolicyLine,
    PolicyRole,
    PolicyStatus,
)
from custmaster.model.provenance import Channel, Provenance, utc_now
from custmaster.model.source import FIELDS, PHONE_FIELDS, SourceRecord
from custmaster.model.vehicle import Vehicle

__all__ = [
    "FIELDS",
    "PHONE_FIELDS",
    "VOICE_KINDS",
    "BusinessType",
    "Channel",
    "ContactEvent",
    "ContactKind",
    "ContactMethod",
    "ContactOutcome",
    "ContactPoint",
    "ContactStatus",
    "Customer",
    "CustomerKind",
    "DocumentType",
    "Endorsement",
    "EndorsementKind",
    "Gender",
    "HistoryEntry",
    "IdentityDocument",
    "Policy",
    "PolicyLine",
    "PolicyRole",
    "PolicyRoleLink",
    "PolicyStatus",
    "Provenance",
    "SourceRecord",
    "Vehicle",
    "utc_now",
]
