"""Encryption at rest for the SQL stores: what a `Sealer` seals and where.

With a `custmaster.privacy.crypto.Keyring`, a SQL store never writes an identity number in
plain text (the fields marked ``encrypt`` in `custmaster.privacy.sensitivity`: the resident
ID and the number of another identity document; the model has no bank account field):

* observation bodies (``cm_records.body``) and current views (``cm_customers.state``) hold
  the ciphertext (``v1:<key id>:<base64>``) in place of the value;
* index entries of the kinds ``resident_id`` and ``document`` hold the keyed blind index
  (HMAC) as their key, so look-ups by ID number still work, and the ciphertext in the
  ``sealed`` column, so the store can tell a customer's keys back (the resident ID is
  normalised to 18 digits before indexing: the 15- and 18-digit forms are one key).

Everything else (pairs, decisions, events) holds masked values only. ``cm_meta`` keeps a
fingerprint of each key (a hash that reveals nothing usable) so that a wrong key is refused
when the store is opened, before anything is read or written.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, MutableMapping
from typing import Any, TypeGuard

from custmaster.privacy.crypto import CryptoError, Keyring, is_ciphertext

__all__ = ["ERROR_CODES", "SEALED_KINDS", "Sealer", "fingerprint"]

ERROR_CODES: dict[str, str] = {
    "crypto.wrong_key": (
        "The keyring does not match the keys the encrypted store was written with."
    ),
    "crypto.index_key_rotated": (
        "The store's blind-index key was rotated after this store object was opened; nothing "
        "was written (reopen it with the new index key)."
    ),
    "crypto.store_encrypted": "The store is encrypted and was opened without a keyring.",
    "crypto.store_not_encrypted": (
        "A store holding unencrypted data was opened with a keyring (export and import it)."
    ),
}

#: Index kinds whose key is an identity number: stored as a blind index plus ciphertext.
SEALED_KINDS = frozenset({"resident_id", "document"})

_RESIDENT_ID = "resident_id"
_DOCUMENT_NUMBER = "id_document.number"
_MEMO = 4096


def fingerprint(key: bytes, purpose: str) -> str:
    """A check value of a key for ``cm_meta``: 16 hex digits of an HMAC under the key."""
    return hmac.new(key, f"custmaster key check {purpose}".encode(), hashlib.sha256).hexdigest()[
        :16
    ]


def _sealed(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and is_ciphertext(value)


def _error(code: str, message: str, message_zh: str) -> CryptoError:
    return CryptoError(message, code=code, message_zh=message_zh)


class Sealer:
    """Seals and opens the identity numbers a SQL store writes, with one keyring."""

    __slots__ = ("_blind", "_sealed", "keyring")

    def __init__(self, keyring: Keyring) -> None:
        if not isinstance(keyring, Keyring):
            raise TypeError("keyring must be a custmaster.privacy.crypto.Keyring")
        if keyring.index_key is None:
            raise _error(
                "crypto.no_index_key",
                "An encrypted store needs a blind-index key: set CUSTMASTER_INDEX_KEY or pass "
                "Keyring(..., index_key=...).",
                "加密存储需要盲索引密钥：请设置 CUSTMASTER_INDEX_KEY 或传入 index_key。",
            )
        self.keyring = keyring
        self._blind: dict[tuple[str, str], str] = {}
        #: Recent ciphertexts by (field, value): a customer's ID is written again with every
        #: change of its view, and reusing its ciphertext (nonce included) reveals only that
        #: the values are equal, which the blind index reveals anyway.
        self._sealed: dict[tuple[str, str], str] = {}

    # ------------------------------------------------------------------ meta

    def meta(self) -> dict[str, str]:
        """``cm_meta`` entries: the index key's fingerprint and each encryption key's."""
        ring = self.keyring
        assert ring.index_key is not None
        found = {"encryption.index_key": fingerprint(ring.index_key, "index")}
        for key_id, key in ring.keys.items():
            found[f"encryption.key.{key_id}"] = fingerprint(key, "encryption")
        return found

    def check(self, stored: Mapping[str, str]) -> None:
        """Raise ``crypto.wrong_key`` if a key differs from the one of the same role or ID
        the store was written with."""
        for name, value in self.meta().items():
            known = stored.get(name)
            if known is not None and not hmac.compare_digest(known, value):
                what = "blind-index key" if name.endswith("index_key") else f"key {name[15:]!r}"
                raise _error(
                    "crypto.wrong_key",
                    f"The {what} is not the one this store was encrypted with.",
                    "密钥与该存储加密时使用的密钥不一致。",
                )

    def check_index_key(self, stored: str | None) -> None:
        """Raise ``crypto.index_key_rotated`` unless ``stored`` (the store's recorded
        fingerprint) is this sealer's blind-index key: a writer still holding the old key
        after `rotate_index_key` would write entries no look-up finds."""
        mine = self.meta()["encryption.index_key"]
        if stored is not None and not hmac.compare_digest(stored, mine):
            raise _error(
                "crypto.index_key_rotated",
                "The store's blind-index key was rotated since this store was opened; nothing "
                "was written. Reopen the store with the new index key (CUSTMASTER_INDEX_KEY).",
                "该存储的盲索引密钥已在打开后轮换；未写入任何数据。请用新的索引密钥重新打开。",
            )

    # ------------------------------------------------------------------ values

    def blind(self, kind: str, key: str) -> str:
        """The blind index stored as the key of an index entry of ``kind``."""
        memo = self._blind
        found = memo.get((kind, key))
        if found is None:
            if len(memo) >= _MEMO:
                memo.clear()
            found = memo[(kind, key)] = self.keyring.blind_index(key, f"index.{kind}")
        return found

    def _encrypt(self, value: str, field: str) -> str:
        memo = self._sealed
        found = memo.get((field, value))
        if found is None:
            if len(memo) >= _MEMO:
                memo.clear()
            found = memo[(field, value)] = self.keyring.encrypt(value, field)
        return found

    def seal_key(self, kind: str, key: str) -> str:
        return self._encrypt(key, f"index.{kind}")

    def open_key(self, kind: str, sealed: str) -> str:
        return self.keyring.decrypt(sealed, f"index.{kind}")

    def seal_fields(self, data: MutableMapping[str, Any]) -> None:
        """Encrypt, in place, the identity numbers of record or view data."""
        encrypt = self._encrypt
        value = data.get(_RESIDENT_ID)
        if type(value) is str and not is_ciphertext(value):
            data[_RESIDENT_ID] = encrypt(value, _RESIDENT_ID)
        document = data.get("id_document")
        if isinstance(document, dict):
            number = document.get("number")
            if type(number) is str and not is_ciphertext(number):
                data["id_document"] = {**document, "number": encrypt(number, _DOCUMENT_NUMBER)}

    def open_fields(self, data: MutableMapping[str, Any]) -> None:
        """Decrypt, in place, what `seal_fields` encrypted."""
        open_fields(data, self)

    def rotate_fields(self, data: MutableMapping[str, Any]) -> bool:
        """Re-encrypt, in place, the sealed values under the active key; whether any changed."""
        ring = self.keyring
        changed = False
        value = data.get(_RESIDENT_ID)
        if _sealed(value) and ring.needs_rotation(value):
            data[_RESIDENT_ID] = ring.rotate(value, _RESIDENT_ID)
            changed = True
        document = data.get("id_document")
        if isinstance(document, dict):
            number = document.get("number")
            if _sealed(number) and ring.needs_rotation(number):
                data["id_document"] = {**document, "number": ring.rotate(number, _DOCUMENT_NUMBER)}
                changed = True
        return changed


def open_fields(data: MutableMapping[str, Any], sealer: Sealer | None) -> None:
    """Decrypt the sealed identity numbers of ``data`` in place; without a sealer, a sealed
    value raises ``crypto.store_encrypted``."""
    value = data.get(_RESIDENT_ID)
    document = data.get("id_document")
    number = document.get("number") if isinstance(document, dict) else None
    if not (is_ciphertext(value) or is_ciphertext(number)):
        return
    if sealer is None:
        raise encrypted_error()
    decrypt = sealer.keyring.decrypt
    if _sealed(value):
        data[_RESIDENT_ID] = decrypt(value, _RESIDENT_ID)
    if isinstance(document, dict) and _sealed(number):
        data["id_document"] = {**document, "number": decrypt(number, _DOCUMENT_NUMBER)}


def encrypted_error() -> CryptoError:
    return _error(
        "crypto.store_encrypted",
        "The data is encrypted: open the store with its keyring (keyring=Keyring(...), or "
        "CUSTMASTER_ENCRYPTION_KEY and CUSTMASTER_INDEX_KEY in the environment).",
        "数据已加密：请用其密钥打开存储（keyring=，或设置 CUSTMASTER_ENCRYPTION_KEY 和 "
        "CUSTMASTER_INDEX_KEY 环境变量）。",
    )
