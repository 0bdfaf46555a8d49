"""The standards files the repository ships are the published ones, byte for byte.

Each folder's README lists its files with where they come from, their licence and their
SHA-256; this holds the files to that list, both ways (no file unlisted, none missing).
"""

import hashlib
import re
from pathlib import Path

import pytest

from laurel.vc.loader import CONTEXT_FILES, CONTEXTS_DIR
from tests.conftest import REPO, STANDARDS

FOLDERS = [CONTEXTS_DIR, REPO / "laurel" / "vc" / "schemas", STANDARDS]
# A table row: "| `<file>` | ... | `<sha256>` |"
ROW = re.compile(r"^\|\s*`(?P<file>[^`]+)`\s*\|.*\|\s*`(?P<sha256>[0-9a-f]{64})`\s*\|\s*$")


def listed(folder: Path) -> dict[str, str]:
    rows = (ROW.match(line) for line in (folder / "README.md").read_text("utf-8").splitlines())
    return {row["file"]: row["sha256"] for row in rows if row}


def shipped(folder: Path) -> set[str]:
    return {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and path.name != "README.md" and "__pycache__" not in path.parts
    }


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.relative_to(REPO).as_posix())
def test_every_shipped_standards_file_is_listed_in_its_readme_and_every_listed_one_shipped(
    folder,
):
    assert shipped(folder) == set(listed(folder))


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.relative_to(REPO).as_posix())
def test_every_shipped_standards_file_has_the_published_bytes(folder):
    for name, sha256 in listed(folder).items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == sha256, name


def test_the_document_loader_serves_exactly_the_shipped_contexts():
    assert set(CONTEXT_FILES.values()) == set(listed(CONTEXTS_DIR))
