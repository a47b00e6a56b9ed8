"""Identity keys of a source record: strong keys, link keys and the index entries of a customer.

Strong keys identify a customer on their own: the resident ID (`custmaster.validate.
cn_resident_id` already turns the 15-digit form into the 18-digit one, so both are one key),
the USCC of an organisation, and another identity document by type, country and number.

An organisation's code from before the USCC (组织机构代码, a document of type ``org_code``)
is such a document key, and a USCC gives it too: characters 9-17 of a USCC are the
organisation's code (`custmaster.validate.cn_uscc.get_organisation_code`), so a record of the
USCC also carries the ``document`` key ``org_code|CHN|<code>`` (`org_code_key`) when they are
a valid code. An organisation known by its old code and later by its USCC is then one
customer. Two different USCCs holding one code are not: resolution pairs them for review
(`custmaster.resolve.resolver`). A person's record computes nothing more.

Link keys attach a record without a strong key: the policy number, then the plate or VIN of
the vehicle insured by a policy in force on the day the record was observed. Names, birth
dates and phone numbers are never keys; they only raise candidate pairs for review.

The index entries (`IndexEntry`) are what a store keeps to answer those lookups; they are
computed here, so every store indexes the same way.

>>> from custmaster.model.provenance import Provenance
>>> from custmaster.model.source import SourceRecord
>>> record = SourceRecord(
...     provenance=Provenance(channel="core_system", source_ref="R1", observed_at="2026-01-05"),
...     resident_id="110105491231002", name="张伟", mobile="13800138000")
>>> strong_keys(record)
(StrongKey(kind='resident_id', value='110***********002X'),)
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from custmaster.merge._mask import mask_value
from custmaster.merge.engine import DEFAULT_ROLE, POLICY_INDEXED, GoldenState, RecordLike
from custmaster.model.identity import DocumentType, Gender, IdentityDocument
from custmaster.validate import cn_org_code, cn_resident_id

__all__ = [
    "INDEX_KINDS",
    "PHONE_FIELDS",
    "STRONG_KINDS",
    "IndexEntry",
    "StrongKey",
    "VehicleCover",
    "birth_date_of",
    "birth_iso_of",
    "contradictions",
    "cover_window",
    "document_of",
    "index_entries",
    "is_org_code_key",
    "lone_policy_entries",
    "org_code_key",
    "orphan_entries",
    "policy_entries",
    "role_of",
    "strong_keys",
]

#: Strong key kinds, most decisive first.
STRONG_KINDS: tuple[str, ...] = ("resident_id", "uscc", "document")

#: Record fields holding phone numbers (index kind ``phone``).
PHONE_FIELDS: tuple[str, ...] = ("mobile", "home_phone", "office_phone", "fax")

#: Every index kind a store keeps, with what its key is.
INDEX_KINDS: dict[str, str] = {
    "resident_id": "18-digit resident ID; payload 'owner' or 'held' (contradicted record)",
    "uscc": "USCC; payload 'owner'",
    "document": (
        "'type|country|number' of another identity document, and 'org_code|CHN|<code>' of the "
        "organisation code a USCC holds; payload 'owner'"
    ),
    "policy_no": "policy number; payload: the customer's role on it",
    "plate": "plate of a policy's vehicle; payload: VehicleCover",
    "vin": "VIN of a policy's vehicle; payload: VehicleCover",
    "orphan_plate": "plate seen on a customer with no strong key and no policy; payload: date",
    "orphan_vin": "VIN seen on a customer with no strong key and no policy; payload: date",
    "phone": "E.164 phone number (any kind)",
    "email": "e-mail address",
    "name": "name as normalised",
    "birth_date": "ISO birth date",
    "name_birth": "'name|ISO birth date'",
    "cover_end": "'YYYY-MM' of a policy's cover end; payload: the policy number",
}


class StrongKey(NamedTuple):
    """A strong identity key: ``kind`` in `STRONG_KINDS` and the normalised value.

    ``repr`` masks the value.
    """

    kind: str
    value: str

    def __repr__(self) -> str:
        field = "id_document" if self.kind == "document" else self.kind
        shown = mask_value(field, self.value.rsplit("|", 1)[-1])
        return f"StrongKey(kind={self.kind!r}, value={shown!r})"


class VehicleCover(NamedTuple):
    """Payload of a ``plate``/``vin`` index entry: the policy covering it, when, in what role."""

    policy_no: str
    role: str
    cover_start: dt.date | None
    cover_end: dt.date | None

    def covers(self, day: dt.date) -> bool:
        """Whether the cover includes ``day`` (see `cover_window` for a missing end)."""
        window = cover_window(self.cover_start, self.cover_end)
        return window is not None and window[0] <= day <= window[1]


def _year_shifted(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def cover_window(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a cover; None when neither end is known.

    Where an extract gives one end only (no 起保日期, say), the cover is taken as the year up
    to the end, or from the start: a motor policy runs a year at most, so a record observed
    in that year can be matched to it by plate or VIN.

    >>> cover_window(None, dt.date(2027, 1, 4))
    (datetime.date(2026, 1, 5), datetime.date(2027, 1, 4))
    >>> cover_window(dt.date(2024, 2, 29), None)
    (datetime.date(2024, 2, 29), datetime.date(2025, 2, 27))
    """
    if start is not None and end is not None:
        return start, end
    if end is not None:
        return _year_shifted(end, -1) + dt.timedelta(days=1), end
    if start is not None:
        return start, _year_shifted(start, 1) - dt.timedelta(days=1)
    return None


class IndexEntry(NamedTuple):
    """One lookup entry of a customer: ``(kind, key, payload)``.

    ``group`` is ``""`` for entries that stay as long as the customer exists, or
    ``"policy:<no>"`` for the vehicle entries of a policy, replaced when the policy's current
    plate, VIN or cover changes.
    """

    kind: str
    key: str
    payload: Any = None
    group: str = ""

    def __repr__(self) -> str:
        return (
            f"IndexEntry(kind={self.kind!r}, key={_mask_index_key(self.kind, self.key)!r}, "
            f"payload={self.payload!r}, group={self.group!r})"
        )


# The "YYYY-MM" key of each cover-end date seen lately: formatting a date costs more than
# looking it up, and a book's cover ends fall on a few thousand days.
_MONTHS: dict[dt.date, str] = {}

# Builds a named tuple from a plain tuple of all its fields, without the Python-level __new__.
_new = tuple.__new__

#: The field whose mask an index kind's keys use.
_KEY_FIELDS = {"phone": "mobile", "orphan_plate": "plate", "orphan_vin": "vin"}


def _mask_index_key(kind: str, key: str) -> str:
    if kind == "name_birth":
        name, _, birth = key.partition("|")
        return f"{mask_value('name', name)}|{mask_value('birth_date', birth)}"
    if kind == "document":
        doc_type, country, number = [*key.split("|", 2), "", ""][:3]
        return f"{doc_type}|{country}|{mask_value('id_document', number)}"
    return mask_value(_KEY_FIELDS.get(kind, kind), key)


def document_of(record: RecordLike) -> IdentityDocument | None:
    """The identity document other than the resident ID that a record carries, if any."""
    document = getattr(record, "id_document", None)
    return document if isinstance(document, IdentityDocument) else None


#: The ``document`` keys of organisation codes start so (`org_code_key`).
_ORG_CODE_PREFIX = f"{DocumentType.ORG_CODE.value}|CHN|"


def org_code_key(code: str) -> str:
    """The ``document`` key of an organisation code (9 characters, validated): the key of an
    `IdentityDocument` of type ``org_code`` and of a USCC holding the code.

    >>> org_code_key("600037341")
    'org_code|CHN|600037341'
    """
    return _ORG_CODE_PREFIX + code


def is_org_code_key(key: StrongKey) -> bool:
    """Whether a strong key is an organisation code's (`org_code_key`)."""
    return key.kind == "document" and key.value.startswith(_ORG_CODE_PREFIX)


def _code_in(uscc: str) -> str | None:
    """The organisation code a validated USCC holds (characters 9-17), when it is a valid one."""
    code = uscc[8:17]
    return code if cn_org_code.is_valid(code) else None


def strong_keys(record: RecordLike) -> tuple[StrongKey, ...]:
    """The strong keys of a record, most decisive first; a USCC is followed by the key of
    the organisation code it holds (`org_code_key`), unless the record states that code."""
    resident_id = getattr(record, "resident_id", None)
    uscc = getattr(record, "uscc", None)
    document = document_of(record)
    if uscc is None and document is None:  # the common case: a person with a resident ID
        return (_new(StrongKey, ("resident_id", resident_id)),) if resident_id else ()
    keys: list[StrongKey] = []
    if resident_id:
        keys.append(StrongKey("resident_id", resident_id))
    if uscc:
        keys.append(StrongKey("uscc", uscc))
    stated = None
    if document is not None:
        stated = "|".join(str(part or "") for part in document.key)
        keys.append(StrongKey("document", stated))
    if uscc:
        code = _code_in(uscc)
        if code is not None and org_code_key(code) != stated:
            keys.append(StrongKey("document", org_code_key(code)))
    return tuple(keys)


# Kept for the last few IDs only: one record's ID is decoded two or three times in a row
# (resolution, then its index entries); a large cache would keep resident IDs in memory and
# give the garbage collector thousands of tuples to scan.
@functools.lru_cache(maxsize=16)
def _from_id(resident_id: str) -> tuple[dt.date, Gender]:
    """Birth date and gender encoded in a validated 18-digit resident ID."""
    if len(resident_id) == 18 and resident_id[:17].isdigit():
        birth = dt.date(int(resident_id[6:10]), int(resident_id[10:12]), int(resident_id[12:14]))
        return birth, Gender.MALE if int(resident_id[16]) % 2 else Gender.FEMALE
    parsed = cn_resident_id.parse(resident_id)
    return parsed.birth_date, Gender(parsed.gender)


def birth_date_of(record: RecordLike) -> dt.date | None:
    """The birth date a record states, or the one its resident ID encodes."""
    birth = getattr(record, "birth_date", None)
    if isinstance(birth, dt.date):
        return birth
    resident_id = getattr(record, "resident_id", None)
    if resident_id:
        return _from_id(resident_id)[0]
    return None


def birth_iso_of(record: RecordLike) -> str | None:
    """`birth_date_of` as ISO 8601 text (read straight from an 18-digit resident ID, whose
    birth date its validation checked: no date object is made)."""
    return _birth_iso(getattr(record, "birth_date", None), getattr(record, "resident_id", None))


def _name_birth(
    name: str | None, birth: object, resident_id: str | None
) -> tuple[str | None, str | None]:
    """``(ISO birth date, "name|ISO birth date" key)`` of a record's values (None each where
    unknown). The last answer is kept: resolution and then indexing ask it of one record's
    values in a row, and the key then is one text object, shared by both."""
    last = _last_name_birth[0]
    if last[0] is name and last[1] is birth and last[2] is resident_id:
        return last[3]
    iso = _birth_iso(birth, resident_id)
    found = (iso, f"{name}|{iso}" if name and iso is not None else None)
    # one tuple, replaced whole: a reader in another thread sees an old or a new answer
    _last_name_birth[0] = (name, birth, resident_id, found)
    return found


_last_name_birth: list[tuple[Any, Any, Any, tuple[str | None, str | None]]] = [
    (None, None, None, (None, None))
]


def _birth_iso(birth: object, resident_id: str | None) -> str | None:
    if isinstance(birth, dt.date):
        return birth.isoformat()
    if not resident_id:
        return None
    if len(resident_id) == 18 and resident_id[:17].isdigit():
        return f"{resident_id[6:10]}-{resident_id[10:12]}-{resident_id[12:14]}"
    return _from_id(resident_id)[0].isoformat()


def contradictions(record: RecordLike) -> tuple[tuple[str, str, str], ...]:
    """The fields whose stated value contradicts the record's resident ID.

    Each item is ``(field, masked stated value, masked value from the ID)``.
    """
    resident_id = getattr(record, "resident_id", None)
    if not resident_id:
        return ()
    birth = getattr(record, "birth_date", None)
    gender = getattr(record, "gender", None)
    if birth is None and gender is None:
        return ()
    id_birth, id_gender = _from_id(resident_id)
    found: list[tuple[str, str, str]] = []
    if isinstance(birth, dt.date) and birth != id_birth:
        found.append(
            ("birth_date", mask_value("birth_date", birth), mask_value("birth_date", id_birth))
        )
    if isinstance(gender, Gender) and gender is not id_gender:
        found.append(("gender", gender.value, id_gender.value))
    return tuple(found)


def role_of(record: RecordLike) -> str:
    """The role of the record's customer on its policy (default `DEFAULT_ROLE`, insured)."""
    return _role_code(getattr(record, "role", None))


def _role_code(role: object) -> str:
    return DEFAULT_ROLE if role is None else str(getattr(role, "value", role))


# What `index_entries` reads of a record, all at once.
_INDEXED = (
    "resident_id",
    "uscc",
    "id_document",
    "birth_date",
    "gender",
    "mobile",
    "home_phone",
    "office_phone",
    "fax",
    "email",
    "name",
    "policy_no",
    "role",
)
_read_indexed = operator.attrgetter(*_INDEXED)


def _read_fields(
    record: object, reader: Callable[[object], tuple[Any, ...]], names: tuple[str, ...]
) -> tuple[Any, ...]:
    """The values of fields ``names`` of a record through ``reader`` (an
    `operator.attrgetter` of them), None for each field a record that is not a
    `SourceRecord` lacks."""
    try:
        return reader(record)
    except AttributeError:
        return tuple(getattr(record, name, None) for name in names)


def index_entries(record: RecordLike) -> Iterator[IndexEntry]:
    """The lasting index entries a record gives its customer.

    Strong keys are ``owner`` entries, or ``held`` when the record contradicts its own
    resident ID (`contradictions`): such a record's customer does not own the key.
    """
    (
        resident_id,
        uscc,
        document,
        birth,
        gender,
        *phones,
        email,
        name,
        policy_no,
        role,
    ) = _read_fields(record, _read_indexed, _INDEXED)
    entries: list[IndexEntry]
    if uscc is None and document is None:  # the common case: a resident ID or no strong key
        entries = []
        if resident_id:
            held = (birth is not None or gender is not None) and contradictions(record)
            payload = "held" if held else "owner"
            entries.append(_new(IndexEntry, ("resident_id", resident_id, payload, "")))
    else:
        keys = strong_keys(record)
        payload = "held" if keys and contradictions(record) else "owner"
        entries = [_new(IndexEntry, (key.kind, key.value, payload, "")) for key in keys]
    for number in phones:
        if number:
            entries.append(_new(IndexEntry, ("phone", number, None, "")))
    if email:
        entries.append(_new(IndexEntry, ("email", email, None, "")))
    iso, name_birth = _name_birth(name, birth, resident_id)
    if name:
        entries.append(_new(IndexEntry, ("name", name, None, "")))
    if iso is not None:
        entries.append(_new(IndexEntry, ("birth_date", iso, None, "")))
        if name_birth is not None:
            entries.append(_new(IndexEntry, ("name_birth", name_birth, None, "")))
    if policy_no:
        entries.append(_new(IndexEntry, ("policy_no", policy_no, _role_code(role), "")))
    return iter(entries)


def orphan_entries(record: RecordLike) -> Iterator[IndexEntry]:
    """Vehicle entries of a record with no strong key and no policy number."""
    day = record.provenance.observed_at.date()
    for field in ("plate", "vin"):
        value = getattr(record, field, None)
        if value:
            yield IndexEntry(f"orphan_{field}", value, day)


def policy_entries(state: GoldenState, policy_no: str, roles: Iterable[str]) -> list[IndexEntry]:
    """The vehicle and cover-end entries of one policy of a customer, from its current
    (merged) values: what `custmaster.store` replaces as the group ``policy:<no>``."""
    if policy_no not in state.policies:
        return []
    return _policy_entries(policy_no, roles, state.policy_values(policy_no, POLICY_INDEXED))


_LONE = ("policy_no", "role", *POLICY_INDEXED)
_read_lone = operator.attrgetter(*_LONE)


def lone_policy_entries(record: RecordLike) -> list[IndexEntry]:
    """`policy_entries` of the policy of a customer known from this one record alone.

    Equal to ``policy_entries`` of the golden state of that record when the policy fields are
    merged without value statistics (a lone record's values are then the current ones):
    a store can index a new customer's policy without building its state.
    """
    policy_no, role, *values = _read_fields(record, _read_lone, _LONE)
    if not policy_no:
        return []
    return _policy_entries(policy_no, (_role_code(role),), values)


def _policy_entries(
    policy_no: str, roles: Iterable[str], values: Sequence[Any]
) -> list[IndexEntry]:
    """The entries of a policy whose `POLICY_INDEXED` have these current values."""
    start, end, plate, vin = values
    group = f"policy:{policy_no}"
    entries = []
    if plate or vin:
        # a customer's roles on a policy are usually one (insured); sorted and distinct
        ordered = roles if type(roles) is tuple and len(roles) == 1 else sorted(set(roles))
        for role in ordered:
            cover = _new(VehicleCover, (policy_no, role, start, end))
            if plate:
                entries.append(_new(IndexEntry, ("plate", plate, cover, group)))
            if vin:
                entries.append(_new(IndexEntry, ("vin", vin, cover, group)))
    if isinstance(end, dt.date):
        month = _MONTHS.get(end)
        if month is None:
            if len(_MONTHS) >= 4096:
                _MONTHS.clear()
            month = _MONTHS[end] = f"{end.year:04d}-{end.month:02d}"
        entries.append(_new(IndexEntry, ("cover_end", month, policy_no, group)))
    return entries
