"""Open a store by URL: ``memory://``, ``sqlite:///path.db``, ``postgresql://…`` or any scheme
a third party registers.

Adapters register through the entry-point group ``custmaster.stores``, mapping a URL scheme
to a factory (a callable taking the URL and keyword options, usually the store class)::

    [project.entry-points."custmaster.stores"]
    oracle = "custmaster_oracle:OracleStore"

custmaster's own adapters are registered the same way. `register_store` does the same at
run time (for tests and applications that build their own store).

>>> store = open_store("memory://")
>>> type(store).__name__
'MemoryStore'
>>> open_store("nosuch://x")
Traceback (most recent call last):
    ...
custmaster.errors.StoreError: [store.unknown_scheme] No store adapter for the scheme 'nosuch'; ...
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from importlib import metadata
from typing import Any, cast

from custmaster.errors import StoreError
from custmaster.store.base import Store

__all__ = [
    "DEFAULT_URL",
    "ENTRY_POINT_GROUP",
    "ERROR_CODES",
    "available_schemes",
    "open_store",
    "register_store",
    "unregister_store",
]

#: Every error code this module raises, with what it means.
ERROR_CODES: dict[str, str] = {
    "store.url": "A store URL has no scheme (scheme://...).",
    "store.unknown_scheme": "No installed store adapter handles the URL's scheme.",
    "store.adapter_missing": "The adapter's module (or an optional dependency) cannot be imported.",
    "store.adapter_broken": "The registered adapter reference does not exist.",
}

#: The entry-point group adapters register in.
ENTRY_POINT_GROUP = "custmaster.stores"

#: The store `open_store` opens when no URL is given: SQLite in the current directory.
DEFAULT_URL = "sqlite:///custmaster.db"

#: custmaster's own adapters, used when the installed metadata lacks their entry points
#: (a source checkout not reinstalled since they were added).
_BUILTIN: dict[str, str] = {
    "memory": "custmaster.store.memory:MemoryStore",
    "sqlite": "custmaster.store.sqlite:SQLiteStore",
    "postgresql": "custmaster.store.postgres:PostgresStore",
}

#: The optional extra that brings each optional adapter's dependencies.
_EXTRAS: dict[str, str] = {"postgresql": "postgres", "postgres": "postgres"}

#: Spellings of a scheme that mean another.
_SCHEME_ALIASES: dict[str, str] = {"postgres": "postgresql"}

Factory = Callable[..., Store]

_registered: dict[str, Factory | str] = {}


def register_store(scheme: str, factory: Factory | str) -> None:
    """Make ``scheme://…`` URLs open with ``factory`` (a callable or ``"module:attr"``).

    Takes precedence over installed entry points with the same scheme.
    """
    _registered[_scheme_key(scheme)] = factory


def unregister_store(scheme: str) -> None:
    """Undo `register_store` for ``scheme`` (installed adapters are not affected)."""
    _registered.pop(_scheme_key(scheme), None)


def _scheme_key(scheme: str) -> str:
    key = scheme.strip().lower()
    return _SCHEME_ALIASES.get(key, key)


def _entry_points() -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(_scheme_key(entry.name), entry.value)
    return found


def _sources() -> dict[str, Factory | str]:
    sources: dict[str, Factory | str] = {}
    for scheme, target in _BUILTIN.items():
        module = target.partition(":")[0]
        if importlib.util.find_spec(module) is not None:
            sources[scheme] = target
    sources.update(_entry_points())
    sources.update(_registered)
    return sources


def available_schemes() -> list[str]:
    """The URL schemes that can be opened, sorted."""
    return sorted(_sources())


def _load(scheme: str, target: Factory | str) -> Factory:
    if not isinstance(target, str):
        return target
    module_name, _, attribute = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        extra = _EXTRAS.get(scheme)
        hint = (
            f"pip install 'custmaster[{extra}]'"
            if extra
            else "install the package that provides it"
        )
        raise StoreError(
            f"The store adapter for {scheme}:// cannot be imported ({error.name or 'a module'} "
            f"is missing): {hint}.",
            code="store.adapter_missing",
            message_zh=f"无法加载 {scheme}:// 存储适配器：{hint}。",
        ) from None
    try:
        found: Any = module
        for part in attribute.split("."):
            found = getattr(found, part)
    except AttributeError:
        raise StoreError(
            f"The store adapter {target!r} for {scheme}:// does not exist.",
            code="store.adapter_broken",
            message_zh=f"{scheme}:// 存储适配器不存在。",
        ) from None
    return cast("Factory", found)


def open_store(url: str | None = None, **options: Any) -> Store:
    """Open the store a URL names (default `DEFAULT_URL`), passing ``options`` to its factory.

    Raises `custmaster.errors.StoreError` for a scheme no adapter handles (listing the
    installed ones) or an adapter whose optional dependencies are missing (naming the
    ``pip install 'custmaster[…]'`` that brings them).
    """
    target_url = DEFAULT_URL if url is None else url
    if not isinstance(target_url, str) or "://" not in target_url:
        raise StoreError(
            "A store URL looks like scheme://…, e.g. memory:// or sqlite:///custmaster.db.",
            code="store.url",
            message_zh="存储地址应形如 scheme://…，例如 memory:// 或 sqlite:///custmaster.db。",
        )
    raw_scheme = target_url.split("://", 1)[0].split("+", 1)[0]
    scheme = _scheme_key(raw_scheme)
    sources = _sources()
    target = sources.get(scheme)
    if target is None:
        installed = ", ".join(sorted(sources)) or "none"
        raise StoreError(
            f"No store adapter for the scheme {raw_scheme[:20]!r}; installed: {installed}.",
            code="store.unknown_scheme",
            message_zh=f"没有处理 {raw_scheme[:20]!r} 的存储适配器；已安装：{installed}。",
        )
    factory = _load(scheme, target)
    return factory(target_url, **options)
