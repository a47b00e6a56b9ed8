"""The pytest plugin of custmaster: hypothesis profiles for CI and development, a test seed.

Installed with the ``testing`` extra, the plugin registers itself through the ``pytest11``
entry point; without it, enable it with ``-p custmaster.testing.plugin`` or
``pytest_plugins = ["custmaster.testing.plugin"]`` in your top-level ``conftest.py``.

**Hypothesis profiles.** Two settings profiles are registered when hypothesis is installed:

* ``custmaster-ci``: derandomised (the same examples on every run, so a red build is red
  for everyone), 50 examples per test, no deadline (shared CI machines have slow moments),
  failing examples printed as reproduction blobs;
* ``custmaster-dev``: random, 200 examples per test, no deadline.

Choose one with the environment variable ``CUSTMASTER_HYPOTHESIS_PROFILE`` (for example
``CUSTMASTER_HYPOTHESIS_PROFILE=custmaster-ci`` in the CI configuration) or with hypothesis'
own ``--hypothesis-profile`` option, which wins when both are given. Any registered profile
name works, your own included.

**The seed.** The ``custmaster_seed`` fixture is an integer for seeding generated test data
(such as a synthetic book): ``--custmaster-seed=N`` or the environment variable
``CUSTMASTER_SEED``, else 0. The header of the test report shows it, with the profile in use,
so that any run can be repeated.

**Stores.** The ``custmaster_store`` fixture is an empty store, opened with
`custmaster.store.open_store` and closed after the test. A test (or a fixture) that uses it runs
once per adapter: ``memory``, ``sqlite`` (a database file in the test's ``tmp_path``) when
installed, and ``postgresql`` when the environment variable ``CUSTMASTER_TEST_POSTGRES_URL``
names a server (``postgresql://user@host:5432/db``), each test then in a fresh schema dropped
afterwards. The parameter ids are the adapters' names (``test_x[sqlite]``).

**A synthetic book.** The ``synthetic_book`` fixture is a small `custmaster.testing.synth.Book`
(`SYNTHETIC_BOOK_PEOPLE` people and a few organisations, about a thousand rows) generated with
the seed, so it differs between seeds and is the same on every run with one seed.

The plugin imports without hypothesis; the profiles then are not registered, and asking for
one is a usage error that names the missing extra.

>>> PROFILES["custmaster-ci"]["derandomize"], PROFILES["custmaster-ci"]["max_examples"]
(True, 50)
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from custmaster.store import Store
    from custmaster.testing.synth import Book

__all__ = [
    "CI_PROFILE",
    "DEV_PROFILE",
    "POSTGRES_ENV",
    "PROFILES",
    "PROFILE_ENV",
    "SEED_ENV",
    "SYNTHETIC_BOOK_PEOPLE",
    "custmaster_seed",
    "custmaster_store",
    "register_profiles",
    "store_adapters",
    "synthetic_book",
]

#: Environment variable naming the hypothesis profile to load.
PROFILE_ENV = "CUSTMASTER_HYPOTHESIS_PROFILE"
#: Environment variable giving the default of ``--custmaster-seed``.
SEED_ENV = "CUSTMASTER_SEED"
#: Environment variable naming the PostgreSQL server ``custmaster_store`` also tests against.
POSTGRES_ENV = "CUSTMASTER_TEST_POSTGRES_URL"
#: How many people the ``synthetic_book`` fixture has.
SYNTHETIC_BOOK_PEOPLE = 80
#: Profile for continuous integration: reproducible and quick.
CI_PROFILE = "custmaster-ci"
#: Profile for development: more examples, random.
DEV_PROFILE = "custmaster-dev"

#: The settings of each profile (keyword arguments of ``hypothesis.settings``).
PROFILES: dict[str, dict[str, Any]] = {
    CI_PROFILE: {
        "max_examples": 50,
        "derandomize": True,
        "deadline": None,
        "print_blob": True,
    },
    DEV_PROFILE: {
        "max_examples": 200,
        # explicit, because hypothesis' own defaults derandomize when it detects a CI machine
        "derandomize": False,
        "deadline": None,
    },
}


def register_profiles() -> bool:
    """Register the profiles with hypothesis; return False if hypothesis is not installed."""
    try:
        from hypothesis import settings
    except ImportError:
        return False
    for name, options in PROFILES.items():
        settings.register_profile(name, **options)
    return True


# Registered on import, so that ``--hypothesis-profile=custmaster-ci`` finds them too.
_HYPOTHESIS = register_profiles()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--custmaster-seed``."""
    group = parser.getgroup("custmaster")
    group.addoption(
        "--custmaster-seed",
        type=int,
        default=None,
        help=f"seed of generated custmaster test data (default: ${SEED_ENV} or 0)",
    )


def _seed(config: pytest.Config) -> int:
    option = config.getoption("custmaster_seed")
    if option is not None:
        return int(option)
    text = os.environ.get(SEED_ENV, "").strip()
    if not text:
        return 0
    try:
        return int(text)
    except ValueError:
        raise pytest.UsageError(f"{SEED_ENV} must be an integer, not {text!r}") from None


def _requested_profile(config: pytest.Config) -> str | None:
    if config.getoption("hypothesis_profile", default=None):
        return None  # hypothesis' own option wins; its plugin loads the profile
    return os.environ.get(PROFILE_ENV, "").strip() or None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Check the seed and load the profile named by ``CUSTMASTER_HYPOTHESIS_PROFILE``.

    Runs before hypothesis' own plugin, so that ``--hypothesis-verbosity`` and the like still
    apply on top of the profile.
    """
    _seed(config)
    name = _requested_profile(config)
    if name is None:
        return
    if not _HYPOTHESIS:
        raise pytest.UsageError(
            f"{PROFILE_ENV}={name} needs hypothesis: pip install 'custmaster[testing]'"
        )
    from hypothesis import settings
    from hypothesis.errors import InvalidArgument

    try:
        settings.load_profile(name)
    except InvalidArgument:
        raise pytest.UsageError(
            f"{PROFILE_ENV}={name!r} is not a registered hypothesis profile; "
            f"custmaster registers {', '.join(sorted(PROFILES))}"
        ) from None


def pytest_report_header(config: pytest.Config) -> str:
    """Show the seed and the hypothesis profile in use."""
    if not _HYPOTHESIS:
        return f"custmaster: seed={_seed(config)}, hypothesis not installed"
    from hypothesis import settings

    profile = settings.get_current_profile_name()
    return f"custmaster: seed={_seed(config)}, hypothesis profile={profile}"


@pytest.fixture(scope="session")
def custmaster_seed(pytestconfig: pytest.Config) -> int:
    """The seed for generated test data: ``--custmaster-seed``, ``$CUSTMASTER_SEED`` or 0."""
    return _seed(pytestconfig)


def store_adapters() -> list[str]:
    """The adapters ``custmaster_store`` runs a test with: ``memory`` and ``sqlite`` when
    `custmaster.store.open_store` can open them, ``postgresql`` when it can and
    ``CUSTMASTER_TEST_POSTGRES_URL`` is set."""
    from custmaster.store import available_schemes

    known = set(available_schemes())
    chosen: list[str] = [name for name in ("memory", "sqlite") if name in known]
    if os.environ.get(POSTGRES_ENV, "").strip() and "postgresql" in known:
        chosen.append("postgresql")
    return chosen


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each test that uses ``custmaster_store`` once per adapter."""
    if "custmaster_store" in metafunc.fixturenames:
        metafunc.parametrize("custmaster_store", store_adapters(), indirect=True)


class _Schema:
    """A fresh schema on the PostgreSQL test server, dropped by `drop`."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.url = url
        self.name = f"cm_test_{secrets.token_hex(6)}"
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{self.name}"')

    @property
    def store_url(self) -> str:
        separator = "&" if "?" in self.url else "?"
        return f"{self.url}{separator}schema={self.name}"

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')


@pytest.fixture
def custmaster_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each adapter in turn (see the module description), closed after."""
    from custmaster.store import open_store

    adapter = getattr(request, "param", "memory")
    schema = None
    if adapter == "memory":
        url = "memory://"
    elif adapter == "sqlite":
        url = f"sqlite:///{tmp_path / 'custmaster.db'}"
    else:
        schema = _Schema(os.environ[POSTGRES_ENV].strip())
        url = schema.store_url
    store = open_store(url)
    try:
        yield store
    finally:
        store.close()
        if schema is not None:
            schema.drop()


@pytest.fixture(scope="session")
def synthetic_book(custmaster_seed: int) -> Book:
    """A small synthetic book generated with the test seed (see `custmaster.testing.synth`)."""
    from custmaster.testing.synth import generate

    return generate(seed=custmaster_seed, people=SYNTHETIC_BOOK_PEOPLE, organisations=4)
