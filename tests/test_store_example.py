"""The example adapter of docs/how-to/write-a-store-adapter.md passes the store contract.

``examples/dict_store_adapter.py`` is what a third party writes; this is the test module they
write next to it: a `StoreContract` subclass with a ``store_factory``, and the adapter
registered under its URL scheme as an entry point would.
"""

from __future__ import annotations

import importlib.util
import itertools
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from custmaster.store import available_schemes, open_store, register_store, unregister_store
from custmaster.testing.contract import Capabilities, StoreContract, StoreFactory

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "dict_store_adapter.py"


def _load() -> type:
    spec = importlib.util.spec_from_file_location("dict_store_adapter", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.DictStore  # type: ignore[no-any-return]


DictStore = _load()


@pytest.fixture(autouse=True)
def registered() -> Iterator[None]:
    register_store("dict", DictStore)
    yield
    unregister_store("dict")


class TestDictStore(StoreContract):
    capabilities = Capabilities(durable=True)

    @pytest.fixture
    def store_factory(self, tmp_path: Path) -> StoreFactory:
        numbers = itertools.count()
        return lambda **options: open_store(
            f"dict://{tmp_path}/book-{next(numbers)}.json", **options
        )


def test_the_scheme_is_listed_once_registered() -> None:
    assert "dict" in available_schemes()
    with open_store("dict://") as store:
        assert type(store).__name__ == "DictStore"
