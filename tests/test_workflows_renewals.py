"""The renewal list: the month's policies, best callable contacts, filters, masked exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _workflow_helpers import ID_LI, ID_WANG, ID_ZHANG, ID_ZHAO, VIN_1, read_csv
from custmaster.audit import AuditChain, verify
from custmaster.errors import PermissionDenied, UsageError
from custmaster.model import ContactEvent, Provenance, SourceRecord
from custmaster.privacy.access import User
from custmaster.privacy.masking import scan_for_personal_data
from custmaster.service import Service
from custmaster.workflows.callbacks import record_callback
from custmaster.workflows.classification import ClassificationRules, Condition, LevelRule
from custmaster.workflows.endorsements import apply_endorsement
from custmaster.workflows.renewals import (
    COLUMNS,
    SHARED_HOLDERS,
    RenewalRow,
    export_renewals,
    renewal_rows,
)

pytest_plugins = ["_workflow_fixtures"]

NAMES = {ID_ZHANG: "张伟", ID_LI: "李娜", ID_WANG: "王强", ID_ZHAO: "赵敏"}


def _record(
    service: Service,
    ref: str,
    channel: str = "core_system",
    when: str = "2026-01-02",
    **fields: object,
) -> None:
    service.ingest_one(
        SourceRecord(
            provenance=Provenance(channel=channel, source_ref=ref, observed_at=when), **fields
        )
    )


def _book(service: Service) -> None:
    # Zhang: both lines of a Honda ending in January, two numbers; first seen by telesales.
    _record(service, "T-1", "telesales", "2025-11-01", resident_id=ID_ZHANG, name="张伟",
            mobile="13500135000")  # fmt: skip
    for number, line in (("PDAA001", "商业险"), ("PDZA001", "交强险")):
        _record(service, f"{number}#0", policy_no=number, line=line, resident_id=ID_ZHANG,
                name="张伟", mobile="13800138000", home_phone="0592-5123456",
                address="福建省厦门市思明区湖滨南路1号", plate="闽D12388",
                make_model="本田牌HG7203ABCVT", vin=VIN_1, cover_start="2026-01-05",
                cover_end="2027-01-04")  # fmt: skip
    # Li: a Volkswagen ending in January, renewal history over three years, key customer.
    for year in (2024, 2025, 2026):
        for number, line in ((f"PDAA{year}L", "商业险"), (f"PDZA{year}L", "交强险")):
            _record(service, f"{number}#0", when=f"{year}-01-10", policy_no=number, line=line,
                    resident_id=ID_LI, name="李娜", mobile="13900139000",
                    plate="闽D66666", make_model="大众汽车牌SVW71810KJ",
                    cover_start=f"{year}-01-20", cover_end=f"{year + 1}-01-19")  # fmt: skip
    # Wang: a policy ending in February (not in the January list).
    _record(service, "PDAA003#0", policy_no="PDAA003", line="商业险", resident_id=ID_WANG,
            name="王强", mobile="13700137000", cover_start="2026-02-10",
            cover_end="2027-02-09")  # fmt: skip


def test_one_row_per_policy_of_the_month_in_end_date_order(service: Service) -> None:
    _book(service)
    rows = renewal_rows(service, "2027-01")
    assert [r.policy_no for r in rows] == ["PDAA001", "PDZA001", "PDAA2026L", "PDZA2026L"]
    zhang = rows[0]
    assert (zhang.line, zhang.cover_end, zhang.name) == ("commercial", dt.date(2027, 1, 4), "张伟")
    assert (zhang.manufacturer, zhang.plate) == ("广汽本田", "闽D12388")
    assert zhang.source_channel == "telesales"
    assert renewal_rows(service, "2027-02")[0].policy_no == "PDAA003"
    with pytest.raises(UsageError, match=r"store\.month"):
        renewal_rows(service, "2027-13")


def test_filters(service: Service) -> None:
    _book(service)
    assert [r.policy_no for r in renewal_rows(service, "2027-01", line="交强险")] == [
        "PDZA001",
        "PDZA2026L",
    ]
    assert {r.customer_id for r in renewal_rows(service, "2027-01", channel="telesales")} == {
        service.find(resident_id=ID_ZHANG)[0].id
    }
    assert renewal_rows(service, "2027-01", channel="claim_report") == []
    by_maker = renewal_rows(service, "2027-01", manufacturer="上汽大众")
    assert [r.policy_no for r in by_maker] == ["PDAA2026L", "PDZA2026L"]
    key = renewal_rows(service, "2027-01", key_customer=True)
    assert {r.name for r in key} == {"李娜"}
    assert {r.level for r in key} == {"A"}
    rules = ClassificationRules(levels=[LevelRule("VIP", Condition(min_policies=2))],
                                key_levels=("VIP",))  # fmt: skip
    assert len(renewal_rows(service, "2027-01", key_customer=True, rules=rules)) == 4


def test_series_filter(service: Service) -> None:
    _record(service, "P9#0", policy_no="P9", line="商业险", resident_id=ID_ZHAO, name="赵敏",
            make_model="雅阁HG7240ABCVT", cover_start="2026-01-01",
            cover_end="2026-12-31")  # fmt: skip
    _record(service, "P8#0", policy_no="P8", line="商业险", resident_id=ID_WANG, name="王强",
            make_model="飞度HG7150", cover_start="2026-01-01", cover_end="2026-12-31")  # fmt: skip
    assert [r.policy_no for r in renewal_rows(service, "2026-12", series="雅阁")] == ["P9"]
    assert [r.series for r in renewal_rows(service, "2026-12", manufacturer="广汽本田")] == [
        "飞度",
        "雅阁",
    ]


def test_a_number_many_customers_of_the_month_share_comes_after_their_own(
    service: Service,
) -> None:
    """A car dealer's office number entered as three customers' own: offered last."""
    dealer, family = "0592-5888888", "0592-6123456"
    people = [(ID_ZHANG, "张伟", "13800138000"), (ID_LI, "李娜", "13900139000"),
              (ID_WANG, "王强", "13700137000")]  # fmt: skip
    for at, (resident_id, name, mobile) in enumerate(people):
        number = f"PDAA00{at}"
        _record(service, f"{number}#0", when="2026-01-02", policy_no=number, line="商业险",
                resident_id=resident_id, name=name, mobile=mobile, cover_start="2026-01-05",
                cover_end="2027-01-04")  # fmt: skip
        # the dealer's number, seen last: it would rank first
        _record(service, f"D-{at}", "telesales", "2026-06-01", resident_id=resident_id,
                office_phone=dealer, home_phone=family if at < 2 else None)  # fmt: skip
    rows = renewal_rows(service, "2027-01")
    assert [r.contacts[-1] for r in rows] == ["+865925888888"] * 3
    # a number two customers share (a family's home phone) keeps its place: seen last, first
    assert [r.contacts[0] for r in rows] == ["+865926123456", "+865926123456", "+8613700137000"]
    assert [len(r.contacts) for r in rows] == [3, 3, 2]
    # a month where fewer than SHARED_HOLDERS customers have it: the usual order
    assert SHARED_HOLDERS == 3
    _record(service, "PDAA009#0", policy_no="PDAA009", line="商业险", resident_id=ID_ZHAO,
            name="赵敏", mobile="13600136000", cover_start="2026-02-05",
            cover_end="2027-02-04")  # fmt: skip
    _record(service, "D-9", "telesales", "2026-06-01", resident_id=ID_ZHAO, office_phone=dealer)
    assert renewal_rows(service, "2027-02")[0].contacts == ("+865925888888", "+8613600136000")


def test_filters_as_people_type_them(service: Service) -> None:
    """Channels by their Chinese names, producers without their hyphen or by their brand,
    series by an alias: what the catalogue makes of the filter, not its spelling alone."""
    _book(service)
    _record(service, "P9#0", policy_no="P9", line="商业险", resident_id=ID_ZHAO, name="赵敏",
            make_model="一汽-大众牌FV7147FBDBG", cover_start="2026-01-12",
            cover_end="2027-01-11")  # fmt: skip
    _record(service, "P7#0", policy_no="P7", line="商业险", resident_id=ID_WANG, name="王强",
            make_model="雪佛兰创酷SGM7144", cover_start="2026-01-13",
            cover_end="2027-01-12")  # fmt: skip

    def numbers(**filters: str) -> list[str]:
        return [r.policy_no for r in renewal_rows(service, "2027-01", **filters)]

    zhang = ["PDAA001", "PDZA001"]
    assert numbers(channel="电销") == numbers(channel="Telesales") == zhang
    assert numbers(channel="报案") == []
    assert numbers(manufacturer="一汽大众") == numbers(manufacturer="一汽-大众") == ["P9"]
    assert numbers(manufacturer="上海大众") == ["PDAA2026L", "PDZA2026L"]  # 上汽大众's old name
    assert numbers(manufacturer="大众") == ["P9", "PDAA2026L", "PDZA2026L"]  # the brand
    assert numbers(manufacturer="本田") == zhang
    assert numbers(manufacturer="东风本田") == []  # a producer is not its brand
    assert numbers(series="Trax") == numbers(series="创酷") == ["P7"]
    assert numbers(series="宋") == []


def test_contacts_best_first_and_never_a_wrong_number(service: Service) -> None:
    _book(service)
    zhang = renewal_rows(service, "2027-01")[0]
    assert zhang.contacts == ("+8613800138000", "+865925123456", "+8613500135000")
    record_callback(service, "0592-5123456", "接通", at="2026-11-01 10:00", operator="王芳")
    record_callback(service, "13800138000", "错号", at="2026-11-02 10:00", operator="王芳")
    zhang = renewal_rows(service, "2027-01")[0]
    assert zhang.contacts == ("+865925123456", "+8613500135000")


def test_a_number_flagged_on_someone_else_is_left_out(service: Service) -> None:
    _book(service)
    wang = service.find(resident_id=ID_WANG)[0]
    service.add_event(
        wang.id,
        ContactEvent(id="CB-9#" + wang.id, at="2026-10-01T10:00:00+08:00", channel="callback",
                     method="call", contact_kind="mobile", contact_value="13700137000",
                     outcome="invalid", operator="王芳"),
    )  # fmt: skip
    # Zhao brings the number later, straight into the store (no import copied the flag).
    _record(service, "P7#0", when="2026-11-01", policy_no="P7", line="商业险",
            resident_id=ID_ZHAO, name="赵敏", mobile="13700137000", office_phone="0592-6123456",
            cover_start="2026-01-10", cover_end="2027-01-09")  # fmt: skip
    zhao = next(r for r in renewal_rows(service, "2027-01") if r.policy_no == "P7")
    assert zhao.contacts == ("+865926123456",)


def test_cancelled_policies_are_left_out(service: Service) -> None:
    _book(service)
    apply_endorsement(service, "PDZA001", number="E1", effective="2026-06-01", kind="退保")
    assert "PDZA001" not in {r.policy_no for r in renewal_rows(service, "2027-01")}
    with_cancelled = renewal_rows(service, "2027-01", include_cancelled=True)
    assert "PDZA001" in {r.policy_no for r in with_cancelled}


def test_the_insured_after_a_change_gets_the_row(service: Service) -> None:
    _book(service)
    apply_endorsement(service, "PDAA001", number="E1", effective="2026-06-01", kind="过户",
                      changes={"resident_id": ID_ZHAO, "name": "赵敏",
                               "mobile": "13300133000"})  # fmt: skip
    row = next(r for r in renewal_rows(service, "2027-01") if r.policy_no == "PDAA001")
    assert row.name == "赵敏"
    assert row.contacts == ("+8613300133000",)


def test_masked_csv_export(service: Service, tmp_path: Path) -> None:
    _book(service)
    out = tmp_path / "renewals.csv"
    result = export_renewals(service, "2027-01", out, line="commercial")
    assert (result.rows, result.format, result.revealed) == (2, "csv", False)
    rows = read_csv(out)
    assert list(rows[0]) == [header for _, header in COLUMNS]
    assert rows[0]["保单号"] == "PDAA001"
    assert rows[0]["被保险人"] == "张*"
    assert rows[0]["联系电话1"] == "138****8000"
    assert rows[0]["联系电话2"] == "0592-*****56"
    assert rows[0]["险种"] == "商业险"
    assert rows[1]["重点客户"] == "是"
    # the source channel by its Chinese name; the filter still takes the code
    assert (rows[0]["来源渠道"], rows[1]["来源渠道"]) == ("电销", "核心系统")
    text = out.read_text(encoding="utf-8-sig")
    assert not scan_for_personal_data(text, list(NAMES.values()))
    assert ID_ZHANG not in text


def test_a_policy_of_no_stated_line_shows_as_unknown_in_chinese(
    service: Service, tmp_path: Path
) -> None:
    _record(service, "P7#0", policy_no="P7", resident_id=ID_ZHAO, name="赵敏",
            cover_start="2026-01-01", cover_end="2026-12-31")  # fmt: skip
    (row,) = renewal_rows(service, "2026-12")
    assert (row.line, row.masked()["line"]) == ("unknown", "未知")
    export_renewals(service, "2026-12", tmp_path / "r.csv")
    assert read_csv(tmp_path / "r.csv")[0]["险种"] == "未知"


def test_xlsx_export_is_streamed_and_readable(service: Service, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    _book(service)
    out = tmp_path / "renewals.xlsx"
    result = export_renewals(service, "2027-01", out, contacts=2)
    assert result.rows == 4
    sheet = openpyxl.load_workbook(out, read_only=True).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][:4] == ["保单号", "险种", "起保日期", "终保日期"]
    assert "联系电话3" not in values[0]
    assert values[1][0] == "PDAA001"
    assert len(values) == 5


def test_reveal_needs_a_user_with_the_permission_and_is_audited(tmp_path: Path) -> None:
    base = Service.open("memory://")
    _book(base)
    out = tmp_path / "full.csv"
    with pytest.raises(PermissionDenied, match=r"permission\.reveal"):
        export_renewals(base, "2027-01", out, reveal=True)
    supervisor = Service(base.store, User("li.na", roles=["supervisor"]))
    with pytest.raises(PermissionDenied, match=r"permission\.reveal"):
        export_renewals(supervisor, "2027-01", out, reveal=True)
    clerk = Service(base.store, User("wang.fang", roles=["operator"]))
    with pytest.raises(PermissionDenied, match=r"permission\.export"):
        export_renewals(clerk, "2027-01", out)
    chain = AuditChain()
    admin = Service(base.store, User("zhao.liu", roles=["administrator"]), audit=chain)
    result = export_renewals(admin, "2027-01", out, reveal=True)
    assert result.revealed
    rows = read_csv(out)
    assert rows[0]["被保险人"] == "张伟"
    assert rows[0]["联系电话1"] == "13800138000"  # as call lists write it (`dialable`)
    assert rows[0]["联系电话2"] == "0592-5123456"
    reveal = [e for e in admin.audit_entries if e.operation == "reveal"]
    assert len(reveal) == 1
    assert reveal[0].user == "zhao.liu"
    assert reveal[0].detail["rows"] == 4
    assert verify(admin.audit_entries).ok


def test_bad_output_format_and_contacts(service: Service, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"renewals\.format"):
        export_renewals(service, "2027-01", tmp_path / "out.pdf")
    with pytest.raises(UsageError, match=r"renewals\.contacts"):
        export_renewals(service, "2027-01", tmp_path / "out.csv", contacts=0)


def test_repr_masks(service: Service) -> None:
    _book(service)
    text = repr(renewal_rows(service, "2027-01"))
    assert not scan_for_personal_data(text, list(NAMES.values()))


# -- the stored-view read path of the SQL stores ---------------------------------------------


def _rows_by_month(service: Service, months: list[str]) -> dict[str, list[tuple[object, ...]]]:
    return {month: [attrs.astuple(r) for r in renewal_rows(service, month)] for month in months}


@pytest.fixture(scope="module")
def synthetic_book_stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[Service, Service]:
    """A synthetic book (households, organisations, call-backs, noise) in memory and SQLite."""
    from custmaster.testing import synth

    book = synth.generate(seed=5, people=400, years=3)
    memory = Service.open("memory://")
    sqlite = Service.open(f"sqlite:///{tmp_path_factory.mktemp('views')}/book.db")
    for service in (memory, sqlite):
        synth.ingest(service.store, book)
    return memory, sqlite


MONTHS = [f"2027-{m:02d}" for m in range(1, 13)] + ["2026-12"]


def test_sqlite_rows_from_stored_views_equal_rows_from_golden_states(
    synthetic_book_stores: tuple[Service, Service], monkeypatch: pytest.MonkeyPatch
) -> None:
    memory, sqlite = synthetic_book_stores
    from_views = _rows_by_month(sqlite, MONTHS)
    assert sum(len(rows) for rows in from_views.values()) > 300
    # the in-memory store has no stored views: its rows come from the golden states
    assert from_views == _rows_by_month(memory, MONTHS)
    # and the same SQLite store read through its states gives the same rows
    monkeypatch.setattr(type(sqlite.store), "expiring_views", None)
    assert _rows_by_month(sqlite, MONTHS) == from_views


def test_a_view_of_an_older_version_is_read_through_the_log(tmp_path: Path) -> None:
    service = Service.open(f"sqlite:///{tmp_path}/old.db")
    _book(service)
    before = renewal_rows(service, "2027-01")
    assert before
    service.store._sql("UPDATE cm_customers SET state = '{\"v\":1}'")  # as custmaster 0.x wrote
    service.close()
    reopened = Service.open(f"sqlite:///{tmp_path}/old.db")
    assert renewal_rows(reopened, "2027-01") == before


def test_views_written_before_their_summary_give_the_same_rows(tmp_path: Path) -> None:
    import json

    from custmaster.testing import synth

    service = Service.open(f"sqlite:///{tmp_path}/v2.db")
    synth.ingest(service.store, synth.generate(seed=8, people=200, years=3))
    _book(service)
    apply_endorsement(service, "PDZA001", number="E1", effective="2026-06-01", kind="退保")
    apply_endorsement(service, "PDAA001", number="E2", effective="2026-06-01", kind="过户",
                      changes={"resident_id": ID_ZHAO, "name": "赵敏"})  # fmt: skip
    months = [*MONTHS, "2027-01"]
    expected = _rows_by_month(service, months)
    assert sum(len(rows) for rows in expected.values()) > 100
    january = {row[0]: row for row in expected["2027-01"]}
    assert "PDZA001" not in january  # cancelled
    assert january["PDAA001"][4] == "赵敏"  # the insured after the change
    views = []
    for customer_id, text in service.store._sql("SELECT id, state FROM cm_customers"):
        data = json.loads(text)
        del data["summary"]  # as custmaster wrote its views before version 3
        data["v"] = 2
        views.append((json.dumps(data, ensure_ascii=False), customer_id))
    service.store._sql_many("UPDATE cm_customers SET state = ? WHERE id = ?", views)
    service.close()
    with Service.open(f"sqlite:///{tmp_path}/v2.db") as reopened:
        assert _rows_by_month(reopened, months) == expected


def test_a_store_of_older_views_reads_the_month_through_its_states(
    synthetic_book_stores: tuple[Service, Service], monkeypatch: pytest.MonkeyPatch
) -> None:
    from custmaster.workflows import renewals

    _, sqlite = synthetic_book_stores
    expected = _rows_by_month(sqlite, MONTHS)
    real = type(sqlite.store).expiring_views

    def old_views(self: object, month: str) -> object:
        for number, held in real(self, month):  # type: ignore[arg-type]
            yield number, dict.fromkeys(held)  # every view of an older format

    monkeypatch.setattr(type(sqlite.store), "expiring_views", old_views)
    for limit in (0, 10_000):  # the month's states, or policy by policy
        monkeypatch.setattr(renewals, "_ONE_BY_ONE", limit)
        assert _rows_by_month(sqlite, MONTHS) == expected


def test_postgres_rows_from_stored_views_equal_rows_from_golden_states(
    synthetic_book_stores: tuple[Service, Service],
) -> None:
    from _store_helpers import schemas
    from custmaster.testing import synth

    memory, _ = synthetic_book_stores
    for made in schemas():  # skips without a server (fails under CI=true)
        service = Service.open(made.new())
        try:
            synth.ingest(service.store, synth.generate(seed=5, people=400, years=3))
            # PostgreSQL numbers a batch's customers in blocks: ids differ from the memory
            # store's, so each customer is named by its first record's key
            assert _rows_by_first_record(service) == _rows_by_first_record(memory)
        finally:
            service.close()


def _rows_by_first_record(service: Service) -> dict[str, list[tuple[object, ...]]]:
    named: dict[str, tuple[str, str]] = {}

    def name(customer_id: str) -> tuple[str, str]:
        if customer_id not in named:
            named[customer_id] = min(
                r.provenance.key for r in service.store.observations(customer_id)
            )
        return named[customer_id]

    return {
        month: [
            attrs.astuple(attrs.evolve(row, customer_id=repr(name(row.customer_id))))
            for row in renewal_rows(service, month)
        ]
        for month in MONTHS
    }


def test_the_month_read_inside_a_transaction_sees_its_changes(tmp_path: Path) -> None:
    service = Service.open(f"sqlite:///{tmp_path}/tx.db")
    _book(service)
    with service.store.transaction():
        _record(service, "PDAA009#0", policy_no="PDAA009", line="商业险", resident_id=ID_ZHAO,
                name="赵敏", mobile="13600136000", cover_start="2026-01-10",
                cover_end="2027-01-09")  # fmt: skip
        inside = [r.policy_no for r in renewal_rows(service, "2027-01")]
        assert "PDAA009" in inside
    assert [r.policy_no for r in renewal_rows(service, "2027-01")] == inside


@pytest.mark.parametrize(("reveal", "contacts"), [(False, 3), (False, 1), (True, 2)])
def test_export_files_hold_each_rows_masked_or_revealed_values(
    synthetic_book_stores: tuple[Service, Service], tmp_path: Path, reveal: bool, contacts: int
) -> None:
    """The export writes exactly `RenewalRow.masked` (or ``revealed``) of every row, in the
    columns' order: the same bytes as writing those dictionaries cell by cell."""
    import csv
    import io
    import zipfile

    from custmaster.workflows import renewals

    _, sqlite = synthetic_book_stores
    admin = Service(sqlite.store, User("zhao.liu", roles=["administrator"]))
    rows = [row for month in MONTHS for row in renewal_rows(admin, month)]
    assert len(rows) > 300
    fields = [f for f, _ in COLUMNS if not f.startswith("contact_")]
    at = fields.index("series") + 1
    fields[at:at] = [f"contact_{i + 1}" for i in range(contacts)]
    header = [dict(COLUMNS).get(f, f"联系电话{f[-1]}") for f in fields]
    values = [r.revealed(contacts) if reveal else r.masked(contacts) for r in rows]
    expected = [[v[f] for f in fields] for v in values]

    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *expected])
    export_renewals(admin, "2027-01", tmp_path / "r.csv", rows=rows, reveal=reveal,
                    contacts=contacts)  # fmt: skip
    assert (tmp_path / "r.csv").read_bytes() == out.getvalue().encode("utf-8-sig")

    export_renewals(admin, "2027-01", tmp_path / "r.xlsx", rows=rows, reveal=reveal,
                    contacts=contacts)  # fmt: skip
    renewals._write_xlsx(tmp_path / "e.xlsx", header, expected)
    with zipfile.ZipFile(tmp_path / "r.xlsx") as got, zipfile.ZipFile(tmp_path / "e.xlsx") as want:
        assert got.namelist() == want.namelist()
        for name in want.namelist():
            assert got.read(name) == want.read(name)


def _renewal_row_values() -> st.SearchStrategy[RenewalRow]:
    from custmaster.testing.strategies import addresses, names, phones, plates

    odd = st.sampled_from(["", " ", "张", "x", "13800138000", "福建省", "<&>"]) | st.text(
        max_size=4
    )
    number = phones("mobile").map(lambda p: p.e164) | phones("fixed_line").map(lambda p: p.e164)
    return st.builds(
        RenewalRow,
        policy_no=st.sampled_from(["PDAA001", "PDZA002"]),
        line=st.sampled_from(["commercial", "compulsory", "unknown"]),
        cover_end=st.dates(),
        customer_id=st.just("C00000001"),
        name=st.none() | names() | odd,
        cover_start=st.none() | st.dates(),
        plate=st.none() | plates() | odd,
        make_model=st.none() | odd,
        manufacturer=st.none() | odd,
        series=st.none() | odd,
        contacts=st.lists(number | odd, max_size=4).map(tuple),
        address=st.none() | addresses().map(lambda a: a.text) | odd,
        source_channel=st.none() | odd,
        level=st.none() | odd,
        key_customer=st.booleans(),
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(_renewal_row_values(), max_size=6), st.integers(1, 4), st.booleans())
def test_export_cells_are_the_rows_masked_or_revealed_values(
    rows: list[RenewalRow], contacts: int, reveal: bool
) -> None:
    """Each distinct value is masked once per export; every cell is still what
    `RenewalRow.masked` (or ``revealed``) gives, repeated values included."""
    from custmaster.workflows import renewals

    fields = renewals._export_fields(contacts)
    line = renewals._Line(contacts, reveal)
    for row in [*rows, *rows]:  # the second time, from what the export remembered
        values = row.revealed(contacts) if reveal else row.masked(contacts)
        assert line(row) == [values[f] for f in fields]
