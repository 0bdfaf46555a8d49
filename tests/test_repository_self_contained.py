"""Everything the project, its tests and its benchmarks read lives inside the repository.

A clone alone must pass ``make test`` (CI runs it from a copy in an empty folder), so no
file may point at a folder beside the checkout, at this machine's layout, or at the
checkout's parent by its absolute path.
"""

import re
from pathlib import Path

import pytest

from tests.conftest import REPO

SCANNED = ["laurel", "tests", "bench", "interop", ".ci", "Makefile"]
SKIPPED_PARTS = {"node_modules", "__pycache__", ".hypothesis"}

# Built from pieces, so that this file does not match its own patterns.
_UP = re.escape("." + ".")
_SHARED = "sha" + "red"
OUTSIDE = [
    re.compile(_UP + r"[/\\]+" + _SHARED),  # a folder beside the checkout
    re.compile(r"\b" + _SHARED + r"/(standards|samples|seeds)\b"),
    re.compile(r"\.parent\s*/\s*[\"']" + _SHARED),
    re.compile("/" + "work" + "/"),  # this machine's layout
]


def outside_references(text: str, parent: str | None) -> list[str]:
    """The references in `text` to paths outside the repository (`parent`: its parent's
    absolute path, or None when the checkout sits at the root)."""
    patterns = [*OUTSIDE, *([re.compile(re.escape(parent + "/"))] if parent else [])]
    return [match.group(0) for pattern in patterns for match in pattern.finditer(text)]


def scanned_files() -> list[Path]:
    files = []
    for name in SCANNED:
        path = REPO / name
        candidates = [path] if path.is_file() else path.rglob("*")
        files += [p for p in candidates if p.is_file() and not SKIPPED_PARTS.intersection(p.parts)]
    return sorted(files)


def _text(path: Path) -> str | None:
    data = path.read_bytes()
    return None if b"\0" in data else data.decode("utf-8", errors="replace")


def _parent() -> str | None:
    parent = REPO.parent
    return None if parent == Path(parent.anchor) else str(parent)


def test_no_file_of_the_project_refers_to_a_path_outside_the_repository():
    found = {}
    for path in scanned_files():
        text = _text(path)
        references = outside_references(text, _parent()) if text is not None else []
        if references:
            found[path.relative_to(REPO).as_posix()] = references
    assert found == {}


def test_the_scan_covers_the_makefile_ci_tests_and_interop_scripts():
    names = {path.relative_to(REPO).as_posix() for path in scanned_files()}
    assert {"Makefile", ".ci/run", "tests/conftest.py", "interop/loader.mjs"} <= names
    assert not any("node_modules" in name for name in names)


@pytest.mark.parametrize(
    "line",
    [
        "STANDARDS = REPO.parent / 'sha" + "red' / 'standards'",
        "open('." + "./sha" + "red/samples/x.csv')",
        "see sha" + "red/standards/README.md",
        "cp /wo" + "rk/main/x .",
        "path = '/srv/checkouts/x.json'",
    ],
)
def test_each_kind_of_outside_reference_is_found(line):
    assert outside_references(line, "/srv/checkouts")


@pytest.mark.parametrize(
    "line",
    ["join(HERE, '..', 'laurel', 'vc', 'contexts')", "a shared counter", "REPO / 'tests'"],
)
def test_references_inside_the_repository_are_not_flagged(line):
    assert outside_references(line, "/srv/checkouts") == []
