"""The audit chain: entries, storage round trip, and tampering found where it happened."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custmaster.audit import (
    ERROR_CODES,
    GENESIS,
    GENESIS_HASH,
    Anchor,
    AuditChain,
    AuditEntry,
    AuditError,
    holds_personal_data,
    select,
    verify,
)
from custmaster.errors import UsageError
from custmaster.privacy.access import User
from custmaster.privacy.masking import scan_for_personal_data

T0 = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.timezone.utc)


def _clock() -> Any:
    ticks = iter(range(10_000))
    return lambda: T0 + dt.timedelta(minutes=next(ticks))


def _chain(n: int = 6) -> tuple[AuditChain, list[AuditEntry]]:
    chain = AuditChain(clock=_clock())
    users = ["wang.fang", "li.na", "zhao.lei"]
    entries = [
        chain.append(
            users[i % 3],
            ["entry", "modify", "reveal", "export"][i % 4],
            customer_id=f"C{i % 2:06d}",
            fields=["mobile", "address"] if i % 2 else ["resident_id"],
            channel="counter",
            detail={"rows": i, "reason": "callback"},
        )
        for i in range(n)
    ]
    return chain, entries


def _codes(result: Any) -> list[tuple[int | None, str]]:
    return [(p.seq, p.code) for p in result.problems]


def _rehash(data: dict[str, Any]) -> dict[str, Any]:
    """What a forger who knows the format does: recompute the hash of a changed entry."""
    content = {k: v for k, v in data.items() if k != "hash"}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return {**data, "hash": hashlib.sha256(text.encode()).hexdigest()}


# -- making entries --------------------------------------------------------------------------


def test_entries_are_numbered_and_linked() -> None:
    chain, entries = _chain()
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
    assert entries[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    assert all(e.hash == e.compute_hash() for e in entries)
    assert len({e.hash for e in entries}) == 6
    assert chain.head == Anchor(6, entries[-1].hash)
    assert verify(entries).ok
    assert verify(entries).head == chain.head


def test_the_hash_is_sha256_of_canonical_json() -> None:
    _, (entry, *_) = _chain(1)
    content = entry.to_dict()
    del content["hash"]
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert entry.hash == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert content["v"] == 1
    assert content["at"] == "2026-01-05T08:00:00.000000+00:00"


def test_fields_are_sorted_and_deduplicated_and_user_channel_is_the_default() -> None:
    chain = AuditChain(clock=_clock())
    user = User("王芳", roles=["operator"], channel="callback")
    entry = chain.append(user, "entry", fields=["name", "mobile", "name"])
    assert (entry.user, entry.channel, entry.fields) == ("王芳", "callback", ("mobile", "name"))
    assert chain.append(user, "query", channel="counter").channel == "counter"


def test_entry_repr_masks_the_user() -> None:
    entry = AuditChain().append("欧阳娜娜", "reveal", customer_id="C1", fields="resident_id")
    text = repr(entry)
    assert "欧阳**" in text
    assert "欧阳娜娜" not in text
    assert "fields=('resident_id',)" in text


def test_times_are_stored_in_utc() -> None:
    beijing = dt.timezone(dt.timedelta(hours=8))
    entry = AuditChain().append("a", "query", at=dt.datetime(2026, 1, 5, 16, 0, tzinfo=beijing))
    assert entry.at == T0
    assert entry.at.tzinfo == dt.timezone.utc
    naive = AuditChain().append("a", "query", at=dt.datetime(2026, 1, 5, 8, 0))
    assert naive.at == T0


def test_a_chain_continues_from_the_last_stored_entry() -> None:
    _, entries = _chain(3)
    later = AuditChain(entries[-1], clock=_clock())
    fourth = later.append("li.na", "export", detail={"rows": 10})
    assert (fourth.seq, fourth.prev_hash) == (4, entries[-1].hash)
    assert verify([*entries, fourth]).ok
    from_anchor = AuditChain(Anchor.of(entries[-1]))
    assert from_anchor.head == later.head.__class__(3, entries[-1].hash)


# -- values never enter the log --------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"fields": ["13800138000"]}, "audit.bad_field"),
        ({"fields": ["mobile=13800138000"]}, "audit.bad_field"),
        ({"fields": ["name", "张 伟"]}, "audit.bad_field"),
        ({"fields": [""]}, "audit.bad_field"),
        ({"detail": {"note": "客户新号码 13800138000"}}, "audit.personal_detail"),
        ({"detail": {"old": "11010519491231002X"}}, "audit.personal_detail"),
        ({"detail": {"mobile": "changed"}}, "audit.personal_detail"),
        ({"detail": {"name": "张伟"}}, "audit.personal_detail"),
        ({"detail": {"password": "x"}}, "audit.personal_detail"),
        ({"detail": {"Reason": "x"}}, "audit.bad_detail"),
        ({"detail": {"reason": 1.5}}, "audit.bad_detail"),
        ({"detail": {"reason": "x" * 201}}, "audit.bad_detail"),
        ({"customer_id": "11010519491231002X"}, "audit.personal_detail"),
        ({"channel": "Call Centre"}, "audit.bad_detail"),
    ],
)
def test_values_and_personal_data_are_refused(kwargs: dict[str, Any], code: str) -> None:
    chain = AuditChain()
    with pytest.raises(UsageError) as caught:
        chain.append("wang.fang", "modify", **kwargs)
    assert caught.value.code == code
    assert code in ERROR_CODES
    assert not scan_for_personal_data(str(caught.value))
    assert chain.head == GENESIS


@pytest.mark.parametrize("operation", ["", "Reveal", "reveal customer", "1query"])
def test_bad_operations_and_users_are_refused(operation: str) -> None:
    with pytest.raises(UsageError, match=r"audit\.bad_operation"):
        AuditChain().append("a", operation)
    with pytest.raises(UsageError, match=r"audit\.bad_user"):
        AuditChain().append(" ", "query")


def test_allowed_detail_and_extra_field_names() -> None:
    entry = AuditChain().append(
        "a", "import.rows", fields=["extra.车队", "mobile"], detail={"rows": 3, "dry_run": False}
    )
    assert entry.fields == ("extra.车队", "mobile")
    assert dict(entry.detail) == {"dry_run": False, "rows": 3}


# -- storage round trip ------------------------------------------------------------------------


def test_dicts_round_trip_through_json() -> None:
    _, entries = _chain()
    stored = [json.loads(json.dumps(e.to_dict(), ensure_ascii=False)) for e in entries]
    loaded = [AuditEntry.from_dict(d) for d in stored]
    assert loaded == entries
    assert verify(stored).ok
    assert verify(loaded).ok


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("hash"),
        lambda d: d.update(extra=1),
        lambda d: d.update(v=2),
        lambda d: d.update(seq="3"),
        lambda d: d.update(seq=True),
        lambda d: d.update(at="yesterday"),
        lambda d: d.update(fields="mobile"),
        lambda d: d.update(detail={"x": [1]}),
        lambda d: d.update(user=None),
    ],
)
def test_malformed_stored_entries_are_refused(change: Any) -> None:
    _, (entry,) = _chain(1)
    data = entry.to_dict()
    change(data)
    with pytest.raises(AuditError) as caught:
        AuditEntry.from_dict(data)
    assert caught.value.code == "audit.malformed"
    result = verify([data])
    assert _codes(result) == [(None, "audit.malformed")]
    assert result.problems[0].position == 0


# -- tampering -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("user", "mallory"),
        ("operation", "query"),
        ("customer_id", "C999999"),
        ("fields", ["address"]),
        ("channel", "web"),
        ("detail", {"rows": 99, "reason": "callback"}),
        ("at", "2026-01-05T09:00:00.000000+00:00"),
    ],
)
def test_a_changed_entry_is_found(key: str, value: object) -> None:
    _, entries = _chain()
    stored = [e.to_dict() for e in entries]
    stored[2][key] = value
    result = verify(stored)
    assert not result.ok
    assert _codes(result) == [(3, "audit.altered")]
    assert result.problems[0].position == 2
    assert "entry 3" in result.problems[0].message


def test_a_changed_and_rehashed_entry_breaks_the_next_link() -> None:
    _, entries = _chain()
    stored = [e.to_dict() for e in entries]
    stored[2]["user"] = "mallory"
    stored[2] = _rehash(stored[2])
    assert _codes(verify(stored)) == [(4, "audit.broken_link")]


def test_an_inserted_entry_is_found() -> None:
    _, entries = _chain()
    forged = AuditChain(entries[2]).append("ghost", "export", detail={"rows": 100000})
    tampered = [*entries[:3], forged, *entries[3:]]
    assert _codes(verify(tampered)) == [(4, "audit.broken_link"), (4, "audit.out_of_order")]


def test_an_inserted_entry_with_renumbering_is_found() -> None:
    _, entries = _chain()
    forged = AuditChain(entries[2]).append("ghost", "export")
    rest = [_rehash({**e.to_dict(), "seq": e.seq + 1}) for e in entries[3:]]
    assert _codes(verify([*entries[:3], forged, *rest])) == [
        (5, "audit.broken_link"),
        (6, "audit.broken_link"),
        (7, "audit.broken_link"),
    ]


def test_a_deleted_entry_is_found() -> None:
    _, entries = _chain()
    del entries[3]
    result = verify(entries)
    assert _codes(result) == [(5, "audit.broken_link"), (5, "audit.gap")]
    assert "entry 4 is missing" in result.problems[1].message


def test_deleting_the_first_entry_is_found() -> None:
    _, entries = _chain()
    assert _codes(verify(entries[1:])) == [(2, "audit.broken_link"), (2, "audit.gap")]


def test_reordered_entries_are_found() -> None:
    _, entries = _chain()
    entries[2], entries[3] = entries[3], entries[2]
    assert _codes(verify(entries)) == [
        (4, "audit.broken_link"),
        (4, "audit.gap"),
        (3, "audit.broken_link"),
        (3, "audit.out_of_order"),
        (5, "audit.broken_link"),
        (5, "audit.gap"),
    ]


def test_a_deleted_tail_needs_the_anchored_head() -> None:
    chain, entries = _chain()
    assert verify(entries[:4]).ok  # undetectable without an anchor
    result = verify(entries[:4], expected_head=chain.head)
    assert _codes(result) == [(6, "audit.truncated")]
    assert "entries after 4 were deleted" in result.problems[0].message
    assert verify(entries, expected_head=chain.head).ok


def test_a_rewritten_chain_needs_the_anchored_head() -> None:
    chain, entries = _chain()
    forger = AuditChain(entries[2], clock=_clock())
    rewritten = [*entries[:3], *(forger.append("ghost", "query") for _ in range(3))]
    assert verify(rewritten).ok  # a consistent forgery from entry 4 on
    assert _codes(verify(rewritten, expected_head=chain.head)) == [(6, "audit.head_mismatch")]
    anchor_3 = Anchor.of(entries[2])
    assert verify(rewritten, expected_head=anchor_3).ok


def test_an_anchor_in_the_middle_checks_the_history_before_it() -> None:
    _, entries = _chain()
    anchor = Anchor.of(entries[3])
    assert verify(entries, expected_head=anchor).ok
    assert _codes(verify(entries, expected_head=Anchor(4, "f" * 64))) == [
        (4, "audit.head_mismatch")
    ]


def test_a_segment_verifies_from_its_start_anchor() -> None:
    _, entries = _chain()
    assert verify(entries[3:], start=Anchor.of(entries[2])).ok
    assert not verify(entries[3:], start=Anchor.of(entries[1])).ok


def test_raise_for_problems() -> None:
    _, entries = _chain()
    verify(entries).raise_for_problems()
    del entries[1]
    with pytest.raises(AuditError) as caught:
        verify(entries).raise_for_problems()
    assert caught.value.code == "audit.tampered"
    assert "entry 2 is missing" in caught.value.message
    assert not verify(entries)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 12), st.data())
def test_any_single_deletion_or_change_is_found(n: int, data: st.DataObject) -> None:
    chain, entries = _chain(n)
    stored = [e.to_dict() for e in entries]
    i = data.draw(st.integers(0, n - 1))
    if data.draw(st.booleans()):
        del stored[i]
        expected_seq = i + 2 if i < n - 1 else n
    else:
        stored[i]["detail"] = {"rows": -1}
        expected_seq = i + 1
    result = verify(stored, expected_head=chain.head)
    assert not result.ok
    assert result.problems[0].seq == expected_seq


# -- queries -----------------------------------------------------------------------------------


def test_select_by_customer_user_operation_and_time() -> None:
    _, entries = _chain()
    assert [e.seq for e in select(entries, customer_id="C000001")] == [2, 4, 6]
    assert [e.seq for e in select(entries, user="li.na")] == [2, 5]
    assert [e.seq for e in select(entries, operation="reveal")] == [3]
    since, until = T0 + dt.timedelta(minutes=1), T0 + dt.timedelta(minutes=3)
    assert [e.seq for e in select(entries, since=since, until=until)] == [2, 3]
    assert [e.seq for e in select(entries, since=dt.datetime(2026, 1, 5, 8, 4))] == [5, 6]


def test_entries_are_immutable_and_hashable() -> None:
    _, (entry,) = _chain(1)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        entry.user = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        entry.detail["rows"] = 2  # type: ignore[index]
    assert hash(entry) == hash(AuditEntry.from_dict(entry.to_dict()))


@given(
    user=st.text(min_size=1, max_size=12).filter(str.strip),
    channel=st.none() | st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True),
    customer=st.none() | st.text(max_size=12).filter(lambda t: not scan_for_personal_data(t)),
    fields=st.lists(st.sampled_from(["mobile", "name", "extra.车队", 'extra."q"', "地址"])),
    detail=st.dictionaries(
        st.sampled_from(["rows", "purpose", "merge", "other", "note_code"]),
        st.none()
        | st.booleans()
        | st.integers()
        | st.text(max_size=20, alphabet='ab"\\\n\t中é\x00'),
    ),
)
def test_an_appended_entry_hashes_its_canonical_content(  # type: ignore[no-untyped-def]
    user, channel, customer, fields, detail
) -> None:
    entry = AuditChain().append(
        user, "entry", customer_id=customer, fields=fields, channel=channel, detail=detail
    )
    assert entry.hash == entry.compute_hash()
    assert AuditEntry.from_dict(entry.to_dict()) == entry
    assert verify([entry]).ok


def _resident_id(body: str) -> str:
    from custmaster.validate import cn_resident_id

    return body + cn_resident_id.calc_check_digit(body)


#: Pieces of texts that hold, or nearly hold, an ID or mobile number, with separators and the
#: letters and digits around them.
_PIECES = st.one_of(
    st.sampled_from(
        [
            "11010519491231002X",
            "110105491231002",
            "13800138000",
            "+86 138-0013-8000",
            "8613800138000",
            "86",
            "+",
            "-",
            " ",
            "X",
            "x",
            "@",
            ".",
            "renews@PDAA",
            "extra.",
            "车队",
            "１３８",
        ]
    ),
    st.text(alphabet="0123456789 -+Xx", max_size=20),
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.from_regex(r"[1-6][0-9]{16}", fullmatch=True).map(_resident_id),
    st.from_regex(r"[0-9]{11,19}", fullmatch=True),
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_PIECES, max_size=6).map("".join))
def test_holds_personal_data_answers_as_the_scan_does(text: str) -> None:
    assert holds_personal_data(text) == bool(scan_for_personal_data(text))


@given(st.text(max_size=40))
def test_holds_personal_data_answers_as_the_scan_does_on_any_text(text: str) -> None:
    assert holds_personal_data(text) == bool(scan_for_personal_data(text))
