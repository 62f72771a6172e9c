"""The built wheel carries every file the package reads at run time.

The word lists and tables (``*.tsv`` and friends) are data files next to the modules that load
them; an editable install finds them in the checkout, a wheel only if ``setup.cfg`` lists them
as package data. Build a real wheel and compare it with the files under ``kg/`` in git.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import ROOT


def _tracked_package_files() -> set[str]:
    listed = subprocess.run(["git", "ls-files", "kg"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.fail(f"git ls-files failed: {listed.stderr}")
    return {name for name in listed.stdout.splitlines() if not name.endswith(".pyc")}


def _source_copy(destination: Path) -> Path:
    """The files a build reads, copied: pip builds in the source tree, which must stay clean."""
    destination.mkdir()
    for name in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, destination / name)
    shutil.copytree(ROOT / "kg", destination / "kg", ignore=shutil.ignore_patterns("__pycache__"))
    return destination


def test_the_wheel_holds_every_tracked_file_of_the_package(tmp_path: Path) -> None:
    source = _source_copy(tmp_path / "source")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "--wheel-dir", str(tmp_path / "wheels"), str(source)],
        capture_output=True, text=True,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "wheels").glob("*.whl")
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(_tracked_package_files() - in_wheel)
    assert not missing, f"files under kg/ that a wheel install would lack: {missing}"
