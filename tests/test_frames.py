"""DataFrames of customers, contact points, policies and events: masked, typed, audited."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator

import pandas as pd
import pytest

from _workflow_helpers import ID_LI, ID_WANG, ID_ZHANG, ID_ZHAO, VIN_1
from custmaster.audit import AuditChain
from custmaster.errors import PermissionDenied, UsageError
from custmaster.model import Provenance, SourceRecord
from custmaster.privacy.access import Role, User
from custmaster.privacy.masking import mask, scan_for_personal_data
from custmaster.service import Service
from custmaster.store import MemoryStore
from custmaster.workflows import frames
from custmaster.workflows.callbacks import record_callback

pytest_plugins = ["_workflow_fixtures"]

USCC = "91110000600037341L"
MOBILE_ZHANG = "13800138000"
MOBILE_ZHANG_2 = "13900139000"
MOBILE_LI = "13700137000"
HOME_SHARED = "0592-5123456"
NAMES = ("张伟", "李娜", "欧阳娜娜", "赵敏", "王芳", "李四")
ADDRESS_ZHANG = "福建省厦门市思明区湖滨南路100号"
ADDRESS_LI = "北京市朝阳区建国路88号"
PLATE = "闽D12388"
ENGINE = "HE1234567"
#: Every full personal value the book holds (scanned for in every cell).
KNOWN = (
    *NAMES,
    ID_ZHANG,
    ID_LI,
    ID_WANG,
    ID_ZHAO,
    MOBILE_ZHANG,
    MOBILE_ZHANG_2,
    MOBILE_LI,
    "5123456",
    ADDRESS_ZHANG,
    ADDRESS_LI,
    "湖滨南路",
    "建国路",
    PLATE,
    VIN_1,
    ENGINE,
    "zhang@example.com",
    USCC,
)


def _record(channel: str, ref: str, observed: str, **values: object) -> SourceRecord:
    return SourceRecord(
        provenance=Provenance(channel=channel, source_ref=ref, observed_at=observed),
        **values,  # type: ignore[arg-type]
    )


def _book(target: Service | MemoryStore) -> None:
    """Zhang (core system, then telesales), Li (shares Zhang's home phone), and policy P3 held
    by an organisation for Ouyang; a call-back finds Zhang's first mobile wrong, another
    reaches the shared home phone."""
    records = [
        _record(
            "core_system",
            "P1#0",
            "2026-01-02",
            policy_no="P1",
            line="商业险",
            resident_id=ID_ZHANG,
            name="张伟",
            mobile=MOBILE_ZHANG,
            home_phone=HOME_SHARED,
            address=ADDRESS_ZHANG,
            plate=PLATE,
            vin=VIN_1,
            engine_no=ENGINE,
            make_model="本田牌HG7203ABCVT",
            first_registered="2019-05-20",
            cover_start="2026-01-05",
            cover_end="2027-01-04",
        ),
        _record(
            "telesales",
            "T1",
            "2026-03-02",
            resident_id=ID_ZHANG,
            mobile=MOBILE_ZHANG_2,
            email="zhang@example.com",
        ),
        _record(
            "core_system",
            "P2#0",
            "2026-01-03",
            policy_no="P2",
            line="交强险",
            resident_id=ID_LI,
            name="李娜",
            mobile=MOBILE_LI,
            home_phone=HOME_SHARED,
            address=ADDRESS_LI,
            cover_start="2026-02-01",
            cover_end="2027-01-31",
        ),
        _record(
            "core_system",
            "P3#holder",
            "2026-01-04",
            policy_no="P3",
            line="商业险",
            role="holder",
            uscc=USCC,
            name="厦门某某物流有限公司",
            cover_start="2026-03-01",
            cover_end="2027-02-28",
        ),
        _record(
            "core_system",
            "P3#insured",
            "2026-01-04",
            policy_no="P3",
            line="商业险",
            role="insured",
            resident_id=ID_WANG,
            name="欧阳娜娜",
            cover_start="2026-03-01",
            cover_end="2027-02-28",
        ),
    ]
    target.ingest(records)
    record_callback(target, MOBILE_ZHANG, "错号", at="2026-03-05 10:00", operator="王芳")
    record_callback(target, HOME_SHARED, "接通", at="2026-03-06 11:00", operator="李四")


def _customer_id(service: Service | MemoryStore, resident_id: str) -> str:
    (found,) = service.find(resident_id=resident_id)
    return found.id


def _cells(frame: pd.DataFrame) -> Iterator[str]:
    for column in frame.columns:
        for value in frame[column]:
            if not pd.isna(value):
                yield str(value)


def _leaks(frame: pd.DataFrame) -> list[tuple[str, str]]:
    found = []
    for cell in _cells(frame):
        for finding in scan_for_personal_data(cell, KNOWN):
            found.append((finding.kind, finding.masked))
    return found


# -- masked by default, on every store --------------------------------------------------------


@pytest.mark.parametrize("kind", frames.KINDS)
def test_every_table_is_masked_by_default(service: Service, kind: str) -> None:
    _book(service)
    frame = service.to_pandas(kind)
    assert len(frame) > 0
    assert list(frame.columns) == [c.name for c in frames.COLUMNS[kind]]
    assert _leaks(frame) == []


def test_customers_table_shows_each_value_by_its_one_mask(service: Service) -> None:
    _book(service)
    frame = service.to_pandas("customers").set_index("customer_id")
    zhang = frame.loc[_customer_id(service, ID_ZHANG)]
    assert zhang["name"] == mask("name", "张伟") == "张*"
    assert zhang["resident_id"] == mask("resident_id", ID_ZHANG)
    assert zhang["birth_date"] == "1980-**-**"
    assert zhang["address"] == "福建省厦门市思明区******"
    assert zhang["gender"] == "male"
    # the first mobile was found wrong: the telesales one and the reached home phone remain
    assert zhang["best_phone"] == "0592-*****56"  # reached first
    assert zhang["callable_phones"] == "0592-*****56; 139****9000"
    assert zhang["wrong_phones"] == 1
    assert zhang["email"] == "z***@example.com"
    assert zhang["source_channel"] == "core_system"
    assert (zhang["policies"], zhang["policy_nos"], zhang["lines"]) == (1, "P1", "commercial")
    organisation = frame[frame["kind"] == "organisation"].iloc[0]
    assert organisation["uscc"] == mask("uscc", USCC)
    assert pd.isna(organisation["resident_id"])
    assert list(frame.index) == sorted(frame.index)


def test_policy_named_by_two_customers_is_one_row(service: Service) -> None:
    _book(service)
    frame = service.to_pandas("policies")
    assert sorted(frame["policy_no"]) == ["P1", "P2", "P3"]
    p3 = frame.set_index("policy_no").loc["P3"]
    (organisation,) = service.find(policy_no="P3", name="厦门某某物流有限公司")
    assert p3["holder_id"] == organisation.id
    assert p3["insured_id"] == _customer_id(service, ID_WANG)
    p1 = frame.set_index("policy_no").loc["P1"]
    assert (p1["line"], p1["plate"], p1["vin"]) == ("commercial", "闽D·***88", mask("vin", VIN_1))
    assert p1["engine_no"] == mask("engine_no", ENGINE)
    assert (p1["manufacturer"], p1["make_model"]) == ("广汽本田", "本田牌HG7203ABCVT")
    assert p1["cover_end"] == pd.Timestamp("2027-01-04")
    assert p1["first_registered"] == pd.Timestamp("2019-05-20")


def test_events_and_contacts_tables(service: Service) -> None:
    _book(service)
    events = service.to_pandas("events")
    # the wrong-number call-back is stored for Zhang; the reached one for Zhang and Li
    assert sorted(events["outcome"]) == ["reached", "reached", "wrong_number"]
    assert set(events["operator"]) == {"王*", "李*"}
    wrong = events[events["outcome"] == "wrong_number"].iloc[0]
    assert (wrong["contact_value"], wrong["status"]) == ("138****8000", "wrong")
    assert wrong["at"] == pd.Timestamp("2026-03-05T02:00:00Z")
    assert "note" not in events.columns
    contacts = service.to_pandas("contacts")
    zhang = contacts[contacts["customer_id"] == _customer_id(service, ID_ZHANG)]
    by_value = zhang.set_index("value")
    assert by_value.loc["138****8000", "status"] == "wrong"
    assert not by_value.loc["138****8000", "callable"]
    assert by_value.loc["0592-*****56", "status"] == "reached"
    assert by_value.loc["0592-*****56", "status_by"] == "李*"
    assert by_value.loc["0592-*****56", "callable"]
    assert not by_value.loc["z***@example.com", "callable"]  # not a voice number
    assert by_value.loc["139****9000", "channels"] == "telesales:1"


def test_a_number_flagged_wrong_is_not_callable_for_a_later_holder() -> None:
    service = Service(MemoryStore())
    _book(service)
    # after the call-back, Zhao gives Zhang's wrong number: it stays uncallable for him too
    service.ingest(
        [
            _record(
                "claim_report",
                "B1",
                "2026-04-01",
                resident_id=ID_ZHAO,
                name="赵敏",
                mobile=MOBILE_ZHANG,
            )
        ]
    )
    customers = service.to_pandas("customers").set_index("customer_id")
    zhao = customers.loc[_customer_id(service, ID_ZHAO)]
    assert pd.isna(zhao["best_phone"])
    assert zhao["callable_phones"] == ""
    assert zhao["wrong_phones"] == 1
    contacts = service.to_pandas("contacts")
    row = contacts[contacts["customer_id"] == _customer_id(service, ID_ZHAO)].iloc[0]
    assert (row["value"], row["status"], row["callable"]) == ("138****8000", "unverified", False)


# -- types and empty stores --------------------------------------------------------------------


def test_pandas_column_types() -> None:
    store = MemoryStore()
    _book(store)
    for kind, columns in frames.COLUMNS.items():
        frame = store.to_pandas(kind)
        for column in columns:
            dtype = frame[column.name].dtype
            wanted = column.type_for(False)
            if wanted == "text":
                assert isinstance(dtype, pd.StringDtype), (kind, column.name, dtype)
            elif wanted == "int":
                assert dtype == "int64", (kind, column.name)
            elif wanted == "bool":
                assert dtype == "bool", (kind, column.name)
            elif wanted == "date":
                assert pd.api.types.is_datetime64_dtype(dtype), (kind, column.name)
                assert getattr(dtype, "tz", None) is None
            else:
                assert str(getattr(dtype, "tz", None)) == "UTC", (kind, column.name)


@pytest.mark.parametrize("kind", frames.KINDS)
def test_an_empty_store_gives_empty_tables_with_every_column(kind: str) -> None:
    frame = MemoryStore().to_pandas(kind)
    assert frame.shape == (0, len(frames.COLUMNS[kind]))
    assert list(frame.columns) == [c.name for c in frames.COLUMNS[kind]]


def test_columns_are_documented() -> None:
    from pathlib import Path

    page = (Path(__file__).parent.parent / "docs" / "how-to" / "notebooks.md").read_text("utf-8")
    for kind, columns in frames.COLUMNS.items():
        assert f"`{kind}`" in page
        for column in columns:
            assert f"`{column.name}`" in page, (kind, column.name)


# -- reveal, permissions and audit ---------------------------------------------------------------


def test_reveal_needs_a_named_user_with_the_permission() -> None:
    store = MemoryStore()
    _book(store)
    with pytest.raises(PermissionDenied) as caught:
        store.to_pandas(reveal=True)
    assert caught.value.code == "permission.reveal"
    with pytest.raises(PermissionDenied):
        Service(store).to_pandas("policies", reveal=True)
    supervisor = Service(store, User("li.si", roles=["supervisor"]))
    assert len(supervisor.to_pandas()) == 4  # may export masked tables
    with pytest.raises(PermissionDenied) as caught:
        supervisor.to_pandas(reveal=True)
    assert caught.value.code == "permission.reveal"


@pytest.mark.parametrize(
    ("roles", "code"),
    [(["operator"], "permission.export"), ([Role("none", set())], "permission.query")],
)
def test_tables_need_query_and_export(roles: list[object], code: str) -> None:
    store = MemoryStore()
    _book(store)
    service = Service(store, User("wang.fang", roles=roles))  # type: ignore[arg-type]
    for call in (service.to_pandas, lambda: frames.to_dict(service), lambda: frames.rows(service)):
        with pytest.raises(PermissionDenied) as caught:
            call()
        assert caught.value.code == code


def test_revealed_tables_hold_full_values_and_are_audited() -> None:
    store = MemoryStore()
    _book(store)
    chain = AuditChain()
    admin = Service(store, User("admin.zhou", roles=["administrator"]), audit=chain)
    frame = admin.to_pandas("customers", reveal=True).set_index("customer_id")
    (zhang_id,) = [c.id for c in store.find(resident_id=ID_ZHANG)]
    zhang = frame.loc[zhang_id]
    assert (zhang["name"], zhang["resident_id"]) == ("张伟", ID_ZHANG)
    assert zhang["birth_date"] == pd.Timestamp("1980-01-01")
    assert zhang["callable_phones"] == "+865925123456; +8613900139000"
    assert zhang["address"] == ADDRESS_ZHANG
    events = admin.to_pandas("events", reveal=True)
    assert set(events["operator"]) == {"王芳", "李四"}
    masked = admin.to_pandas("policies")
    entries = admin.audit_entries
    assert [e.operation for e in entries] == ["reveal", "reveal", "export"]
    assert entries[0].detail == {"purpose": "pandas table of customers", "rows": 4}
    assert "resident_id" in entries[0].fields
    assert "name" in entries[0].fields
    assert entries[2].detail["rows"] == len(masked) == 3
    assert {"plate", "vin", "engine_no"} <= set(entries[2].fields)
    for entry in entries:  # the log holds names and counts, never values
        assert scan_for_personal_data(repr(entry.detail) + repr(entry.fields), KNOWN) == ()


def test_rows_are_audited_when_asked_for_and_streamed() -> None:
    produced: list[str] = []

    class Counting(MemoryStore):
        def _customer_ids(self) -> Iterator[str]:
            for customer_id in super()._customer_ids():
                produced.append(customer_id)
                yield customer_id

    store = Counting()
    _book(store)
    chain = AuditChain()
    service = Service(store, audit=chain)
    stream = frames.rows(service, "customers")
    assert [e.detail["rows"] for e in service.audit_entries] == [None]
    first = next(stream)
    assert first["name"] in {"张*", "李*", "欧阳**", "厦门某某物流有限公司"}
    assert len(produced) == 1  # one customer read so far, not the whole book
    rest = list(stream)
    assert len(rest) == 3
    assert len(produced) == 4


def test_store_and_service_give_the_same_table() -> None:
    store = MemoryStore()
    _book(store)
    assert store.to_pandas("contacts").equals(Service(store).to_pandas("contacts"))
    assert frames.to_dict(store, "events")["outcome"] == list(store.to_pandas("events")["outcome"])


def test_unknown_table() -> None:
    with pytest.raises(UsageError) as caught:
        MemoryStore().to_pandas("vehicles")
    assert caught.value.code == "frames.kind"
    with pytest.raises(UsageError):
        frames.to_dict(MemoryStore(), 3)  # type: ignore[arg-type]


# -- optional libraries ------------------------------------------------------------------------


@pytest.mark.parametrize(("module", "call"), [("pandas", "to_pandas"), ("polars", "to_polars")])
def test_a_missing_library_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, module: str, call: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import fails
    store = MemoryStore()
    with pytest.raises(UsageError) as caught:
        getattr(store, call)("customers")
    assert caught.value.code == f"frames.{module}_extra"
    assert f"pip install 'custmaster[{module}]'" in str(caught.value)


def test_polars_tables_match_the_pandas_ones() -> None:
    pl = pytest.importorskip("polars")
    store = MemoryStore()
    _book(store)
    for kind, columns in frames.COLUMNS.items():
        frame = store.to_polars(kind)
        assert isinstance(frame, pl.DataFrame)
        assert frame.columns == [c.name for c in columns]
        expected = frames.to_dict(store, kind)
        for column in columns:
            values = frame[column.name].to_list()
            if column.type == "datetime":
                values = [v.astimezone(dt.timezone.utc) if v else v for v in values]
            assert values == expected[column.name], (kind, column.name)
        for column in columns:
            if column.type == "text":
                assert frame.schema[column.name] == pl.String, (kind, column.name)
    policies = store.to_polars("policies")
    assert policies.schema["cover_end"] == pl.Date
    events = store.to_polars("events")
    assert events.schema["at"] == pl.Datetime("us", "UTC")
    empty = MemoryStore().to_polars("events")
    assert empty.shape == (0, len(frames.EVENT_COLUMNS))
    assert empty.schema["at"] == pl.Datetime("us", "UTC")
    assert scan_for_personal_data(str(store.to_polars("customers")), KNOWN) == ()


# -- the HTML display of a customer -------------------------------------------------------------


def test_customer_html_is_masked(service: Service) -> None:
    _book(service)
    zhang = service.get(_customer_id(service, ID_ZHANG))
    page = zhang._repr_html_()
    assert scan_for_personal_data(page, KNOWN) == ()
    for shown in ("张*", mask("resident_id", ID_ZHANG), "1980-**-**", "福建省厦门市思明区******"):
        assert shown in page
    # contact points with their status, policies by role, and the fields with a history
    assert '<td style="text-align:left">138****8000</td><td style="text-align:left">wrong' in page
    assert "0592-*****56" in page
    assert "reached" in page
    assert "z***@example.com" in page
    assert 'P1</td><td style="text-align:left">insured' in page
    assert page.count("<table>") == 4


def test_customer_html_escapes_every_value() -> None:
    from custmaster.model import Customer

    organisation = Customer(
        id="C1", kind="organisation", name='A&B <i>物流</i> "有限" 公司', uscc=USCC
    )
    page = organisation._repr_html_()
    assert "<i>" not in page
    assert "&amp;" in page
    assert page.count("<table>") == 1  # no contact points, policies or history
    assert mask("uscc", USCC) in page
    assert USCC not in page
