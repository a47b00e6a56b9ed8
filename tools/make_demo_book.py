"""Write the sample book shipped for ``custmaster demo`` (src/custmaster/workflows/demo_book/).

The demo generates its book with `custmaster.testing.synth`, which needs the ``testing`` extra
(hypothesis). A plain install has no hypothesis, so the demo falls back to this sample: the
same generator's files for the demo's default seed and size, in GB18030 as core systems write
them, without the ground truth. Run after the generator changes::

    python tools/make_demo_book.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from custmaster.testing import synth
from custmaster.workflows.demo import DEFAULT_PEOPLE, DEFAULT_SEED

TARGET = Path(__file__).resolve().parent.parent / "src" / "custmaster" / "workflows" / "demo_book"


def main() -> int:
    """Write the files; print what was written."""
    book = synth.generate(seed=DEFAULT_SEED, people=DEFAULT_PEOPLE)
    if book.as_of != synth.DEFAULT_AS_OF:  # pragma: no cover - the demo assumes it
        raise SystemExit("the generator's default extract date changed; update demo.py")
    TARGET.mkdir(parents=True, exist_ok=True)
    for old in TARGET.glob("*.csv"):
        old.unlink()
    with tempfile.TemporaryDirectory() as folder:
        result = synth.write_csv(book, folder, encoding="gb18030")
        for path in result.paths.values():
            (TARGET / path.name).write_bytes(path.read_bytes())
    for path in sorted(TARGET.glob("*.csv")):
        print(
            f"{path.relative_to(TARGET.parent.parent.parent.parent)}  {path.stat().st_size:,} bytes"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
