"""The pytest plugin: hypothesis profiles chosen by environment, the seed fixture.

Each scenario runs pytest in a subprocess, since loading a hypothesis profile changes
hypothesis' global settings for the whole process.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import textwrap

import pytest

from custmaster.testing import plugin
from custmaster.testing.plugin import pytest_configure

pytest_plugins = ["pytester"]

_INNER_TESTS = """
from hypothesis import settings

def test_profile(custmaster_seed):
    current = settings.default
    print("PROFILE", settings.get_current_profile_name(), current.max_examples,
          current.derandomize, current.deadline)
    print("SEED", custmaster_seed)
"""


def _installed_as_entry_point() -> bool:
    return any(
        ep.value == "custmaster.testing.plugin"
        for ep in importlib.metadata.entry_points(group="pytest11")
    )


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_inner=_INNER_TESTS)
    # Loaded by its pytest11 entry point once installed; by -p before that.
    load = () if _installed_as_entry_point() else ("-p", "custmaster.testing.plugin")
    return pytester.runpytest_subprocess(*load, "-s", *args)


def test_ci_profile_from_environment(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(plugin.PROFILE_ENV, "custmaster-ci")
    monkeypatch.setenv(plugin.SEED_ENV, "42")
    result = _run(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "custmaster: seed=42, hypothesis profile=custmaster-ci",
            "*PROFILE custmaster-ci 50 True None",
            "*SEED 42",
        ]
    )


def test_dev_profile_and_seed_option(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(plugin.PROFILE_ENV, "custmaster-dev")
    monkeypatch.setenv(plugin.SEED_ENV, "42")
    result = _run(pytester, "--custmaster-seed=7")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*PROFILE custmaster-dev 200 False None", "*SEED 7"])


def test_hypothesis_option_wins_over_environment(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(plugin.PROFILE_ENV, "custmaster-dev")
    monkeypatch.delenv(plugin.SEED_ENV, raising=False)
    result = _run(pytester, "--hypothesis-profile=custmaster-ci")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*PROFILE custmaster-ci 50 True None", "*SEED 0"])


def test_unknown_profile_and_bad_seed_are_usage_errors(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(plugin.PROFILE_ENV, "custmaster-typo")
    result = _run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*custmaster-typo*not a registered hypothesis profile*"])
    monkeypatch.delenv(plugin.PROFILE_ENV)
    monkeypatch.setenv(plugin.SEED_ENV, "forty-two")
    result = _run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*CUSTMASTER_SEED must be an integer*"])


def test_plugin_imports_without_hypothesis() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["hypothesis"] = None  # make "import hypothesis" fail
        from custmaster.testing import plugin
        assert plugin._HYPOTHESIS is False
        assert plugin.register_profiles() is False
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_profiles_are_registered_with_hypothesis() -> None:
    from hypothesis import settings

    ci = settings.get_profile(plugin.CI_PROFILE)
    assert ci.derandomize
    assert ci.deadline is None
    assert ci.max_examples == 50
    dev = settings.get_profile(plugin.DEV_PROFILE)
    assert not dev.derandomize
    assert dev.max_examples == 200


class _Config:
    """The part of pytest.Config the plugin's configure hook reads."""

    def getoption(self, name: str, default: object = None) -> object:
        return default


def test_profile_without_hypothesis_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plugin, "_HYPOTHESIS", False)
    monkeypatch.setenv(plugin.PROFILE_ENV, "custmaster-ci")
    monkeypatch.delenv(plugin.SEED_ENV, raising=False)
    with pytest.raises(pytest.UsageError, match=r"custmaster\[testing\]"):
        pytest_configure(_Config())  # type: ignore[arg-type]


_STORE_TESTS = """
from custmaster.testing.synth import Book

def test_store_is_empty_and_usable(custmaster_store):
    assert custmaster_store.count() == 0
    result = custmaster_store.ingest({
        "provenance": {"channel": "core_system", "source_ref": "R1",
                       "observed_at": "2026-01-05"},
        "name": "张伟", "mobile": "13800138000"})
    assert result.ok
    assert custmaster_store.count() == 1
    print("ADAPTER", custmaster_store.url.split(":")[0])

def test_book(synthetic_book, custmaster_seed):
    assert isinstance(synthetic_book, Book)
    assert synthetic_book.seed == custmaster_seed
    people = list(synthetic_book.identities())
    print("BOOK", synthetic_book.people, len(people), people[0].resident_id[:6])
"""


def test_store_fixture_runs_once_per_adapter_and_the_book_follows_the_seed(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(plugin.POSTGRES_ENV, raising=False)
    monkeypatch.delenv(plugin.PROFILE_ENV, raising=False)
    pytester.makepyfile(test_inner=_STORE_TESTS)
    load = () if _installed_as_entry_point() else ("-p", "custmaster.testing.plugin")
    result = pytester.runpytest_subprocess(*load, "-s", "-v", "--custmaster-seed=3")
    adapters = plugin.store_adapters()
    assert "memory" in adapters
    assert "postgresql" not in adapters
    result.assert_outcomes(passed=len(adapters) + 1)
    result.stdout.fnmatch_lines([f"*test_store_is_empty_and_usable?{a}?*" for a in adapters])
    result.stdout.fnmatch_lines([f"*ADAPTER {a}*" for a in adapters])
    from custmaster.testing.synth import generate

    first = next(generate(seed=3, people=plugin.SYNTHETIC_BOOK_PEOPLE).identities())
    assert first.resident_id is not None
    region = first.resident_id[:6]  # the book of seed 3, not of another seed
    result.stdout.fnmatch_lines([f"*BOOK {plugin.SYNTHETIC_BOOK_PEOPLE} 8? {region}*"])
    assert next(generate(seed=4, people=1).identities()).resident_id != first.resident_id


def test_postgres_joins_the_adapters_when_its_url_is_set(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    from custmaster.store import available_schemes

    monkeypatch.setenv(plugin.POSTGRES_ENV, "postgresql://nobody@127.0.0.1:1/none")
    adapters = plugin.store_adapters()
    assert ("postgresql" in adapters) == ("postgresql" in available_schemes())
    pytester.makepyfile(test_inner=_STORE_TESTS)
    load = () if _installed_as_entry_point() else ("-p", "custmaster.testing.plugin")
    result = pytester.runpytest_subprocess(*load, "--collect-only", "-q")
    result.stdout.fnmatch_lines([f"*test_store_is_empty_and_usable?{a}?*" for a in adapters])
