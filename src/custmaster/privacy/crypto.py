"""Field-level encryption (AES-256-GCM) with key rotation, and a keyed blind index.

Optional protection at rest for identity numbers and bank accounts (the fields with
``encrypt=True`` in `custmaster.privacy.sensitivity.FIELD_POLICIES`): the store keeps the
ciphertext and, next to it, a blind index, so that a look-up by ID number still works while
the database never holds the plaintext.

* **Ciphertext** ``v1:<key_id>:<base64(nonce | ciphertext | tag)>``: AES-GCM with a 256-bit
  key and a random 96-bit nonce; the field name is bound as associated data, so a value
  copied into another field does not decrypt.
* **Keys** live in a `Keyring`: one active key that encrypts, older keys that still
  decrypt. `Keyring.rotate` re-encrypts a value under the active key; `needs_rotation` says
  which values to rotate. Keys come from the caller or from the environment variable
  ``CUSTMASTER_ENCRYPTION_KEY``: one base64 key, or ``id:base64`` pairs separated by commas,
  the first one active.
* **Blind index** `Keyring.blind_index`: HMAC-SHA256 under a separate index key
  (``CUSTMASTER_INDEX_KEY``), over the field name and the *normalised* value; deterministic,
  so equal values give equal indexes. It reveals which records share a value, and anyone
  holding the index key can test guesses; keep that key as secret as the others. Rotating
  the encryption key does not change the index.

AES-GCM needs the ``cryptography`` package: ``pip install 'custmaster[crypto]'``. It is
imported on first use; without it, encrypting raises `custmaster.UsageError`
(``crypto.not_installed``). The blind index needs only the standard library.

Errors are `CryptoError` with a stable code; no message contains a key, a plaintext or a
ciphertext.

More information:

* NIST SP 800-38D (GCM); RFC 2104 (HMAC)
* ../shared/PRIVACY.md; PIPL Art. 51 (encryption); GB/T 35273-2020 6.3

>>> ring = Keyring({"k1": bytes(range(32))}, active="k1", index_key=bytes(range(32, 64)))
>>> token = ring.encrypt("11010519491231002X", "resident_id")
>>> token.startswith("v1:k1:"), "11010519491231002X" in token
(True, False)
>>> ring.decrypt(token, "resident_id")
'11010519491231002X'
>>> ring.decrypt(token, "bank_account")
Traceback (most recent call last):
    ...
custmaster.privacy.crypto.CryptoError: [crypto.decrypt_failed] Cannot decrypt ...
>>> ring.blind_index("11010519491231002X", "resident_id")[:16]
'844bd00352050cba'
>>> newer = ring.with_active("k2", bytes(range(64, 96)))
>>> newer.needs_rotation(token), newer.rotate(token, "resident_id").startswith("v1:k2:")
(True, True)
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
import re
import secrets
import sys
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from custmaster.errors import CustmasterError, UsageError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "ENV_INDEX_KEY",
    "ENV_KEY",
    "ERROR_CODES",
    "CryptoError",
    "Keyring",
    "generate_key",
    "is_ciphertext",
    "key_id_of",
]

#: Environment variable holding the encryption key(s).
ENV_KEY = "CUSTMASTER_ENCRYPTION_KEY"
#: Environment variable holding the blind-index key.
ENV_INDEX_KEY = "CUSTMASTER_INDEX_KEY"

ERROR_CODES: dict[str, str] = {
    "crypto.no_key": f"No encryption key was given and {ENV_KEY} is not set.",
    "crypto.bad_key": (
        "A key is not base64 of exactly 32 bytes, a key ID is not 1-32 letters, digits, "
        "'_' or '-', or the index key equals an encryption key."
    ),
    "crypto.no_index_key": f"A blind index was asked for but no index key ({ENV_INDEX_KEY}).",
    "crypto.unknown_key": "The ciphertext names a key ID the keyring does not hold.",
    "crypto.decrypt_failed": (
        "Decryption failed: wrong key, wrong field or an altered ciphertext."
    ),
    "crypto.bad_ciphertext": "The value is not a custmaster ciphertext (v1:<key_id>:<base64>).",
    "crypto.bad_value": "Only text values can be encrypted or indexed.",
    "crypto.not_installed": "Encryption needs the cryptography package (custmaster[crypto]).",
}

_VERSION = "v1"
_KEY_BYTES = 32
_NONCE_BYTES = 12
_TAG_BYTES = 16
_AEAD = "cryptography.hazmat.primitives.ciphers.aead"
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_CIPHERTEXT = re.compile(r"v1:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/]+={0,2})")


class CryptoError(CustmasterError):
    """Field-level encryption failed: a key is missing or wrong, or a ciphertext is bad."""

    code = "crypto.error"
    message_en = "Encryption failed."
    message_zh = "加解密失败。"


def _error(code: str, message: str, message_zh: str) -> CryptoError:
    return CryptoError(message, code=code, message_zh=message_zh)


def _aesgcm(key: bytes) -> AESGCM:
    """The cipher of a key (checking that the cryptography package is there)."""
    loaded = sys.modules.get(_AEAD)
    if loaded is not None:  # imported before: no import statement on the hot path
        return _cipher(loaded.AESGCM, key)
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError:
        raise UsageError(
            "Field-level encryption needs the cryptography package: "
            "pip install 'custmaster[crypto]'.",
            code="crypto.not_installed",
            message_zh="字段加密需要 cryptography 包：pip install 'custmaster[crypto]'。",
        ) from None
    return _cipher(AESGCM, key)


@functools.lru_cache(maxsize=16)
def _cipher(kind: type[AESGCM], key: bytes) -> AESGCM:
    """A cipher made once per key: making one costs more than sealing a short value."""
    return kind(key)


def _bad_key(what: str) -> CryptoError:
    return _error(
        "crypto.bad_key",
        f"{what}: a key is base64 of exactly 32 bytes (generate_key() makes one), a key ID "
        "is 1-32 letters, digits, '_' or '-'.",
        f"{what}：密钥须为 32 字节的 base64 编码（可用 generate_key() 生成），"
        "密钥标识须为 1-32 位字母、数字、'_' 或 '-'。",
    )


def _key_bytes(value: object, what: str) -> bytes:
    if isinstance(value, str):
        try:
            value = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise _bad_key(f"{what} is not valid base64") from None
    if not isinstance(value, bytes) or len(value) != _KEY_BYTES:
        raise _bad_key(f"{what} is not 32 bytes long")
    return value


def _keys(value: Mapping[str, bytes | str]) -> Mapping[str, bytes]:
    if not isinstance(value, Mapping) or not value:
        raise _bad_key("The keyring has no keys")
    keys: dict[str, bytes] = {}
    for key_id, key in value.items():
        if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
            raise _bad_key("A key ID is malformed")
        keys[key_id] = _key_bytes(key, f"Key {key_id!r}")
    return MappingProxyType(keys)


def _index_key(value: bytes | str | None) -> bytes | None:
    return None if value is None else _key_bytes(value, "The index key")


def generate_key() -> str:
    """A new random 256-bit key, base64-encoded, for ``CUSTMASTER_ENCRYPTION_KEY`` and
    ``CUSTMASTER_INDEX_KEY`` (use two different keys).

    >>> len(base64.b64decode(generate_key()))
    32
    """
    return base64.b64encode(secrets.token_bytes(_KEY_BYTES)).decode("ascii")


def _fingerprint_id(key: bytes) -> str:
    """A key ID derived from a key (8 hex digits of a hash: reveals nothing usable)."""
    return "k" + hashlib.sha256(b"custmaster key id\x00" + key).hexdigest()[:8]


def is_ciphertext(value: object) -> bool:
    """Whether ``value`` has the form of a custmaster ciphertext (it is not decrypted).

    >>> is_ciphertext("v1:k1:AAAA"), is_ciphertext("11010519491231002X")
    (True, False)
    """
    return isinstance(value, str) and _CIPHERTEXT.fullmatch(value) is not None


def _parse(ciphertext: object) -> tuple[str, bytes]:
    match = _CIPHERTEXT.fullmatch(ciphertext) if isinstance(ciphertext, str) else None
    if match is not None:
        try:
            blob = base64.b64decode(match.group(2), validate=True)
        except (binascii.Error, ValueError):
            blob = b""
        if len(blob) >= _NONCE_BYTES + _TAG_BYTES:
            return match.group(1), blob
    raise _error(
        "crypto.bad_ciphertext",
        "The value is not a custmaster ciphertext (v1:<key_id>:<base64>).",
        "该值不是 custmaster 密文（v1:<密钥标识>:<base64>）。",
    )


def key_id_of(ciphertext: str) -> str:
    """The ID of the key that encrypted ``ciphertext``.

    >>> key_id_of("v1:k2:" + "A" * 40)
    'k2'
    """
    return _parse(ciphertext)[0]


def _associated_data(field: str) -> bytes:
    return f"custmaster:{_VERSION}:{field}".encode()


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise _error(
            "crypto.bad_value",
            f"Only text can be encrypted or indexed, not {type(value).__name__}.",
            "只能加密或索引文本。",
        )
    return value


@attrs.frozen(repr=False, eq=False)
class Keyring:
    """Encryption keys by ID (one active), and the separate blind-index key.

    Keys are 32 raw bytes or their base64 text. ``repr`` shows key IDs, never keys.

    >>> Keyring({"k1": generate_key(), "k0": generate_key()}, active="k1")
    Keyring(active='k1', key_ids=['k0', 'k1'], index_key=None)
    """

    keys: Mapping[str, bytes] = attrs.field(converter=_keys)
    active: str = attrs.field()
    index_key: bytes | None = attrs.field(default=None, converter=_index_key)

    @active.validator
    def _check_active(self, _attribute: object, value: str) -> None:
        if value not in self.keys:
            raise _bad_key(f"The active key ID {value!r} is not in the keyring")

    @index_key.validator
    def _check_index_key(self, _attribute: object, value: bytes | None) -> None:
        if value is not None and any(hmac.compare_digest(value, k) for k in self.keys.values()):
            raise _bad_key("The index key must differ from every encryption key")

    def __repr__(self) -> str:
        shown = "set" if self.index_key is not None else None
        return f"Keyring(active={self.active!r}, key_ids={sorted(self.keys)}, index_key={shown!r})"

    @classmethod
    def single(
        cls, key: bytes | str, *, key_id: str | None = None, index_key: bytes | str | None = None
    ) -> Keyring:
        """A keyring of one key; its ID defaults to a fingerprint of the key (``k1a2b3c4d``)."""
        raw = _key_bytes(key, "The key")
        key_id = key_id or _fingerprint_id(raw)
        return cls({key_id: raw}, active=key_id, index_key=index_key)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Keyring:
        """The keyring of ``CUSTMASTER_ENCRYPTION_KEY`` (and ``CUSTMASTER_INDEX_KEY`` if set).

        The encryption variable holds one base64 key, or ``id:base64`` pairs separated by
        commas, the first one active (``k2:…,k1:…`` after a rotation).

        >>> ring = Keyring.from_env({"CUSTMASTER_ENCRYPTION_KEY": f"k2:{generate_key()},"
        ...                                                        f"k1:{generate_key()}"})
        >>> ring.active, sorted(ring.keys)
        ('k2', ['k1', 'k2'])
        >>> Keyring.from_env({})
        Traceback (most recent call last):
            ...
        custmaster.privacy.crypto.CryptoError: [crypto.no_key] No encryption key: ...
        """
        env = os.environ if environ is None else environ
        text = env.get(ENV_KEY, "").strip()
        if not text:
            raise _error(
                "crypto.no_key",
                f"No encryption key: set {ENV_KEY} to a base64 256-bit key "
                "(custmaster.privacy.crypto.generate_key() makes one) or pass a Keyring.",
                f"缺少加密密钥：请将 {ENV_KEY} 设为 base64 编码的 256 位密钥，或传入 Keyring。",
            )
        index_key = env.get(ENV_INDEX_KEY, "").strip() or None
        items = [item.strip() for item in text.split(",") if item.strip()]
        if len(items) == 1 and ":" not in items[0]:
            return cls.single(items[0], index_key=index_key)
        keys: dict[str, bytes | str] = {}
        for item in items:
            key_id, _, key = item.partition(":")
            if not key or key_id in keys:
                raise _bad_key(f"{ENV_KEY} is not 'id:base64' pairs with distinct IDs")
            keys[key_id.strip()] = key
        return cls(keys, active=next(iter(keys)), index_key=index_key)

    def with_active(self, key_id: str, key: bytes | str) -> Keyring:
        """A keyring where ``key`` (new) is active and every current key still decrypts."""
        if key_id in self.keys:
            raise _bad_key(f"The key ID {key_id!r} is already in the keyring")
        return Keyring({**self.keys, key_id: key}, active=key_id, index_key=self.index_key)

    def encrypt(self, value: str, field: str) -> str:
        """Encrypt ``value`` of ``field`` under the active key: ``v1:<key_id>:<base64>``.

        Each call uses a fresh random nonce, so equal values give different ciphertexts; use
        `blind_index` to find equal values.
        """
        plaintext = _text(value).encode("utf-8")
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = _aesgcm(self.keys[self.active]).encrypt(nonce, plaintext, _associated_data(field))
        body = base64.b64encode(nonce + sealed).decode("ascii")
        return f"{_VERSION}:{self.active}:{body}"

    def decrypt(self, ciphertext: str, field: str) -> str:
        """The plaintext of ``ciphertext``, which must have been encrypted for ``field``.

        Raises `CryptoError`: ``crypto.bad_ciphertext`` (not a ciphertext),
        ``crypto.unknown_key`` (key ID not in the keyring), ``crypto.decrypt_failed`` (wrong
        key, wrong field or altered).
        """
        key_id, blob = _parse(ciphertext)
        key = self.keys.get(key_id)
        if key is None:
            raise _error(
                "crypto.unknown_key",
                f"The ciphertext was made with key {key_id!r}, which the keyring does not "
                f"hold (it holds {sorted(self.keys)}).",
                f"密文使用的密钥 {key_id!r} 不在密钥环中。",
            )
        cipher = _aesgcm(key)
        from cryptography.exceptions import InvalidTag

        try:
            plaintext = cipher.decrypt(
                blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], _associated_data(field)
            )
            return plaintext.decode("utf-8")
        except (InvalidTag, UnicodeDecodeError):
            raise _error(
                "crypto.decrypt_failed",
                f"Cannot decrypt field {field!r} with key {key_id!r}: wrong key, wrong field "
                "or altered ciphertext.",
                f"无法用密钥 {key_id!r} 解密字段 {field!r}：密钥错误、字段不符或密文被篡改。",
            ) from None

    def needs_rotation(self, ciphertext: str) -> bool:
        """Whether ``ciphertext`` was made with a key other than the active one."""
        return key_id_of(ciphertext) != self.active

    def rotate(self, ciphertext: str, field: str) -> str:
        """``ciphertext`` re-encrypted under the active key (returned as is if it already is)."""
        if not self.needs_rotation(ciphertext):
            return ciphertext
        return self.encrypt(self.decrypt(ciphertext, field), field)

    def blind_index(self, value: str, field: str) -> str:
        """HMAC-SHA256 (hex) of the field name and ``value`` under the index key.

        Deterministic: index the normalised value (``cn_resident_id.validate(...)``) on
        write and on look-up. The field name is part of the input, so one value gets
        different indexes in different fields.
        """
        if self.index_key is None:
            raise _error(
                "crypto.no_index_key",
                f"A blind index needs an index key: set {ENV_INDEX_KEY} or pass index_key=.",
                f"盲索引需要索引密钥：请设置 {ENV_INDEX_KEY} 或传入 index_key。",
            )
        message = f"custmaster:bi:{_VERSION}:{field}\x00{_text(value)}".encode()
        return hmac.new(self.index_key, message, hashlib.sha256).hexdigest()
