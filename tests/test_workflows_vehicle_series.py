"""Classifying the vehicles of a store and of a file; unclassified strings with reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from _workflow_helpers import ID_ZHANG, VIN_1, read_csv, write_csv
from custmaster.catalog.vehicle_series import Classifier, VehicleCatalog
from custmaster.model import Provenance, SourceRecord
from custmaster.service import Service
from custmaster.workflows.reading import TableFormatError
from custmaster.workflows.vehicle_series import OUTPUT_COLUMNS, classify_file, classify_store

pytest_plugins = ["_workflow_fixtures"]

MODELS = [
    "本田牌HG7203ABCVT",  # 广汽本田 by the model code
    "雅阁HG7240ABCVT",  # 广汽本田 雅阁
    "大众汽车牌SVW71810KJ",  # 上汽大众
    "星河牌XH7150A",  # a model code whose prefix the shipped catalogue does not know
    "不详",  # placeholder
    "不详",
]


def test_classify_store(service: Service) -> None:
    for i, model in enumerate(MODELS):
        service.ingest_one(
            SourceRecord(
                provenance=Provenance(
                    channel="core_system", source_ref=f"P{i}#0", observed_at="2026-01-02"
                ),
                policy_no=f"P{i}",
                resident_id=ID_ZHANG,
                make_model=model,
            )
        )
    report = classify_store(service)
    assert (report.vehicles, report.classified, report.with_series) == (6, 3, 1)
    assert dict(report.by_manufacturer) == {"广汽本田": 2, "上汽大众": 1}
    assert report.by_series == (("广汽本田", "雅阁", 1),)
    assert dict(report.unclassified) == {"placeholder": 2, "unknown_model_code": 1}
    assert ("placeholder", "不详", 2) in report.examples
    assert report.coverage == pytest.approx(0.5)


def test_a_catalogue_of_your_own(service: Service) -> None:
    service.ingest_one(
        SourceRecord(
            provenance=Provenance(
                channel="core_system", source_ref="P#0", observed_at="2026-01-02"
            ),
            policy_no="P",
            resident_id=ID_ZHANG,
            make_model="星河牌XH7150A",
        )
    )
    extra = VehicleCatalog.from_rows(
        [{"brand_cn": "星河", "manufacturer_cn": "星河汽车", "series_cn": "星河一号",
          "model_code_prefixes": "XH7"}]
    )  # fmt: skip
    report = classify_store(service, classifier=Classifier(VehicleCatalog.load().merged(extra)))
    assert dict(report.by_manufacturer) == {"星河汽车": 1}
    assert dict(classify_store(service).unclassified) == {"unknown_model_code": 1}


def test_classify_file_writes_each_row_with_its_classification(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "vehicles.csv",
        ("保单号", "厂牌型号", "车架号"),
        [[f"P{i}", model, VIN_1 if i == 0 else ""] for i, model in enumerate(MODELS)],
        encoding="gb18030",
    )
    out = tmp_path / "classified.csv"
    report = classify_file(path, output=out)
    assert (report.vehicles, report.classified) == (6, 3)
    rows = read_csv(out)
    assert list(rows[0]) == ["保单号", "厂牌型号", "车架号", *OUTPUT_COLUMNS]
    assert (rows[0]["manufacturer"], rows[0]["confidence"], rows[0]["method"]) == (
        "广汽本田", "1.00", "model_code_prefix",
    )  # fmt: skip
    assert (rows[1]["series"], rows[4]["reason"]) == ("雅阁", "placeholder")


def test_classify_file_needs_a_make_model_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ("保单号", "车架号"), [["P1", VIN_1]])
    with pytest.raises(TableFormatError, match=r"vehicle_series\.no_make_model"):
        classify_file(path)
