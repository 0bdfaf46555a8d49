from pathlib import Path

import pytest

# Shared fixtures (the cast: organizations, members, groups): see tests/fixtures.py.
pytest_plugins = ["tests.fixtures"]

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
STANDARDS = SHARED / "standards"
SAMPLES = SHARED / "samples"


@pytest.fixture(scope="session")
def standards_dir() -> Path:
    assert STANDARDS.is_dir(), f"shared/standards not found beside the repository at {STANDARDS}"
    return STANDARDS
