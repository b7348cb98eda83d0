"""The three descriptions of the environment agree: pyproject.toml, requirements.lock, environment.yml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_packages() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]
    return {_norm(re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0]) for d in deps}


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"requirements.lock line is not an exact pin: {line!r}"
            pins[_norm(name)] = version
    return pins


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for pipdep in dep["pip"]:
                if pipdep.startswith("-e"):
                    continue
                name, _, version = pipdep.partition("==")
                out[_norm(name)] = version
        else:
            name, _, version = dep.partition("=")
            if name not in ("python", "pip"):
                out[_norm(name)] = version
    return out


def test_environment_yml_names_the_same_packages_as_pyproject():
    env, project = set(_environment()), _pyproject_packages()
    assert env == project, (
        f"only in environment.yml: {sorted(env - project)}; only in pyproject.toml: {sorted(project - env)}"
    )


def test_every_direct_dependency_is_pinned_in_the_lock():
    lock = _lock()
    missing = sorted(_pyproject_packages() - set(lock))
    assert not missing, f"not pinned in requirements.lock: {missing} (run `make lock`)"


def test_environment_yml_versions_match_the_lock():
    lock = _lock()
    differ = {n: (v, lock.get(n)) for n, v in _environment().items() if lock.get(n) != v}
    assert not differ, f"environment.yml vs requirements.lock: {differ}"


def test_installed_versions_match_the_lock():
    """The running environment is the pinned one, so a report can be rebuilt exactly."""
    from importlib.metadata import PackageNotFoundError, version

    lock = _lock()
    wrong = {}
    for name in sorted(_pyproject_packages()):
        try:
            have = version(name)
        except PackageNotFoundError:
            have = None
        if have != lock[name]:
            wrong[name] = (have, lock[name])
    assert not wrong, f"installed vs requirements.lock: {wrong} (run `make install`)"
