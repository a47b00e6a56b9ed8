"""A tiny in-test index for the resolution tests: `resolve` without a store."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from custmaster.model import SourceRecord
from custmaster.resolve.keys import index_entries


class DictLookups:
    """A tiny in-test index, to exercise `resolve` without a store."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], list[tuple[str, Any]]] = {}
        self.apart: set[frozenset[str]] = set()

    def add(self, customer_id: str, record: SourceRecord) -> None:
        for entry in index_entries(record):
            self.entries.setdefault((entry.kind, entry.key), []).append(
                (customer_id, entry.payload)
            )

    def find(self, kind: str, key: str) -> Sequence[tuple[str, Any]]:
        return self.entries.get((kind, key), [])

    def keys_of(self, customer_id: str, kind: str) -> Collection[str]:
        return {
            key
            for (k, key), found in self.entries.items()
            if k == kind and any(c == customer_id and p != "held" for c, p in found)
        }

    def kept_apart(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.apart
