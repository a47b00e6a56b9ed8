"""Stores: one contract (`Store`), adapters behind it, opened by URL with `open_store`.

``memory://`` is `MemoryStore`; durable adapters (SQLite, PostgreSQL) and third-party ones
register through the ``custmaster.stores`` entry-point group (`custmaster.store.registry`).
"""

from __future__ import annotations

from custmaster.store._view import StoredView
from custmaster.store.base import COUNT_KINDS, BaseStore, IngestResult, Outcome, Store
from custmaster.store.memory import MemoryStore
from custmaster.store.registry import (
    DEFAULT_URL,
    ENTRY_POINT_GROUP,
    available_schemes,
    open_store,
    register_store,
    unregister_store,
)
from custmaster.store.subject import Restriction, Tombstone

__all__ = [
    "COUNT_KINDS",
    "DEFAULT_URL",
    "ENTRY_POINT_GROUP",
    "BaseStore",
    "IngestResult",
    "MemoryStore",
    "Outcome",
    "Restriction",
    "Store",
    "StoredView",
    "Tombstone",
    "available_schemes",
    "open_store",
    "register_store",
    "unregister_store",
]
