"""Rebuild src/custmaster/catalog/data/vehicle_series.csv from the shared vehicle-series source.

    python tools/build_vehicle_catalog.py [SOURCE_CSV] [--check]

SOURCE_CSV defaults to ``../shared/data/vehicle-series-source.csv`` next to the repository.
The shipped catalogue keeps every row and every column of the source; only the ``source`` cell is
shortened to tags (legend in docs/vehicle-series.md), and the curated aliases of
``tools/vehicle-series-aliases.csv`` (trim names that only one producer builds: ``530Li`` is a
华晨宝马 宝马5系, ``E300L`` a 北京奔驰 奔驰E级; export names the source lacks: ``Octavia`` is
上汽大众 明锐) are appended to their rows, tagged ``aliases:curated``. A curated row naming no
catalogue row is an error.

Series the source lacks (launched 2020-2026, mostly new-energy: 林肯冒险家, 小鹏P7i, 理想i8,
方程豹豹5 …) are added from ``tools/vehicle-series-supplement.csv``, after the source rows and
tagged ``supplement:curated``. Its columns are the catalogue's, with ``why`` in place of
``source``. A supplement row whose producer is in the source and whose ``model_code_prefixes``
and ``wmi`` are empty takes the producer's prefixes and WMI from the source (so a new 比亚迪
series is read with ``BYD7``/``BYD6`` like the others); a row repeating a source row is an
error (curated aliases of existing rows belong in ``vehicle-series-aliases.csv``).

Commercial vehicles (trucks, tractors, buses, vans, pick-ups) and motorcycles, which the
autohome source hardly lists, come last from ``tools/vehicle-series-commercial.csv`` (same
columns, tagged ``commercial:curated``). There a row may leave ``series_cn`` empty: it then
gives a producer's brand word, enterprise-code prefixes (``ZZ4`` 中国重汽 tractor) and WMI only,
one row per producer and brand. Its codes are never inherited: each is written out.

WMI codes of importers and foreign makers (``WDD`` Mercedes-Benz, ``WBA`` BMW, ``JTJ`` Lexus),
which the source's WMI list lacks, are appended to every row of their producer from
``tools/vehicle-series-wmi.csv`` (``manufacturer_cn``, ``wmi``, ``why``), tagged ``wmi:curated``;
an import's model code is the start of its VIN (``奔驰牌WDDWF4HB``). A producer without a
catalogue row adds nothing (a test checks that each has one in the shipped catalogue).

| tag | meaning |
| --- | --- |
| ``autohome2019`` | huqiji/Car_Model_for_Autohome ``sql/<brand>.sql`` (9f9348e, 2019-11-05) |
| ``factory X`` | autohome's own factory name, normalised to the producer of the row |
| ``rank2024`` | zhangbafa/douyin-live-record ``carSeriesMonthRank.js`` (e8a9995, 2024-10) |
| ``producer-curated`` | the producer of a ``rank2024`` series was assigned by hand |
| ``prefix:GB9417`` | model-code prefixes curated from GB 9417 enterprise codes |
| ``wmi:vininfo`` | WMI codes from idlesign/vininfo ``src/vininfo/dicts/wmi.py`` (release 1.11.0) |
| ``supplement:curated`` | a series of ``tools/vehicle-series-supplement.csv`` |
| ``commercial:curated`` | a row of ``tools/vehicle-series-commercial.csv`` |
| ``wmi:curated`` | WMI codes from ``tools/vehicle-series-wmi.csv`` |

``--check`` exits 1 when the shipped file differs from what the source gives (CI's clone has
``../shared``; the test suite runs the same check when the source is present).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "vehicle-series-source.csv"
TARGET = ROOT / "src" / "custmaster" / "catalog" / "data" / "vehicle_series.csv"
CURATED = ROOT / "tools" / "vehicle-series-aliases.csv"
SUPPLEMENT = ROOT / "tools" / "vehicle-series-supplement.csv"
COMMERCIAL = ROOT / "tools" / "vehicle-series-commercial.csv"
WMI = ROOT / "tools" / "vehicle-series-wmi.csv"
COLUMNS = (
    "brand_cn",
    "manufacturer_cn",
    "series_cn",
    "series_aliases",
    "model_code_prefixes",
    "wmi",
    "source",
)

_TAGS = (
    (re.compile(r"huqiji/Car_Model_for_Autohome:sql/[^;()]*?\.sql"), "autohome2019"),
    (re.compile(r"\(autohome factory ([^)]*)\)"), r"(factory \1)"),
    (
        re.compile(
            r"zhangbafa/douyin-live-record:frontend/src/utils/carSeriesMonthRank\.js "
            r"\(series name; producer curated\)"
        ),
        "rank2024 (producer-curated)",
    ),
    (re.compile(r"model_code_prefixes curated \(GB 9417 enterprise code\)"), "prefix:GB9417"),
    (re.compile(r"wmi idlesign/vininfo:src/vininfo/dicts/wmi\.py"), "wmi:vininfo"),
)


def shorten_source(source: str) -> str:
    """Replace the repository paths of a ``source`` cell by the tags of the module docstring."""
    for pattern, tag in _TAGS:
        source = pattern.sub(tag, source)
    return source


def curated_aliases(path: Path = CURATED) -> dict[tuple[str, str], list[str]]:
    """``(manufacturer_cn, series_cn)`` -> the curated aliases of that catalogue row."""
    found: dict[tuple[str, str], list[str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["manufacturer_cn"].strip(), row["series_cn"].strip())
            aliases = [a.strip() for a in row["series_aliases"].split("|") if a.strip()]
            found.setdefault(key, []).extend(aliases)
    return found


def supplement_rows(rows: list[dict[str, str]], path: Path = SUPPLEMENT) -> list[dict[str, str]]:
    """The rows of the supplement at ``path`` as catalogue records (see the module docstring),
    given the source ``rows`` (for the producers' prefixes and WMI, and for duplicates)."""
    if not path.exists():
        return []
    prefixes: dict[str, list[str]] = {}
    wmi: dict[str, list[str]] = {}
    keys = set()
    for row in rows:
        producer = (row.get("manufacturer_cn") or "").strip()
        keys.add((producer, (row.get("series_cn") or "").strip()))
        for cell, found in (("model_code_prefixes", prefixes), ("wmi", wmi)):
            values = found.setdefault(producer, [])
            values += [v for v in (row.get(cell) or "").split("|") if v and v not in values]
    records = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            record = {column: (row.get(column) or "").strip() for column in COLUMNS}
            key = (record["manufacturer_cn"], record["series_cn"])
            if not all(key) or key in keys:
                what = "a duplicate" if key in keys else "without producer or series"
                raise SystemExit(f"{path} line {number}: {what} ({'/'.join(key)})")
            keys.add(key)
            producer = record["manufacturer_cn"]
            if not record["model_code_prefixes"] and not record["wmi"]:
                record["model_code_prefixes"] = "|".join(prefixes.get(producer, ()))
                record["wmi"] = "|".join(wmi.get(producer, ()))
            record["source"] = "supplement:curated"
            records.append(record)
    return records


def commercial_rows(rows: list[dict[str, str]], path: Path = COMMERCIAL) -> list[dict[str, str]]:
    """The rows of the commercial-vehicle file at ``path`` as catalogue records, given the rows
    before them (a repeated producer and series, or producer and brand when the series is
    empty, is an error)."""
    if not path.exists():
        return []
    keys = {_key(row) for row in rows}
    records = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            record = {column: (row.get(column) or "").strip() for column in COLUMNS}
            key = _key(record)
            if not record["manufacturer_cn"] or not (record["series_cn"] or record["brand_cn"]):
                raise SystemExit(f"{path} line {number}: without producer, or series and brand")
            if key in keys:
                raise SystemExit(f"{path} line {number}: a duplicate ({'/'.join(key)})")
            keys.add(key)
            record["source"] = "commercial:curated"
            records.append(record)
    return records


def curated_wmi(path: Path = WMI) -> dict[str, list[str]]:
    """``manufacturer_cn`` -> the curated WMI codes of that producer."""
    found: dict[str, list[str]] = {}
    if not path.exists():
        return found
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            codes = [w.strip() for w in row["wmi"].split("|") if w.strip()]
            found.setdefault(row["manufacturer_cn"].strip(), []).extend(codes)
    return found


def _key(row: dict[str, str]) -> tuple[str, ...]:
    """A row's identity in the catalogue: producer and series, or producer and brand for a row
    without series (as ``VehicleCatalog`` keeps them)."""
    producer = (row.get("manufacturer_cn") or "").strip()
    series = (row.get("series_cn") or "").strip()
    return (producer, series) if series else (producer, "", (row.get("brand_cn") or "").strip())


def render(
    source_csv: Path,
    curated: Path = CURATED,
    supplement: Path = SUPPLEMENT,
    commercial: Path = COMMERCIAL,
    wmi: Path = WMI,
) -> str:
    """The shipped catalogue's text for the given source file, curated aliases, supplement,
    commercial-vehicle rows and curated WMI codes."""
    with source_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    extra = curated_aliases(curated)
    codes = curated_wmi(wmi)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    records = [{column: (row.get(column) or "").strip() for column in COLUMNS} for row in rows]
    for record in records:
        record["source"] = shorten_source(record["source"])
    records += supplement_rows(rows, supplement)
    records += commercial_rows(records, commercial)
    for record in records:
        more = extra.pop((record["manufacturer_cn"], record["series_cn"]), None)
        if more:
            aliases = [a for a in record["series_aliases"].split("|") if a]
            record["series_aliases"] = "|".join(dict.fromkeys([*aliases, *more]))
            record["source"] += "; aliases:curated"
        more_wmi = codes.get(record["manufacturer_cn"])
        if more_wmi:
            known = [w for w in record["wmi"].split("|") if w]
            record["wmi"] = "|".join(dict.fromkeys([*known, *more_wmi]))
            record["source"] += "; wmi:curated"
        writer.writerow(record)
    if extra:
        raise SystemExit(f"{curated}: no catalogue row for {sorted(extra)}")
    return out.getvalue()


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    source = Path(args[0]) if args else DEFAULT_SOURCE
    text = render(source)
    if "--check" in argv:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} is out of date: run python tools/build_vehicle_catalog.py")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
