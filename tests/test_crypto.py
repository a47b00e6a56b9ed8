"""Field-level encryption: round trip, wrong keys, rotation, blind index, missing package."""

from __future__ import annotations

import base64
import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custmaster.errors import CustmasterError, UsageError
from custmaster.privacy import crypto
from custmaster.privacy.crypto import (
    ENV_INDEX_KEY,
    ENV_KEY,
    CryptoError,
    Keyring,
    generate_key,
    is_ciphertext,
    key_id_of,
)

pytest.importorskip("cryptography")

ID = "11010519491231002X"
KEY_1, KEY_2, INDEX = (bytes([n]) * 32 for n in (1, 2, 3))
FORMAT = re.compile(r"v1:([A-Za-z0-9_-]+):([A-Za-z0-9+/]+=*)")


def _ring(**kwargs: object) -> Keyring:
    return Keyring({"k1": KEY_1}, active="k1", index_key=INDEX, **kwargs)  # type: ignore[arg-type]


def _code(error: pytest.ExceptionInfo[CustmasterError]) -> str:
    return error.value.code


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("resident_id", ID),
        ("bank_account", "6222021234567891234"),
        ("id_document", "E12345678"),
        ("address", "福建省厦门市思明区湖滨南路100号"),
        ("name", ""),
    ],
)
def test_round_trip(field: str, value: str) -> None:
    ring = _ring()
    token = ring.encrypt(value, field)
    assert ring.decrypt(token, field) == value
    match = FORMAT.fullmatch(token)
    assert match is not None
    assert match.group(1) == "k1"
    blob = base64.b64decode(match.group(2))
    assert len(blob) == 12 + len(value.encode()) + 16  # nonce | ciphertext | tag


@settings(max_examples=50)
@given(st.text(max_size=60), st.sampled_from(["resident_id", "bank_account", "x.y"]))
def test_round_trip_any_text(value: str, field: str) -> None:
    ring = _ring()
    assert ring.decrypt(ring.encrypt(value, field), field) == value


def test_no_plaintext_in_ciphertext_and_a_fresh_nonce_each_time() -> None:
    ring = _ring()
    tokens = {ring.encrypt(ID, "resident_id") for _ in range(20)}
    assert len(tokens) == 20
    for token in tokens:
        assert ID not in token
        assert ID[:6] not in token
        assert ID[-4:] not in token
        assert base64.b64encode(ID.encode()).decode()[:12] not in token
        assert ID.encode() not in base64.b64decode(token.split(":")[2])
        assert is_ciphertext(token)
    assert not is_ciphertext(ID)


def test_wrong_key_fails_clearly() -> None:
    token = _ring().encrypt(ID, "resident_id")
    impostor = Keyring({"k1": KEY_2}, active="k1")
    with pytest.raises(CryptoError) as caught:
        impostor.decrypt(token, "resident_id")
    assert _code(caught) == "crypto.decrypt_failed"
    message = str(caught.value)
    assert "wrong key" in message
    assert "'resident_id'" in message
    assert "'k1'" in message
    assert ID not in message
    assert token not in message


def test_wrong_field_fails() -> None:
    ring = _ring()
    token = ring.encrypt(ID, "resident_id")
    with pytest.raises(CryptoError) as caught:
        ring.decrypt(token, "bank_account")
    assert _code(caught) == "crypto.decrypt_failed"


def test_altered_ciphertext_fails() -> None:
    ring = _ring()
    prefix, key_id, body = ring.encrypt(ID, "resident_id").split(":")
    blob = bytearray(base64.b64decode(body))
    blob[15] ^= 1
    altered = f"{prefix}:{key_id}:{base64.b64encode(bytes(blob)).decode()}"
    with pytest.raises(CryptoError) as caught:
        ring.decrypt(altered, "resident_id")
    assert _code(caught) == "crypto.decrypt_failed"


def test_unknown_key_id() -> None:
    token = Keyring({"k9": KEY_2}, active="k9").encrypt(ID, "resident_id")
    with pytest.raises(CryptoError) as caught:
        _ring().decrypt(token, "resident_id")
    assert _code(caught) == "crypto.unknown_key"
    assert "'k9'" in caught.value.message


@pytest.mark.parametrize(
    "bad", [ID, "", "v1:k1:", "v1:k1:AAAA", "v2:k1:" + "A" * 40, "v1:k 1:" + "A" * 40, None]
)
def test_not_a_ciphertext(bad: object) -> None:
    with pytest.raises(CryptoError) as caught:
        _ring().decrypt(bad, "resident_id")  # type: ignore[arg-type]
    assert _code(caught) == "crypto.bad_ciphertext"
    assert ID not in str(caught.value)


def test_only_text_is_encrypted() -> None:
    with pytest.raises(CryptoError) as caught:
        _ring().encrypt(110105, "resident_id")  # type: ignore[arg-type]
    assert _code(caught) == "crypto.bad_value"


# -- rotation ------------------------------------------------------------------------------


def test_rotation() -> None:
    old = _ring()
    token = old.encrypt(ID, "resident_id")
    new = old.with_active("k2", KEY_2)
    assert new.active == "k2"
    assert sorted(new.keys) == ["k1", "k2"]
    assert new.decrypt(token, "resident_id") == ID
    assert new.needs_rotation(token)
    rotated = new.rotate(token, "resident_id")
    assert key_id_of(rotated) == "k2"
    assert not new.needs_rotation(rotated)
    assert new.rotate(rotated, "resident_id") is rotated
    retired = Keyring({"k2": KEY_2}, active="k2", index_key=INDEX)
    assert retired.decrypt(rotated, "resident_id") == ID
    with pytest.raises(CryptoError, match=r"crypto\.unknown_key"):
        retired.decrypt(token, "resident_id")
    with pytest.raises(CryptoError, match=r"crypto\.bad_key"):
        new.with_active("k1", generate_key())


def test_rotation_keeps_the_blind_index() -> None:
    assert _ring().with_active("k2", KEY_2).blind_index(ID, "resident_id") == _ring().blind_index(
        ID, "resident_id"
    )


# -- blind index -----------------------------------------------------------------------------


def test_blind_index_is_stable_and_key_dependent() -> None:
    index = _ring().blind_index(ID, "resident_id")
    assert re.fullmatch(r"[0-9a-f]{64}", index)
    assert (
        Keyring({"k7": KEY_2}, active="k7", index_key=INDEX).blind_index(ID, "resident_id") == index
    )  # same index key, other encryption key
    other = Keyring({"k1": KEY_1}, active="k1", index_key=bytes([4]) * 32)
    assert other.blind_index(ID, "resident_id") != index
    assert _ring().blind_index(ID, "bank_account") != index
    assert _ring().blind_index("110105194912310021", "resident_id") != index
    assert ID not in index


def test_blind_index_needs_its_key() -> None:
    ring = Keyring({"k1": KEY_1}, active="k1")
    with pytest.raises(CryptoError) as caught:
        ring.blind_index(ID, "resident_id")
    assert _code(caught) == "crypto.no_index_key"
    assert ENV_INDEX_KEY in caught.value.message


def test_the_index_key_must_differ_from_the_encryption_keys() -> None:
    with pytest.raises(CryptoError, match=r"crypto\.bad_key"):
        Keyring({"k1": KEY_1}, active="k1", index_key=KEY_1)


# -- keys ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "active"),
    [
        ({"k1": b"short"}, "k1"),
        ({"k1": "not base64!"}, "k1"),
        ({"k1": base64.b64encode(b"x" * 16).decode()}, "k1"),
        ({"k:1": KEY_1}, "k:1"),
        ({"k1": KEY_1}, "k2"),
        ({}, "k1"),
    ],
)
def test_bad_keys(keys: dict[str, object], active: str) -> None:
    with pytest.raises(CryptoError) as caught:
        Keyring(keys, active=active)  # type: ignore[arg-type]
    assert _code(caught) == "crypto.bad_key"


def test_repr_shows_no_key() -> None:
    key = generate_key()
    text = repr(Keyring({"k1": key}, active="k1", index_key=INDEX))
    assert text == "Keyring(active='k1', key_ids=['k1'], index_key='set')"
    assert key not in text


def test_keyring_from_env_single_key() -> None:
    key, index = generate_key(), generate_key()
    ring = Keyring.from_env({ENV_KEY: f" {key}\n", ENV_INDEX_KEY: index})
    assert re.fullmatch(r"k[0-9a-f]{8}", ring.active)
    assert ring.keys[ring.active] == base64.b64decode(key)
    assert ring.index_key == base64.b64decode(index)
    assert Keyring.from_env({ENV_KEY: key}).active == ring.active  # stable key ID
    assert Keyring.from_env({ENV_KEY: key}).index_key is None


def test_keyring_from_env_with_rotation() -> None:
    new, old = generate_key(), generate_key()
    ring = Keyring.from_env({ENV_KEY: f"k2:{new}, k1:{old}"})
    assert ring.active == "k2"
    assert ring.keys["k1"] == base64.b64decode(old)
    token = Keyring.from_env({ENV_KEY: f"k1:{old}"}).encrypt(ID, "resident_id")
    assert ring.decrypt(token, "resident_id") == ID


@pytest.mark.parametrize(
    ("env", "code"),
    [
        ({}, "crypto.no_key"),
        ({ENV_KEY: "  "}, "crypto.no_key"),
        ({ENV_KEY: "abc"}, "crypto.bad_key"),
        ({ENV_KEY: "k1:"}, "crypto.bad_key"),
        ({ENV_KEY: f"k1:{generate_key()},k1:{generate_key()}"}, "crypto.bad_key"),
    ],
)
def test_keyring_from_env_errors(env: dict[str, str], code: str) -> None:
    with pytest.raises(CryptoError) as caught:
        Keyring.from_env(env)
    assert _code(caught) == code
    if code == "crypto.no_key":
        assert ENV_KEY in caught.value.message


def test_keyring_from_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_KEY, raising=False)
    with pytest.raises(CryptoError, match=r"crypto\.no_key"):
        Keyring.from_env()
    monkeypatch.setenv(ENV_KEY, base64.b64encode(KEY_1).decode())
    assert Keyring.from_env().keys[Keyring.from_env().active] == KEY_1


def test_error_codes_are_declared() -> None:
    for code in ("no_key", "bad_key", "no_index_key", "unknown_key", "decrypt_failed"):
        assert f"crypto.{code}" in crypto.ERROR_CODES
    assert issubclass(CryptoError, CustmasterError)


def test_without_the_cryptography_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives.ciphers.aead", None)
    ring = _ring()
    with pytest.raises(UsageError) as caught:
        ring.encrypt(ID, "resident_id")
    assert caught.value.code == "crypto.not_installed"
    assert "pip install 'custmaster[crypto]'" in caught.value.message
    assert len(ring.blind_index(ID, "resident_id")) == 64  # the standard library suffices
