"""Opening stores by URL: built-ins, entry points, run-time registration, helpful errors."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import metadata
from typing import Any

import pytest

from custmaster.errors import StoreError
from custmaster.merge import MergePolicy
from custmaster.store import (
    DEFAULT_URL,
    ENTRY_POINT_GROUP,
    MemoryStore,
    available_schemes,
    open_store,
    register_store,
    registry,
    unregister_store,
)


@pytest.fixture(autouse=True)
def _clean_registrations() -> Iterator[None]:
    yield
    for scheme in ("custom", "postgresql", "broken", "thirdparty"):
        unregister_store(scheme)


def test_memory_opens_with_options() -> None:
    policy = MergePolicy(rules={"name": "first_seen"})
    store = open_store("memory://", policy=policy)
    assert isinstance(store, MemoryStore)
    assert store.merge_policy is policy
    assert "memory" in available_schemes()


def test_an_unknown_scheme_lists_the_installed_ones() -> None:
    with pytest.raises(StoreError) as info:
        open_store("oracle://scott@db")
    assert info.value.code == "store.unknown_scheme"
    assert "'oracle'" in str(info.value)
    assert "memory" in str(info.value)


def test_a_url_without_a_scheme_is_refused() -> None:
    with pytest.raises(StoreError) as info:
        open_store("custmaster.db")
    assert info.value.code == "store.url"


def test_register_store_at_run_time() -> None:
    made: list[tuple[str, dict[str, Any]]] = []

    def factory(url: str, **options: Any) -> MemoryStore:
        made.append((url, options))
        return MemoryStore(url)

    register_store("Custom", factory)
    store = open_store("custom://bucket/a", flavour="x")
    assert store.url == "custom://bucket/a"
    assert made == [("custom://bucket/a", {"flavour": "x"})]
    unregister_store("custom")
    with pytest.raises(StoreError):
        open_store("custom://bucket/a")


def test_a_missing_optional_dependency_names_the_extra() -> None:
    register_store("postgresql", "custmaster_test_no_such_module.pg:PostgresStore")
    with pytest.raises(StoreError) as info:
        open_store("postgresql://postgres@127.0.0.1:5432/test")
    assert info.value.code == "store.adapter_missing"
    assert "pip install 'custmaster[postgres]'" in str(info.value)
    with pytest.raises(StoreError) as alias:
        open_store("postgres+psycopg://postgres@127.0.0.1/test")
    assert "custmaster[postgres]" in str(alias.value)


def test_a_broken_adapter_reference_is_reported() -> None:
    register_store("broken", "custmaster.store.memory:NoSuchStore")
    with pytest.raises(StoreError) as info:
        open_store("broken://x")
    assert info.value.code == "store.adapter_broken"


def test_adapters_come_from_the_entry_point_group(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = metadata.EntryPoint(
        name="thirdparty", value="custmaster.store.memory:MemoryStore", group=ENTRY_POINT_GROUP
    )
    real = metadata.entry_points

    def entry_points(**selection: Any) -> Any:
        if selection.get("group") == ENTRY_POINT_GROUP:
            return [fake]
        return real(**selection)

    monkeypatch.setattr(registry.metadata, "entry_points", entry_points)
    assert "thirdparty" in available_schemes()
    assert isinstance(open_store("thirdparty://"), MemoryStore)


def test_the_default_is_sqlite_in_the_current_directory() -> None:
    assert DEFAULT_URL == "sqlite:///custmaster.db"
