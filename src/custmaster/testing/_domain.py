"""Domain-level hypothesis strategies: whole customers, policies, vehicles, contacts, records.

Built from the value strategies of `custmaster.testing._values`, so every object is valid and
its parts agree with each other the way real data does: a person's resident ID, birth date,
gender, given name and home province match; an organisation has a USCC and a company name;
a policy's insured, holder and owner are customer ids, the insured always present; a renewal
names the policy it renews; endorsements have distinct numbers; contact points of a customer
are distinct. `customer_books` draws customers and policies that refer to each other.

Public names are re-exported by `custmaster.testing.strategies`; import them from there.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

from hypothesis import strategies as st

from custmaster.model import (
    BusinessType,
    Channel,
    ContactEvent,
    ContactKind,
    ContactMethod,
    ContactOutcome,
    ContactPoint,
    ContactStatus,
    Customer,
    CustomerKind,
    DocumentType,
    Endorsement,
    EndorsementKind,
    Gender,
    HistoryEntry,
    IdentityDocument,
    Policy,
    PolicyLine,
    PolicyRole,
    PolicyRoleLink,
    PolicyStatus,
    Provenance,
    SourceRecord,
    Vehicle,
)
from custmaster.testing._values import (
    addresses,
    emails,
    engine_numbers,
    names,
    phones,
    plates,
    postcodes,
    resident_ids,
    usccs,
    vins,
)
from custmaster.validate import cn_resident_id

__all__ = [
    "channels",
    "contact_events",
    "contact_points",
    "customer_books",
    "customer_ids",
    "customers",
    "endorsements",
    "history_entries",
    "identity_documents",
    "policies",
    "policy_lines",
    "policy_numbers",
    "provenances",
    "source_records",
    "times",
    "vehicles",
]

_UTC = dt.timezone.utc
_CST = dt.timezone(dt.timedelta(hours=8))
_EARLIEST = dt.datetime(2015, 1, 1)
_LATEST = dt.datetime(2030, 12, 31)
_EARLIEST_DAY = _EARLIEST.date()
_LATEST_DAY = _LATEST.date()
#: Province codes used for related values (address, ID, plate, postcode agree on one).
_PROVINCES = ("35", "11", "31", "44", "32", "33", "51", "65")
_LEVELS = ("A", "B", "C", "VIP", "金卡", "普通")
_OPERATORS = ("王芳", "李秀英", "张伟", "OP0012", "陈静")


@functools.cache
def times(
    earliest: dt.datetime = _EARLIEST, latest: dt.datetime = _LATEST
) -> st.SearchStrategy[dt.datetime]:
    """Timezone-aware times (UTC or China Standard Time) between two naive bounds."""
    return st.datetimes(
        min_value=earliest, max_value=latest, timezones=st.sampled_from((_UTC, _CST))
    )


@functools.cache
def _dates(
    earliest: dt.date = _EARLIEST_DAY, latest: dt.date = _LATEST_DAY
) -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=earliest, max_value=latest)


@functools.cache
def channels() -> st.SearchStrategy[Channel]:
    """Built-in channels mostly, sometimes a user channel (``wechat_mini`` …)."""
    user = st.sampled_from(("wechat_mini", "agent_app", "bank_counter", "dealer_4s"))
    return st.one_of(st.sampled_from(Channel.builtins()), user.map(Channel.get))


@functools.cache
def policy_lines() -> st.SearchStrategy[PolicyLine]:
    """Compulsory and commercial mostly, sometimes another line."""
    user = st.sampled_from(("accident", "cargo", "liability")).map(PolicyLine.get)
    return st.one_of(st.sampled_from(PolicyLine.builtins()), user)


@functools.cache
def customer_ids() -> st.SearchStrategy[str]:
    """Customer ids such as ``C00012345``."""
    return st.integers(1, 99_999_999).map(lambda n: f"C{n:08d}")


@functools.cache
def policy_numbers() -> st.SearchStrategy[str]:
    """Policy numbers such as ``PDAA202635020000001234``."""
    return st.builds(
        lambda prefix, year, serial: f"{prefix}{year}{serial:012d}",
        st.sampled_from(("PDAA", "PDZA", "ASHZ", "ADAA")),
        st.integers(2015, 2030),
        st.integers(0, 10**12 - 1),
    )


@functools.cache
def _source_refs() -> st.SearchStrategy[str]:
    return st.builds(
        lambda prefix, n, row: f"{prefix}-{n}" + (f"#{row}" if row else ""),
        st.sampled_from(("TS", "CR", "CB", "UW", "CS", "MN")),
        st.integers(1, 10**8),
        st.integers(0, 999),
    )


@functools.cache
def provenances(channel: Channel | str | None = None) -> st.SearchStrategy[Provenance]:
    """Provenances: channel (``channel`` if given), reference, observed and recorded times."""

    @st.composite
    def build(draw: st.DrawFn) -> Provenance:
        observed = draw(times())
        delay = draw(
            st.sampled_from((dt.timedelta(0), dt.timedelta(hours=1), dt.timedelta(days=3)))
        )
        return Provenance(
            channel=Channel.get(channel) if channel is not None else draw(channels()),
            source_ref=draw(_source_refs()),
            observed_at=observed,
            recorded_at=observed + delay,
            operator=draw(st.none() | st.sampled_from(_OPERATORS)),
        )

    return build()


_PERSON_DOCUMENTS = [kind for kind in DocumentType if kind is not DocumentType.ORG_CODE]


@functools.cache
def identity_documents() -> st.SearchStrategy[IdentityDocument]:
    """Passports, Hong Kong/Macao and Taiwan permits, officer cards … with plausible numbers:
    a person's documents (an organisation's old code, ``org_code``, is none of them)."""

    @st.composite
    def build(draw: st.DrawFn) -> IdentityDocument:
        kind = draw(st.sampled_from(_PERSON_DOCUMENTS))
        country = {
            DocumentType.HK_MACAO_PERMIT: st.sampled_from(("HKG", "MAC")),
            DocumentType.TAIWAN_PERMIT: st.just("TWN"),
            DocumentType.MILITARY_OFFICER: st.just("CHN"),
            DocumentType.SOLDIER: st.just("CHN"),
            DocumentType.POLICE_OFFICER: st.just("CHN"),
            DocumentType.HOUSEHOLD_REGISTER: st.just("CHN"),
            DocumentType.BIRTH_CERTIFICATE: st.just("CHN"),
        }.get(kind, st.none() | st.sampled_from(("USA", "GBR", "JP", "KOR", "DE", "SGP")))
        number = draw(
            st.builds(
                lambda letters, n: f"{letters}{n:08d}",
                st.sampled_from(("E", "G", "H", "M", "K", "PE", "EA")),
                st.integers(0, 10**9 - 1),
            )
            if kind is not DocumentType.MILITARY_OFFICER
            else st.integers(1, 999_999).map(lambda n: f"南字第{n:06d}号")
        )
        return IdentityDocument(type=kind, country=draw(country), number=number)

    return build()


@functools.cache
def _phone_value(kind: ContactKind) -> st.SearchStrategy[str]:
    if kind is ContactKind.MOBILE:
        return phones("mobile").map(lambda p: p.normalised)
    if kind.is_phone:
        return phones("fixed_line").map(lambda p: p.normalised)
    if kind is ContactKind.EMAIL:
        return emails()
    return addresses().map(lambda a: a.text)


def _status(
    first: dt.datetime,
) -> st.SearchStrategy[tuple[ContactStatus, dt.datetime | None, str | None]]:
    unverified = st.tuples(
        st.just(ContactStatus.UNVERIFIED),
        st.none(),
        st.none(),
    )
    verdict = st.tuples(
        st.sampled_from((ContactStatus.REACHED, ContactStatus.WRONG, ContactStatus.DO_NOT_CALL)),
        times(first.replace(tzinfo=None), _LATEST),
        st.none() | st.sampled_from(_OPERATORS),
    )
    return st.one_of(unverified, unverified, verdict)


@functools.cache
def contact_points(kind: ContactKind | str | None = None) -> st.SearchStrategy[ContactPoint]:
    """Contact points of every kind (or ``kind``), with seen times, channel counts and status."""

    @st.composite
    def build(draw: st.DrawFn) -> ContactPoint:
        chosen = ContactKind(kind) if kind is not None else draw(st.sampled_from(list(ContactKind)))
        first = draw(times(_EARLIEST, dt.datetime(2028, 1, 1)))
        last = first + draw(
            st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=900))
        )
        counts = draw(
            st.dictionaries(channels().map(str), st.integers(1, 20), min_size=1, max_size=4)
        )
        status, status_at, status_by = draw(_status(first))
        return ContactPoint(
            kind=chosen,
            value=draw(_phone_value(chosen)),
            first_seen=first,
            last_seen=last,
            channels=counts,
            status=status,
            status_at=status_at,
            status_by=status_by,
        )

    return build()


def contact_events(point: ContactPoint | None = None) -> st.SearchStrategy[ContactEvent]:
    """Contact attempts (on ``point`` if given) with a method fitting the contact kind."""

    @st.composite
    def build(draw: st.DrawFn) -> ContactEvent:
        used = point if point is not None else draw(contact_points())
        method = {
            ContactKind.EMAIL: ContactMethod.EMAIL,
            ContactKind.ADDRESS: ContactMethod.VISIT,
        }.get(used.kind) or draw(st.sampled_from((ContactMethod.CALL, ContactMethod.SMS)))
        return ContactEvent(
            id=f"EV{draw(st.integers(1, 10**10))}",
            at=draw(times()),
            channel=draw(st.sampled_from((Channel.CALLBACK, Channel.TELESALES)) | channels()),
            method=method,
            contact_kind=used.kind,
            contact_value=used.value,
            outcome=draw(st.sampled_from(list(ContactOutcome))),
            operator=draw(st.none() | st.sampled_from(_OPERATORS)),
            note=draw(
                st.none() | st.sampled_from(("客户说换号了", "已确认续保意向", "请下午再打"))
            ),
        )

    return build()


@functools.cache
def vehicles(province: str | None = None) -> st.SearchStrategy[Vehicle]:
    """Vehicles with plate (of ``province`` if given), VIN, engine number and make/model."""

    @st.composite
    def build(draw: st.DrawFn) -> Vehicle:
        make_model = draw(
            st.none()
            | st.sampled_from(
                (
                    "大众汽车牌SVW71810KJ",
                    "丰田牌TV7200GLX",
                    "比亚迪牌BYD7152WT6HEVC2",
                    "本田牌HG7150",
                )
            )
        )
        classified = make_model is not None and draw(st.booleans())
        return Vehicle(
            plate=draw(st.none() | _plates_in(province)),
            vin=draw(st.none() | vins()),
            engine_no=draw(st.none() | engine_numbers()),
            first_registered=draw(st.none() | _dates(dt.date(2005, 1, 1), dt.date(2026, 12, 31))),
            make_model=make_model,
            manufacturer=make_model.split("牌")[0] if classified and make_model else None,
            series=make_model.split("牌")[1][:6] if classified and make_model else None,
        )

    return build()


@functools.cache
def endorsements(
    start: dt.date | None = None, end: dt.date | None = None
) -> st.SearchStrategy[Endorsement]:
    """Endorsements effective between ``start`` and ``end`` (any date by default)."""
    changed = {
        EndorsementKind.ADDRESS: ("address", "postcode"),
        EndorsementKind.VEHICLE: ("plate", "vin", "engine_no"),
        EndorsementKind.INSURED: ("name", "resident_id"),
        EndorsementKind.HOLDER: ("name", "resident_id"),
        EndorsementKind.CONTACT: ("mobile", "email"),
        EndorsementKind.CANCELLATION: (),
        EndorsementKind.OTHER: ("make_model",),
    }

    @st.composite
    def build(draw: st.DrawFn) -> Endorsement:
        kind = draw(st.sampled_from(list(EndorsementKind)))
        fields = changed[kind]
        return Endorsement(
            number=f"E{draw(st.integers(10**5, 10**12))}",
            effective=draw(_dates(start or _EARLIEST_DAY, end or _LATEST_DAY)),
            kind=kind,
            changed=draw(st.lists(st.sampled_from(fields), unique=True)) if fields else (),
        )

    return build()


def policies(
    insured: str | st.SearchStrategy[str] | None = None,
    holder: str | st.SearchStrategy[str] | None = None,
    owner: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Policy]:
    """Policies whose insured is always named; holder and owner sometimes the insured.

    Pass a customer id (or a strategy of ids) per role to tie policies to known customers.
    """

    def ids(value: str | st.SearchStrategy[str] | None) -> st.SearchStrategy[str]:
        if value is None:
            return customer_ids()
        return st.just(value) if isinstance(value, str) else value

    @st.composite
    def build(draw: st.DrawFn) -> Policy:
        insured_id = draw(ids(insured))
        roles = {PolicyRole.INSURED: insured_id}
        roles[PolicyRole.HOLDER] = draw(st.just(insured_id) | ids(holder))
        if draw(st.booleans()):
            roles[PolicyRole.OWNER] = draw(st.just(insured_id) | ids(owner))
        number = draw(policy_numbers())
        start = draw(st.none() | _dates(dt.date(2015, 1, 1), dt.date(2029, 12, 31)))
        end = (
            None
            if start is None
            else start + dt.timedelta(days=draw(st.sampled_from((364, 365, 180, 0))))
        )
        business = draw(st.none() | st.sampled_from(list(BusinessType)))
        renews = None
        if business in (None, BusinessType.RENEWAL) and draw(st.booleans()):
            renews = draw(policy_numbers().filter(lambda n: n != number))
        status = draw(st.sampled_from(list(PolicyStatus)))
        items = draw(st.lists(endorsements(start, end), max_size=3, unique_by=lambda e: e.number))
        return Policy(
            policy_no=number,
            line=draw(policy_lines()),
            roles=roles,
            cover_start=start,
            cover_end=end,
            business_type=business,
            renews=renews,
            status=status,
            vehicle=draw(st.none() | vehicles()),
            endorsements=items,
        )

    return build()


def history_entries(
    field: str, values: st.SearchStrategy[object]
) -> st.SearchStrategy[HistoryEntry]:
    """History entries of ``field`` with values from ``values``."""
    return st.builds(HistoryEntry, field=st.just(field), value=values, provenance=provenances())


# Strategies of related values, built once per province or gender (building a strategy costs
# far more than drawing from it).


@functools.cache
def _resident_ids_in(province: str) -> st.SearchStrategy[str]:
    return resident_ids(region=province)


@functools.cache
def _names_of(kind: str, gender: str | None) -> st.SearchStrategy[str]:
    if kind == "organisation":
        return names(kind="organisation")
    return names(gender="M" if gender == "M" else "F") if gender else names()


@functools.cache
def _addresses_in(province: str | None) -> st.SearchStrategy[str]:
    return addresses(province=province).map(lambda a: a.text)


@functools.cache
def _postcodes_in(province: str) -> st.SearchStrategy[str]:
    return postcodes(province=province)


@functools.cache
def _plates_in(province: str | None) -> st.SearchStrategy[str]:
    return plates(province=province)


@functools.cache
def _histories(kind: CustomerKind) -> st.SearchStrategy[dict[str, list[HistoryEntry]]]:
    optional = {
        "address": st.lists(
            history_entries("address", _addresses_in(None)), min_size=1, max_size=3
        ),
        "level": st.lists(
            history_entries("level", st.sampled_from(_LEVELS)), min_size=1, max_size=2
        ),
    }
    if kind is CustomerKind.PERSON:
        optional["name"] = st.lists(
            history_entries("name", _names_of("person", None)), min_size=1, max_size=2
        )
    return st.fixed_dictionaries({}, optional=optional)


@functools.cache
def _policy_links() -> st.SearchStrategy[list[PolicyRoleLink]]:
    link = st.builds(
        PolicyRoleLink, policy_no=policy_numbers(), role=st.sampled_from(list(PolicyRole))
    )
    return st.lists(link, max_size=3)


@st.composite
def _person_values(draw: st.DrawFn) -> dict[str, object]:
    province = draw(st.sampled_from(_PROVINCES))
    kind = draw(st.sampled_from(("resident_id", "resident_id", "document", "none")))
    values: dict[str, object] = {"kind": CustomerKind.PERSON}
    if kind == "resident_id":
        number = draw(_resident_ids_in(province))
        parsed = cn_resident_id.parse(number)
        values["resident_id"] = number
        values["name"] = draw(_names_of("person", parsed.gender))
        if draw(st.booleans()):  # giving the derived values is allowed when they agree
            values["gender"] = Gender(parsed.gender)
            values["birth_date"] = parsed.birth_date
    else:
        gender = draw(st.sampled_from((None, "M", "F")))
        values["name"] = draw(st.none() | _names_of("person", gender))
        values["gender"] = None if gender is None else Gender(gender)
        values["birth_date"] = draw(st.none() | _dates(dt.date(1930, 1, 1), dt.date(2020, 12, 31)))
        if kind == "document":
            values["id_document"] = draw(identity_documents())
    values["address"] = draw(st.none() | _addresses_in(province))
    values["postcode"] = draw(st.none() | _postcodes_in(province))
    return values


@st.composite
def _organisation_values(draw: st.DrawFn) -> dict[str, object]:
    province = draw(st.sampled_from(_PROVINCES))
    return {
        "kind": CustomerKind.ORGANISATION,
        "uscc": draw(usccs()),
        "name": draw(_names_of("organisation", None)),
        "address": draw(st.none() | _addresses_in(province)),
        "postcode": draw(st.none() | _postcodes_in(province)),
    }


@functools.cache
def _customer_values(kind: CustomerKind) -> st.SearchStrategy[dict[str, object]]:
    """Every keyword of a customer of ``kind`` except ``id`` and ``policies``."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, object]:
        values = draw(_person_values() if kind is CustomerKind.PERSON else _organisation_values())
        values.update(
            contact_points=draw(st.lists(contact_points(), max_size=4, unique_by=_point_key)),
            level=draw(st.none() | st.sampled_from(_LEVELS)),
            key_customer=draw(st.booleans()),
            first_channel=draw(st.none() | channels()),
            histories=draw(_histories(kind)),
        )
        return values

    return build()


def _point_key(point: ContactPoint) -> tuple[ContactKind, str]:
    return point.key


def customers(
    kind: CustomerKind | str | None = None,
    id: str | None = None,
    policy_links: Sequence[PolicyRoleLink] | None = None,
) -> st.SearchStrategy[Customer]:
    """Customers: persons (resident ID, another document, or neither) and organisations.

    Contact points are distinct; ``histories`` hold earlier names, addresses and levels.
    Pass ``id`` and ``policy_links`` to make a customer that policies refer to.
    """
    kinds = [CustomerKind(kind)] if kind is not None else list(CustomerKind)
    values = st.one_of(*(_customer_values(k) for k in kinds))
    ids = st.just(id) if id is not None else customer_ids()
    links = st.just(list(policy_links)) if policy_links is not None else _policy_links()
    return st.builds(
        lambda fields, customer_id, policy_links_: Customer(
            id=customer_id,
            policies=policy_links_,
            **fields,
        ),
        values,
        ids,
        links,
    )


def customer_books(
    max_customers: int = 4, max_policies: int = 5
) -> st.SearchStrategy[tuple[tuple[Customer, ...], tuple[Policy, ...]]]:
    """Customers and policies that refer to each other.

    Every policy's roles name customers of the book (the insured always), and each
    customer's ``policies`` links are exactly the roles the policies give it.
    """

    @st.composite
    def build(draw: st.DrawFn) -> tuple[tuple[Customer, ...], tuple[Policy, ...]]:
        ids = draw(st.lists(customer_ids(), min_size=1, max_size=max_customers, unique=True))
        book_policies = draw(
            st.lists(
                policies(
                    insured=st.sampled_from(ids),
                    holder=st.sampled_from(ids),
                    owner=st.sampled_from(ids),
                ),
                max_size=max_policies,
                unique_by=lambda p: p.policy_no,
            )
        )
        links: dict[str, list[PolicyRoleLink]] = {customer_id: [] for customer_id in ids}
        for policy in book_policies:
            for role, customer_id in policy.roles.items():
                links[customer_id].append(PolicyRoleLink(policy_no=policy.policy_no, role=role))
        people = tuple(
            draw(customers(id=customer_id, policy_links=links[customer_id])) for customer_id in ids
        )
        return people, tuple(book_policies)

    return build()


@functools.cache
def _mobile_text() -> st.SearchStrategy[str | None]:
    return st.none() | phones("mobile").map(lambda p: p.text)


@functools.cache
def _fixed_line_text() -> st.SearchStrategy[str | None]:
    return st.none() | phones("fixed_line").map(lambda p: p.text)


@functools.cache
def source_records(channel: Channel | str | None = None) -> st.SearchStrategy[SourceRecord]:
    """Source records as channels deliver them: messy phone formats, a person or company,
    sometimes a policy with its vehicle; gender and birth date agree with the resident ID
    when both are given; always a value of some field (a store refuses a record of none,
    ``record.empty``). ``channel`` fixes the provenance's channel."""

    @st.composite
    def build(draw: st.DrawFn) -> SourceRecord:
        province = draw(st.sampled_from(_PROVINCES))
        fields: dict[str, object] = {"provenance": draw(provenances(channel))}
        if draw(st.integers(0, 5)) == 0:
            fields["uscc"] = draw(usccs())
            fields["name"] = draw(_names_of("organisation", None))
        elif draw(st.booleans()):
            number = draw(_resident_ids_in(province))
            parsed = cn_resident_id.parse(number)
            fields["resident_id"] = number
            fields["name"] = draw(st.none() | _names_of("person", parsed.gender))
            if draw(st.booleans()):  # as the source wrote them, agreeing with the ID
                spelled = {"M": "男", "F": "女"}[parsed.gender]
                fields["gender"] = draw(st.sampled_from((spelled, parsed.gender)))
                fields["birth_date"] = parsed.birth_date.isoformat()
        else:
            fields["name"] = draw(st.none() | _names_of("person", None))
            if draw(st.integers(0, 3)) == 0:
                fields["id_document"] = draw(identity_documents())
        fields["mobile"] = draw(_mobile_text())
        if draw(st.booleans()):
            fields["home_phone"] = draw(_fixed_line_text())
            fields["office_phone"] = draw(_fixed_line_text())
            fields["email"] = draw(st.none() | emails())
        fields["address"] = draw(st.none() | _addresses_in(province))
        fields["postcode"] = draw(st.none() | _postcodes_in(province))
        if draw(st.booleans()):
            start = draw(_dates(dt.date(2015, 1, 1), dt.date(2029, 12, 31)))
            fields.update(
                policy_no=draw(policy_numbers()),
                line=draw(st.sampled_from(("交强险", "商业险", "compulsory", "commercial"))),
                role=draw(st.none() | st.sampled_from(("投保人", "被保险人", "车主", "insured"))),
                cover_start=start,
                cover_end=start + dt.timedelta(days=364),
                plate=draw(st.none() | _plates_in(province)),
                vin=draw(st.none() | vins()),
                engine_no=draw(st.none() | engine_numbers()),
                make_model=draw(
                    st.none() | st.sampled_from(("大众汽车牌SVW71810KJ", "丰田牌TV7200GLX"))
                ),
                first_registered=draw(st.none() | _dates(dt.date(2005, 1, 1), start)),
            )
        if all(value is None for key, value in fields.items() if key != "provenance"):
            # a record of no value is no customer's: stores refuse it (record.empty)
            fields["name"] = draw(_names_of("person", None))
        fields["extra"] = draw(
            st.dictionaries(
                st.sampled_from(("车队", "业务员工号", "备注", "branch")),
                st.text(max_size=8),
                max_size=2,
            )
        )
        return SourceRecord(**fields)  # type: ignore[arg-type]

    return build()
