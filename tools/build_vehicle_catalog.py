"""Rebuild src/custmaster/catalog/data/vehicle_series.csv from the shared vehicle-series source.

    python tools/build_vehicle_catalog.py [SOURCE_CSV] [--check]

SOURCE_CSV defaults to ``../shared/data/vehicle-series-source.csv`` next to the repository.
The shipped catalogue keeps every row and every column of the source; only the ``source`` cell is
shortened to tags (legend in docs/vehicle-series.md):

| tag | meaning |
| --- | --- |
| ``autohome2019`` | huqiji/Car_Model_for_Autohome ``sql/<brand>.sql`` (9f9348e, 2019-11-05) |
| ``factory X`` | autohome's own factory name, normalised to the producer of the row |
| ``rank2024`` | zhangbafa/douyin-live-record ``carSeriesMonthRank.js`` (e8a9995, 2024-10) |
| ``producer-curated`` | the producer of a ``rank2024`` series was assigned by hand |
| ``prefix:GB9417`` | model-code prefixes curated from GB 9417 enterprise codes |
| ``wmi:vininfo`` | WMI codes from idlesign/vininfo ``src/vininfo/dicts/wmi.py`` (release 1.11.0) |

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


def render(source_csv: Path) -> str:
    """The shipped catalogue's text for the given source file."""
    with source_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        record = {column: (row.get(column) or "").strip() for column in COLUMNS}
        record["source"] = shorten_source(record["source"])
        writer.writerow(record)
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
