"""The demo: a synthetic book through every workflow, from raw files to a renewal list.

`run_demo` is ``custmaster demo`` as a function. It

1. writes a realistic synthetic insurer book as the files a branch office receives — a core
   system extract, underwriting, face-to-face, renewal-list, telesales and claim-report
   exports, an endorsement list and call-back results, all in GB18030 as Chinese Excel and
   core systems write them — with `custmaster.testing.synth` (seeded: the same seed gives
   the same files). Without the ``testing`` extra (hypothesis), the sample book shipped in
   the package (``demo_book/``, written by the same generator with seed 2026) is copied;
2. imports them channel by channel (`custmaster.workflows.channels`), applies the
   endorsements (`custmaster.workflows.endorsements`) and the call-back results
   (`custmaster.workflows.callbacks`);
3. picks the customer whose record tells the most (several channels, older values, a number
   flagged wrong) to show with its history;
4. writes the renewal list of the month after the book's extract date
   (`custmaster.workflows.renewals`), masked.

Running it again on the same store adds nothing: every row is recognised as already there.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.resources
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from custmaster.service import Service, as_service
from custmaster.store.base import Store
from custmaster.workflows.callbacks import CallbackSummary, import_callbacks
from custmaster.workflows.channels import import_channel_file
from custmaster.workflows.core_import import ImportSummary, wrong_numbers
from custmaster.workflows.endorsements import EndorsementSummary, import_endorsements
from custmaster.workflows.renewals import RenewalExport, export_renewals

__all__ = [
    "CHANNEL_FILES",
    "DEFAULT_PEOPLE",
    "DEFAULT_SEED",
    "DemoResult",
    "pick_customer",
    "run_demo",
    "write_book",
]

#: The seed of the demo book (and of the shipped sample).
DEFAULT_SEED = 2026
#: People in the demo book (organisations come on top: one per twenty people).
DEFAULT_PEOPLE = 100
#: The files of a book imported as channels, in import order.
CHANNEL_FILES: tuple[str, ...] = (
    "core_system",
    "underwriting",
    "face_to_face",
    "renewal_list",
    "telesales",
    "claim_report",
)
_ENCODING = "gb18030"
_SAMPLE = "demo_book"
_SAMPLE_AS_OF = dt.date(2026, 12, 1)


@attrs.frozen
class DemoResult:
    """What the demo did and where everything went."""

    directory: Path
    store_url: str
    #: Where the book came from (the generator and seed, or the shipped sample).
    source: str
    imports: tuple[ImportSummary, ...]
    endorsements: EndorsementSummary
    callbacks: CallbackSummary
    #: The customer shown.
    customer_id: str
    month: str
    renewals: RenewalExport
    wrong_numbers: int


def _synth() -> Any | None:
    try:
        return importlib.import_module("custmaster.testing.synth")
    except ImportError:
        return None


def write_book(
    directory: str | Path, *, seed: int = DEFAULT_SEED, people: int = DEFAULT_PEOPLE
) -> tuple[str, dt.date]:
    """Write the book's files into ``directory``; returns where they came from and the
    book's extract date."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    synth = _synth()
    if synth is not None:
        book = synth.generate(seed=seed, people=people)
        synth.write_csv(book, folder, encoding=_ENCODING)
        as_of: dt.date = book.as_of
        return f"custmaster.testing.synth, seed {seed}, {people} people", as_of
    sample = importlib.resources.files("custmaster.workflows").joinpath(_SAMPLE)
    for item in sample.iterdir():
        if item.name.endswith(".csv"):
            with item.open("rb") as source, (folder / item.name).open("wb") as target:
                shutil.copyfileobj(source, target)
    return (
        f"the sample book shipped with custmaster (seed {DEFAULT_SEED}); install "
        "'custmaster[testing]' to generate other books",
        _SAMPLE_AS_OF,
    )


def _next_month(day: dt.date) -> str:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return f"{year:04d}-{month:02d}"


def pick_customer(target: Service | Store) -> str:
    """The customer whose record shows the most: channels, older values, flagged numbers."""
    service = as_service(target)
    best: tuple[int, str] | None = None
    for customer in service.iter_customers():
        channels = {c for p in customer.contact_points for c in p.channels}
        older = sum(len(v) for k, v in customer.histories.items() if not k.startswith("extra."))
        wrong = any(p.status.value == "wrong" for p in customer.contact_points)
        score = 3 * len(channels) + min(older, 10) + (8 if wrong else 0)
        key = (score, customer.id)
        if best is None or key[0] > best[0] or (key[0] == best[0] and key[1] < best[1]):
            best = key
    if best is None:  # pragma: no cover - the demo book is never empty
        raise LookupError("the store holds no customer")
    return best[1]


def run_demo(
    target: Service | Store,
    directory: str | Path,
    *,
    seed: int = DEFAULT_SEED,
    people: int = DEFAULT_PEOPLE,
    month: str | None = None,
    renewal_file: str | Path | None = None,
    step: Callable[[str], None] | None = None,
) -> DemoResult:
    """Run the demo into ``target`` with its files in ``directory`` (see the module text).

    ``step(message)`` is called before each step. The renewal list goes to ``renewal_file``
    (default ``<directory>/renewals-<month>.xlsx``).
    """
    service = as_service(target)
    folder = Path(directory)

    def say(message: str) -> None:
        if step is not None:
            step(message)

    say(f"Writing the synthetic book into {folder}")
    source, as_of = write_book(folder, seed=seed, people=people)
    imports = []
    for channel in CHANNEL_FILES:
        path = folder / f"{channel}.csv"
        say(f"Importing {path.name} as {channel}")
        imports.append(
            import_channel_file(service, path, channel, rejects=folder / f"{channel}.rejects.csv")
        )
    say("Applying endorsements.csv")
    endorsements = import_endorsements(
        service, folder / "endorsements.csv", rejects=folder / "endorsements.rejects.csv"
    )
    say("Recording callback.csv")
    callbacks = import_callbacks(
        service, folder / "callback.csv", rejects=folder / "callback.rejects.csv"
    )
    chosen_month = month or _next_month(as_of)
    if renewal_file is None:
        renewal_file = folder / f"renewals-{chosen_month}.xlsx"
    say(f"Writing the renewal list of {chosen_month}")
    renewals = export_renewals(service, chosen_month, renewal_file)
    return DemoResult(
        directory=folder,
        store_url=service.url,
        source=source,
        imports=tuple(imports),
        endorsements=endorsements,
        callbacks=callbacks,
        customer_id=pick_customer(service),
        month=chosen_month,
        renewals=renewals,
        wrong_numbers=len(wrong_numbers(service)),
    )
