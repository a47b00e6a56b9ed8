"""Privacy: sensitivity classes, masking, access control and field-level encryption.

The pure core that the store and the service layer call (PRIVACY.md; PIPL, GB/T 35273-2020,
JR/T 0171-2020):

* `custmaster.privacy.sensitivity`: the C1/C2/C3 class, PIPL-sensitive flag and display kind
  of every field (`FIELD_POLICIES`); C3 data is refused (`refuse_c3`);
* `custmaster.privacy.masking`: one mask per field kind (`mask`), and
  `scan_for_personal_data` for tests;
* `custmaster.privacy.access`: permissions, roles, users and `check`;
* `custmaster.privacy.crypto`: AES-GCM field encryption with key rotation and a blind index
  (needs the ``crypto`` extra for encryption).

The audit chain is `custmaster.audit`, above the store.

>>> from custmaster.privacy import mask, policy_for
>>> mask("mobile", "13800138000"), policy_for("mobile").sensitivity.value
('138****8000', 'C2')
"""

from __future__ import annotations

from custmaster.privacy.access import (
    DEFAULT_ROLES,
    Permission,
    Role,
    User,
    can,
    check,
)
from custmaster.privacy.crypto import CryptoError, Keyring, generate_key
from custmaster.privacy.masking import Finding, mask, scan_for_personal_data
from custmaster.privacy.sensitivity import (
    FIELD_POLICIES,
    FieldKind,
    FieldPolicy,
    Sensitivity,
    is_c3,
    policy_for,
    refuse_c3,
)

__all__ = [
    "DEFAULT_ROLES",
    "FIELD_POLICIES",
    "CryptoError",
    "FieldKind",
    "FieldPolicy",
    "Finding",
    "Keyring",
    "Permission",
    "Role",
    "Sensitivity",
    "User",
    "can",
    "check",
    "generate_key",
    "is_c3",
    "mask",
    "policy_for",
    "refuse_c3",
    "scan_for_personal_data",
]
