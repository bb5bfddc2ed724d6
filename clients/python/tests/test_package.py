"""The package builds and installs from pyproject.toml with the setuptools backend, as `pip
install ./clients/python` does, and carries its type information (py.typed)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


def test_pip_installs_the_package_with_its_types_and_dependencies(tmp_path):
    if subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode != 0:
        pytest.skip("no pip for this python (apt-get install python3-pip)")
    # A copy: a build writes build/ and *.egg-info beside the sources.
    source = tmp_path / "source"
    shutil.copytree(PROJECT, source, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.egg-info", "build"))
    # Offline and without build isolation (setuptools and wheel are the system's: python3-setuptools,
    # python3-wheel), into a directory of its own rather than the system's site-packages.
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
                             "--target", str(site), str(source)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert {"__init__.py", "py.typed", "wire.py", "reading.py", "writing.py"} <= {p.name for p in (site / "redmap").iterdir()}
    assert not (site / "tests").exists()
    metadata = (site / "redmap-0.1.0.dist-info" / "METADATA").read_text()
    assert re.search(r"^Requires-Dist: redis ?\(?>=4\.3", metadata, re.M), metadata
    assert re.search(r"^Requires-Dist: numpy ?\(?>=1\.20", metadata, re.M), metadata
    imported = subprocess.run([sys.executable, "-c", "import redmap; print(redmap.__file__, redmap.read.__doc__ != '')"],
                              env={"PYTHONPATH": str(site)}, capture_output=True, text=True, cwd=tmp_path)
    assert imported.stdout.split() == [str(site / "redmap" / "__init__.py"), "True"], imported.stderr


def test_the_package_type_checks_strictly():
    """PEP 484 hints that mean something: mypy --strict (pyproject.toml's [tool.mypy]) passes."""
    if subprocess.run([sys.executable, "-m", "mypy", "--version"], capture_output=True).returncode != 0:
        pytest.skip("no mypy for this python (apt-get install python3-mypy)")
    result = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", "/dev/null", "src/redmap"],
                            cwd=PROJECT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "strict = true" in (PROJECT / "pyproject.toml").read_text()
