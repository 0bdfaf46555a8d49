from pathlib import Path

import pytest

# Shared fixtures (the cast: organizations, members, groups): see tests/fixtures.py.
pytest_plugins = ["tests.fixtures"]

REPO = Path(__file__).resolve().parent.parent
# The official test vectors, shipped with the tests (see tests/standards/README.md); the
# contexts and schemas are Laurel's own run-time copies in laurel/vc/.
STANDARDS = REPO / "tests" / "standards"


@pytest.fixture(scope="session")
def standards_dir() -> Path:
    return STANDARDS
