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

The plugin imports without hypothesis; the profiles then are not registered, and asking for
one is a usage error that names the missing extra.

>>> PROFILES["custmaster-ci"]["derandomize"], PROFILES["custmaster-ci"]["max_examples"]
(True, 50)
"""

from __future__ import annotations

import os
from typing import Any

import pytest

__all__ = [
    "CI_PROFILE",
    "DEV_PROFILE",
    "PROFILES",
    "PROFILE_ENV",
    "SEED_ENV",
    "custmaster_seed",
    "register_profiles",
]

#: Environment variable naming the hypothesis profile to load.
PROFILE_ENV = "CUSTMASTER_HYPOTHESIS_PROFILE"
#: Environment variable giving the default of ``--custmaster-seed``.
SEED_ENV = "CUSTMASTER_SEED"
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
