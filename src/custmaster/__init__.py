"""custmaster: one trustworthy record per customer, for insurers.

The public API is re-exported here and listed in ``__all__``; the implementation lives in the
layer packages (`custmaster.validate`, `custmaster.model`, …). Names other than the errors are
imported lazily on first use, so ``import custmaster`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from custmaster._version import __version__
from custmaster.errors import (
    CustmasterError,
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    NotFoundError,
    PermissionDenied,
    StoreError,
    UsageError,
    ValidationError,
    ValidationWarning,
)

if TYPE_CHECKING:
    from custmaster.audit import AuditChain
    from custmaster.catalog.vehicle_series import VehicleCatalog, VehicleClass
    from custmaster.merge import MergePolicy
    from custmaster.model import (
        BusinessType,
        ContactEvent,
        ContactKind,
        ContactOutcome,
        ContactPoint,
        ContactStatus,
        Customer,
        CustomerKind,
        Endorsement,
        EndorsementKind,
        Gender,
        HistoryEntry,
        IdentityDocument,
        Policy,
        PolicyLine,
        PolicyRole,
        PolicyStatus,
        Vehicle,
    )
    from custmaster.model.provenance import Channel, Provenance
    from custmaster.model.source import SourceRecord
    from custmaster.privacy.access import Permission, Role, User
    from custmaster.privacy.masking import mask
    from custmaster.resolve import CandidatePair, Decision
    from custmaster.serialize import from_dict, from_json, to_dict, to_json
    from custmaster.service import Service
    from custmaster.store import (
        IngestResult,
        MemoryStore,
        Outcome,
        Store,
        open_store,
        register_store,
    )
    from custmaster.store.postgres import PostgresStore
    from custmaster.store.sqlite import SQLiteStore
    from custmaster.validate.phone import PhoneNumber
    from custmaster.workflows.callbacks import import_callbacks, record_callback
    from custmaster.workflows.channels import import_channel_file
    from custmaster.workflows.classification import ClassificationRules, classify_customers
    from custmaster.workflows.contact_entry import enter_contacts, lookup_policy
    from custmaster.workflows.core_import import import_core_extract
    from custmaster.workflows.demo import run_demo
    from custmaster.workflows.endorsements import apply_endorsement, import_endorsements
    from custmaster.workflows.quality import QualityReport, QualityRules, quality_report
    from custmaster.workflows.reading import open_table
    from custmaster.workflows.renewals import export_renewals, renewal_rows
    from custmaster.workflows.validation import validate_file

#: Lazily imported public names and the module each comes from.
_LAZY: dict[str, str] = {
    "SQLiteStore": "custmaster.store.sqlite",
    "PostgresStore": "custmaster.store.postgres",
    "import_core_extract": "custmaster.workflows.core_import",
    "import_channel_file": "custmaster.workflows.channels",
    "apply_endorsement": "custmaster.workflows.endorsements",
    "import_endorsements": "custmaster.workflows.endorsements",
    "record_callback": "custmaster.workflows.callbacks",
    "import_callbacks": "custmaster.workflows.callbacks",
    "lookup_policy": "custmaster.workflows.contact_entry",
    "enter_contacts": "custmaster.workflows.contact_entry",
    "renewal_rows": "custmaster.workflows.renewals",
    "export_renewals": "custmaster.workflows.renewals",
    "classify_customers": "custmaster.workflows.classification",
    "ClassificationRules": "custmaster.workflows.classification",
    "run_demo": "custmaster.workflows.demo",
    "quality_report": "custmaster.workflows.quality",
    "QualityRules": "custmaster.workflows.quality",
    "QualityReport": "custmaster.workflows.quality",
    "open_store": "custmaster.store",
    "register_store": "custmaster.store",
    "MemoryStore": "custmaster.store",
    "Store": "custmaster.store",
    "IngestResult": "custmaster.store",
    "Outcome": "custmaster.store",
    "MergePolicy": "custmaster.merge",
    "CandidatePair": "custmaster.resolve",
    "Decision": "custmaster.resolve",
    "Service": "custmaster.service",
    "Permission": "custmaster.privacy.access",
    "Role": "custmaster.privacy.access",
    "User": "custmaster.privacy.access",
    "mask": "custmaster.privacy.masking",
    "PhoneNumber": "custmaster.validate.phone",
    "AuditChain": "custmaster.audit",
    "VehicleCatalog": "custmaster.catalog.vehicle_series",
    "VehicleClass": "custmaster.catalog.vehicle_series",
    "BusinessType": "custmaster.model",
    "ContactEvent": "custmaster.model",
    "ContactKind": "custmaster.model",
    "ContactOutcome": "custmaster.model",
    "ContactPoint": "custmaster.model",
    "ContactStatus": "custmaster.model",
    "Customer": "custmaster.model",
    "CustomerKind": "custmaster.model",
    "Endorsement": "custmaster.model",
    "EndorsementKind": "custmaster.model",
    "Gender": "custmaster.model",
    "HistoryEntry": "custmaster.model",
    "IdentityDocument": "custmaster.model",
    "Policy": "custmaster.model",
    "PolicyLine": "custmaster.model",
    "PolicyRole": "custmaster.model",
    "PolicyStatus": "custmaster.model",
    "Vehicle": "custmaster.model",
    "to_dict": "custmaster.serialize",
    "from_dict": "custmaster.serialize",
    "to_json": "custmaster.serialize",
    "from_json": "custmaster.serialize",
    "Channel": "custmaster.model.provenance",
    "Provenance": "custmaster.model.provenance",
    "SourceRecord": "custmaster.model.source",
    "open_table": "custmaster.workflows.reading",
    "validate_file": "custmaster.workflows.validation",
}

__all__ = [
    "AuditChain",
    "BusinessType",
    "CandidatePair",
    "Channel",
    "ClassificationRules",
    "ContactEvent",
    "ContactKind",
    "ContactOutcome",
    "ContactPoint",
    "ContactStatus",
    "CustmasterError",
    "Customer",
    "CustomerKind",
    "Decision",
    "Endorsement",
    "EndorsementKind",
    "Gender",
    "HistoryEntry",
    "IdentityDocument",
    "IngestResult",
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "MemoryStore",
    "MergePolicy",
    "NotFoundError",
    "Outcome",
    "Permission",
    "PermissionDenied",
    "PhoneNumber",
    "Policy",
    "PolicyLine",
    "PolicyRole",
    "PolicyStatus",
    "PostgresStore",
    "Provenance",
    "QualityReport",
    "QualityRules",
    "Role",
    "SQLiteStore",
    "Service",
    "SourceRecord",
    "Store",
    "StoreError",
    "UsageError",
    "User",
    "ValidationError",
    "ValidationWarning",
    "Vehicle",
    "VehicleCatalog",
    "VehicleClass",
    "__version__",
    "apply_endorsement",
    "classify_customers",
    "classify_vehicle",
    "enter_contacts",
    "export_renewals",
    "from_dict",
    "from_json",
    "import_callbacks",
    "import_channel_file",
    "import_core_extract",
    "import_endorsements",
    "lookup_policy",
    "mask",
    "open_store",
    "open_table",
    "quality_report",
    "record_callback",
    "register_store",
    "renewal_rows",
    "run_demo",
    "to_dict",
    "to_json",
    "validate_file",
]


def classify_vehicle(make_model: object, vin: object = None) -> VehicleClass:
    """Classify a 厂牌型号 string (and optionally a VIN) with the shipped vehicle catalog.

    Shorthand for `custmaster.catalog.vehicle_series.classify`.
    """
    from custmaster.catalog.vehicle_series import classify

    return classify(make_model, vin=vin)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'custmaster' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public API (`__all__`) and the module's dunders, not its helpers' names."""
    return sorted({*__all__, *(name for name in globals() if name.startswith("__"))})
