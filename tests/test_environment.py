"""pyproject.toml holds the pins; environment.yml must list exactly the same ones."""

from __future__ import annotations

import re
import tomllib

import yaml

from harness import ROOT


def _pins(specs: list[str]) -> dict[str, str]:
    pins = {}
    for spec in specs:
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^=\s]+)", spec.strip())
        assert m, f"{spec!r} is not pinned with =="
        pins[m.group(1).lower()] = m.group(2)
    return pins


def test_environment_yml_agrees_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["name"] == "inside-the-feed"
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    python = next(d for d in conda if d.startswith("python="))
    minimum = re.search(r">=\s*(\d+\.\d+)", project["requires-python"]).group(1)
    assert python == f"python={minimum}"
    conda_pins = _pins([d for d in conda if "==" in d])
    assert conda_pins == _pins(project["dependencies"])
    pip_part = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip_part == ["-e ."], "the course package itself comes from pip"


def test_every_dependency_is_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    _pins(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        _pins(extra)
